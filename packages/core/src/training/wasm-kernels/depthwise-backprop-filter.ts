import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../tensor/tfjs-runtime';
import { convInfo, heapFloats, wasmKernelConfig, type Shape4, type WasmKernelCall } from './wasm-backend';

/**
 * DepthwiseConv2dNativeBackpropFilter for the wasm backend (it has none):
 * dW[fh, fw, c, m] = sum over (b, oh, ow) of x[b, ih, iw, c] * dy[b, oh, ow, c * M + m]. It costs
 * no more than the forward depthwise convolution, little next to the dense convolutions around
 * it, so it is a direct loop over the heap arrays (channels innermost, both arrays contiguous
 * there), summed in float64.
 */
export function depthwiseBackpropFilterConfig(tf: Tf): tfjs.KernelConfig {
  return wasmKernelConfig('DepthwiseConv2dNativeBackpropFilter', (call) => depthwiseBackpropFilter(tf, call));
}

function depthwiseBackpropFilter(tf: Tf, { backend, input, attrs }: WasmKernelCall): tfjs.TensorInfo {
  const x = input('x');
  const dy = input('dy');
  const filterShape = attrs.filterShape as Shape4;
  const info = convInfo(tf, x.shape as Shape4, filterShape, attrs, true);
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const multiplier = filterShape[3];
  const outChannels = inChannels * multiplier;
  const out = backend.makeOutput(filterShape, 'float32');
  const xValues = heapFloats(backend, x);
  const dyValues = heapFloats(backend, dy);
  const sums = new Float64Array(filterHeight * filterWidth * outChannels);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const fhStart = Math.max(0, padTop - oh * strideHeight);
      const fhEnd = Math.min(filterHeight, inHeight + padTop - oh * strideHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const fwStart = Math.max(0, padLeft - ow * strideWidth);
        const fwEnd = Math.min(filterWidth, inWidth + padLeft - ow * strideWidth);
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let fh = fhStart; fh < fhEnd; fh++) {
          const ih = oh * strideHeight - padTop + fh;
          for (let fw = fwStart; fw < fwEnd; fw++) {
            const iw = ow * strideWidth - padLeft + fw;
            const xBase = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const sumBase = (fh * filterWidth + fw) * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < inChannels; c++) sums[sumBase + c] += xValues[xBase + c] * dyValues[dyBase + c];
            } else {
              for (let c = 0, k = 0; c < inChannels; c++) {
                const xv = xValues[xBase + c];
                for (let m = 0; m < multiplier; m++, k++) sums[sumBase + k] += xv * dyValues[dyBase + k];
              }
            }
          }
        }
      }
    }
  }
  heapFloats(backend, out).set(sums);
  return out;
}
