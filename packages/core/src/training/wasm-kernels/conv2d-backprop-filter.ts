import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../tensor/tfjs-runtime';
import { convInfo, heapFloats, reshapedView, runWasmKernel, wasmKernelConfig, type Shape4, type WasmKernelCall } from './wasm-backend';

/**
 * Largest im2col matrix (in floats; 2^22 = 16 MB) built at once: bigger batches are done in
 * slices of whole images. Mutable so that tests can exercise the slicing.
 */
export const im2colLimit = { maxFloats: 1 << 22 };

/**
 * Conv2DBackpropFilter for the wasm backend: dW[k, co] = sum over m of cols[k, m] * dy[m, co],
 * where m runs over (batch, outRow, outCol) and k over (filterRow, filterCol, inChannel). The
 * im2col matrix is written already transposed (k-major) because the wasm BatchMatMul is fast
 * (XNNPACK) only without transpose flags; the product then runs in wasm SIMD.
 */
export function conv2dBackpropFilterConfig(tf: Tf): tfjs.KernelConfig {
  return wasmKernelConfig('Conv2DBackpropFilter', (call) => conv2dBackpropFilter(tf, call));
}

function conv2dBackpropFilter(tf: Tf, { backend, input, attrs }: WasmKernelCall): tfjs.TensorInfo {
  const x = input('x');
  const dy = input('dy');
  const filterShape = attrs.filterShape as Shape4;
  const info = convInfo(tf, x.shape as Shape4, filterShape, attrs, false);
  const { batchSize, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const outPixels = outHeight * outWidth;
  const depth = filterHeight * filterWidth * inChannels;
  const imagesPerSlice = Math.max(1, Math.min(batchSize, Math.floor(im2colLimit.maxFloats / (outPixels * depth))));

  let total: Float64Array | undefined;
  let result: tfjs.TensorInfo | undefined;
  for (let first = 0; first < batchSize; first += imagesPerSlice) {
    const images = Math.min(imagesPerSlice, batchSize - first);
    const rows = images * outPixels;
    const cols = backend.makeOutput([1, depth, rows], 'float32');
    const wholeBatch = images === batchSize;
    const dySlice = wholeBatch ? reshapedView(dy, [1, rows, outChannels]) : backend.makeOutput([1, rows, outChannels], 'float32');
    // views taken after the allocations above: an allocation may move the heap
    const xValues = heapFloats(backend, x);
    if (!wholeBatch) {
      const dyValues = heapFloats(backend, dy);
      const start = first * outPixels * outChannels;
      heapFloats(backend, dySlice).set(dyValues.subarray(start, start + rows * outChannels));
    }
    im2colTransposed(xValues, heapFloats(backend, cols), first, images, info);
    const product = runWasmKernel(tf, 'BatchMatMul', backend, { a: cols, b: dySlice }, { transposeA: false, transposeB: false });
    backend.disposeData(cols.dataId);
    if (!wholeBatch) backend.disposeData(dySlice.dataId);
    if (wholeBatch) {
      result = { dataId: product.dataId, shape: filterShape, dtype: 'float32' };
      break;
    }
    // several slices: their partial products are added up in float64
    total ??= new Float64Array(depth * outChannels);
    const partial = heapFloats(backend, product);
    for (let i = 0; i < total.length; i++) total[i] += partial[i];
    backend.disposeData(product.dataId);
  }
  if (result !== undefined) return result;
  const out = backend.makeOutput(filterShape, 'float32');
  heapFloats(backend, out).set(total as Float64Array);
  return out;
}

/**
 * cols[k, m] = x[b, oh * strideH - padTop + fh, ow * strideW - padLeft + fw, ci] (0 in the
 * padding) with k = (fh, fw, ci) and m = (b - first, oh, ow): one row per filter tap. The slice
 * of x is first made channel-major, so that each row is filled from one channel plane with
 * unit-stride reads (reading NHWC with a stride of inChannels was 3-4x slower).
 */
function im2colTransposed(
  x: Float32Array,
  cols: Float32Array,
  first: number,
  images: number,
  info: tfjs.backend_util.Conv2DInfo,
): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const rowLength = images * outHeight * outWidth;
  const plane = images * inHeight * inWidth;
  let planes = x.subarray(first * inHeight * inWidth, first * inHeight * inWidth + plane);
  if (inChannels > 1) {
    // planes[ci][b][ih][iw] = x[first + b][ih][iw][ci]
    planes = new Float32Array(plane * inChannels);
    const offset = first * inHeight * inWidth * inChannels;
    for (let p = 0; p < plane; p++) {
      const from = offset + p * inChannels;
      for (let ci = 0, to = p; ci < inChannels; ci++, to += plane) planes[to] = x[from + ci];
    }
  }
  for (let fh = 0; fh < filterHeight; fh++) {
    for (let fw = 0; fw < filterWidth; fw++) {
      // output columns whose input column is inside the image: [owStart, owEnd)
      const colShift = fw - padLeft;
      const owStart = Math.min(outWidth, Math.max(0, Math.ceil(-colShift / strideWidth)));
      const owEnd = Math.max(owStart, Math.min(outWidth, Math.floor((inWidth - 1 - colShift) / strideWidth) + 1));
      for (let ci = 0; ci < inChannels; ci++) {
        let m = ((fh * filterWidth + fw) * inChannels + ci) * rowLength;
        for (let b = 0; b < images; b++) {
          const imageBase = (ci * images + b) * inHeight;
          for (let oh = 0; oh < outHeight; oh++) {
            const ih = oh * strideHeight - padTop + fh;
            if (ih < 0 || ih >= inHeight) {
              cols.fill(0, m, m + outWidth);
              m += outWidth;
              continue;
            }
            const rowEnd = m + outWidth;
            for (let ow = 0; ow < owStart; ow++) cols[m++] = 0;
            let xi = (imageBase + ih) * inWidth + owStart * strideWidth + colShift;
            for (let ow = owStart; ow < owEnd; ow++, xi += strideWidth) cols[m++] = planes[xi];
            while (m < rowEnd) cols[m++] = 0;
          }
        }
      }
    }
  }
}
