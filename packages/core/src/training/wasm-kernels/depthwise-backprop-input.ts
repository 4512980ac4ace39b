import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../tensor/tfjs-runtime';
import { convInfo, heapFloats, runWasmKernel, spreadOutputGradient, wasmKernelConfig, type Shape4, type WasmKernelCall } from './wasm-backend';

/**
 * DepthwiseConv2dNativeBackpropInput for the wasm backend (it has none). As for Conv2D, the
 * input gradient is a 'valid', stride-1 depthwise convolution of dy spread onto the input grid
 * with the rotated filter, run by the wasm DepthwiseConv2dNative (XNNPACK): dy has C * M
 * channels (M = channel multiplier), each filtered by its own tap, and the M results of each
 * input channel are then summed.
 */
export function depthwiseBackpropInputConfig(tf: Tf): tfjs.KernelConfig {
  return wasmKernelConfig('DepthwiseConv2dNativeBackpropInput', (call) => depthwiseBackpropInput(tf, call));
}

function depthwiseBackpropInput(tf: Tf, { backend, input, attrs }: WasmKernelCall): tfjs.TensorInfo {
  const dy = input('dy');
  const filter = input('filter');
  const inputShape = attrs.inputShape as Shape4;
  const filterShape = filter.shape as Shape4;
  const info = convInfo(tf, inputShape, filterShape, attrs, true);
  const { filterHeight, filterWidth, inChannels } = info;
  const multiplier = filterShape[3];
  const spreadChannels = inChannels * multiplier;
  const grid = spreadOutputGradient(backend, dy, info);
  // rotated[fh, fw, c * M + m, 0] = filter[H - 1 - fh, W - 1 - fw, c, m]: the (c, m) order is
  // the filter's own, so each spatial tap is one contiguous copy
  const rotated = backend.makeOutput([filterHeight, filterWidth, spreadChannels, 1], 'float32');
  const from = heapFloats(backend, filter);
  const to = heapFloats(backend, rotated);
  for (let fh = 0; fh < filterHeight; fh++) {
    for (let fw = 0; fw < filterWidth; fw++) {
      const source = ((filterHeight - 1 - fh) * filterWidth + (filterWidth - 1 - fw)) * spreadChannels;
      to.set(from.subarray(source, source + spreadChannels), (fh * filterWidth + fw) * spreadChannels);
    }
  }
  const perTap = runWasmKernel(tf, 'DepthwiseConv2dNative', backend, { x: grid, filter: rotated }, {
    strides: 1,
    pad: 'valid',
    dilations: 1,
  });
  backend.disposeData(grid.dataId);
  backend.disposeData(rotated.dataId);
  if (multiplier === 1) return perTap;

  const dx = backend.makeOutput(inputShape, 'float32');
  const sums = heapFloats(backend, dx);
  const terms = heapFloats(backend, perTap);
  for (let pixel = 0, t = 0; pixel < sums.length; pixel++) {
    let sum = 0;
    for (let m = 0; m < multiplier; m++) sum += terms[t++];
    sums[pixel] = sum;
  }
  backend.disposeData(perTap.dataId);
  return dx;
}
