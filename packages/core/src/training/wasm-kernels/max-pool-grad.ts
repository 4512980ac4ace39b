import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../tensor/tfjs-runtime';
import { heapFloats, wasmKernelConfig, type Shape4, type WasmKernelCall } from './wasm-backend';

/**
 * MaxPoolGrad for the wasm backend, replacing tfjs-backend-wasm's own (about twice as slow as
 * this one; it took ~15 % of a twin-CNN training step). Each window's dy goes to the first
 * largest input of the window in row-major order, as on the cpu backend (ties are common after
 * a ReLU). One pass over the windows with the channels innermost: every read is contiguous.
 */
export function maxPoolGradConfig(tf: Tf): tfjs.KernelConfig {
  return wasmKernelConfig('MaxPoolGrad', (call) => maxPoolGrad(tf, call));
}

function maxPoolGrad(tf: Tf, { backend, input, attrs }: WasmKernelCall): tfjs.TensorInfo {
  const dy = input('dy');
  const x = input('input');
  const info = tf.backend_util.computePool2DInfo(
    x.shape as Shape4,
    attrs.filterSize as number | [number, number],
    attrs.strides as number | [number, number],
    1,
    attrs.pad as 'same' | 'valid' | number | tfjs.backend_util.ExplicitPadding,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
  );
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const dx = backend.makeOutput(x.shape, 'float32');
  const dxValues = heapFloats(backend, dx);
  const xValues = heapFloats(backend, x);
  const dyValues = heapFloats(backend, dy);
  dxValues.fill(0);
  const best = new Float32Array(channels);
  const bestAt = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const rowStart = Math.max(0, oh * strideHeight - padTop);
      const rowEnd = Math.min(inHeight, oh * strideHeight - padTop + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const colStart = Math.max(0, ow * strideWidth - padLeft);
        const colEnd = Math.min(inWidth, ow * strideWidth - padLeft + filterWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        bestAt.fill(-1);
        for (let ih = rowStart; ih < rowEnd; ih++) {
          for (let iw = colStart; iw < colEnd; iw++) {
            const base = ((b * inHeight + ih) * inWidth + iw) * channels;
            for (let c = 0; c < channels; c++) {
              const v = xValues[base + c];
              if (v > best[c]) {
                best[c] = v;
                bestAt[c] = base + c;
              }
            }
          }
        }
        const dyBase = ((b * outHeight + oh) * outWidth + ow) * channels;
        for (let c = 0; c < channels; c++) {
          if (bestAt[c] >= 0) dxValues[bestAt[c]] += dyValues[dyBase + c];
        }
      }
    }
  }
  return dx;
}
