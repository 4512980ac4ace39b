import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../tensor/tfjs-runtime';

/**
 * The parts of tfjs-backend-wasm's BackendWasm that our kernels use. The package does not
 * export the class's type for kernel authors, so kernels cast the `backend` they receive to
 * this; the members are the ones its own kernels use (see its dist/kernels/*.js).
 */
export interface WasmBackend {
  /** A new tensor in the wasm heap, uninitialised (the heap is not zeroed). */
  makeOutput(shape: number[], dtype: tfjs.DataType): tfjs.TensorInfo;
  /** A view of a tensor's bytes in the heap; invalid once the heap grows (after any makeOutput). */
  typedArrayFromHeap(info: tfjs.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: tfjs.DataId, force?: boolean): boolean;
}

export type Shape4 = [number, number, number, number];

export interface KernelArgs {
  readonly inputs: tfjs.NamedTensorInfoMap;
  readonly backend: unknown;
  readonly attrs?: tfjs.NamedAttrMap;
}

/** What one of our gradient kernels receives: the backend, its inputs by name, its attributes. */
export interface WasmKernelCall {
  readonly backend: WasmBackend;
  /** The named input; a missing one is an error naming the kernel. */
  input(name: string): tfjs.TensorInfo;
  readonly attrs: tfjs.NamedAttrMap;
}

/**
 * The wasm kernel config of one of our gradient kernels: the attributes are checked for what
 * we implement (checkSupported) before `run`, and errors name the kernel.
 */
export function wasmKernelConfig(kernelName: string, run: (call: WasmKernelCall) => tfjs.TensorInfo): tfjs.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs = {} }: KernelArgs) => {
      checkSupported(kernelName, attrs);
      return run({ backend: asWasmBackend(backend), input: (name) => inputOf(inputs, name, kernelName), attrs });
    },
  };
}

export function asWasmBackend(backend: unknown): WasmBackend {
  return backend as WasmBackend;
}

/** A float32 view of a tensor in the wasm heap (fetch it again after any allocation). */
export function heapFloats(backend: WasmBackend, info: tfjs.TensorInfo): Float32Array {
  if (info.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${info.dtype}`);
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** A TensorInfo sharing `info`'s data under another shape of the same size (no copy). */
export function reshapedView(info: tfjs.TensorInfo, shape: number[]): tfjs.TensorInfo {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** Runs the kernel registered for wasm under that name (tfjs-backend-wasm's or ours) on this backend. */
export function runWasmKernel(
  tf: Tf,
  kernelName: string,
  backend: unknown,
  inputs: tfjs.NamedTensorInfoMap,
  attrs: tfjs.NamedAttrMap,
): tfjs.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel === undefined) throw new Error(`the tfjs wasm backend has no ${kernelName} kernel`);
  const out = kernel.kernelFunc({ inputs, backend: backend as object, attrs });
  if (Array.isArray(out)) throw new Error(`${kernelName} returned several tensors; one was expected`);
  return out;
}

function pairOf(value: number | readonly number[] | undefined, fallback: number): [number, number] {
  if (value === undefined || value === null) return [fallback, fallback];
  if (typeof value === 'number') return [value, value];
  return [value[0], value[1]];
}

/**
 * Rejects what our kernels do not implement, rather than computing a wrong gradient: only NHWC
 * and dilation 1 (tfjs' own conv2d gradient already refuses dilations; depthwise allows them).
 */
export function checkSupported(kernelName: string, attrs: tfjs.NamedAttrMap): void {
  const dataFormat = attrs.dataFormat as string | undefined;
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(`${kernelName} on the wasm backend supports dataFormat 'NHWC' only, got '${dataFormat}'`);
  }
  const [dh, dw] = pairOf(attrs.dilations as number | number[] | undefined, 1);
  if (dh !== 1 || dw !== 1) {
    throw new Error(`${kernelName} on the wasm backend supports dilations 1 only, got [${dh}, ${dw}]`);
  }
}

/**
 * dy spread onto the grid on which the input gradient is a plain 'valid', stride-1 correlation
 * with the 180-degree-rotated filter: dy[b, oh, ow] lands at (oh * strideH + filterH - 1 - padTop,
 * ow * strideW + filterW - 1 - padLeft) of a zero (inH + filterH - 1) x (inW + filterW - 1) grid.
 * Rows or columns that fall outside saw only padding in the forward pass and are dropped.
 */
export function spreadOutputGradient(backend: WasmBackend, dy: tfjs.TensorInfo, info: tfjs.backend_util.Conv2DInfo): tfjs.TensorInfo {
  const [batch, outHeight, outWidth, channels] = dy.shape;
  const { inHeight, inWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top: padTop, left: padLeft } = info.padInfo;
  const gridHeight = inHeight + filterHeight - 1;
  const gridWidth = inWidth + filterWidth - 1;
  const grid = backend.makeOutput([batch, gridHeight, gridWidth, channels], 'float32');
  const gridValues = heapFloats(backend, grid);
  const dyValues = heapFloats(backend, dy);
  gridValues.fill(0);
  const rowOffset = filterHeight - 1 - padTop;
  const colOffset = filterWidth - 1 - padLeft;
  // output columns whose landing column is inside the grid: a contiguous range
  let firstCol = 0;
  while (firstCol < outWidth && firstCol * strideWidth + colOffset < 0) firstCol++;
  let endCol = outWidth;
  while (endCol > firstCol && (endCol - 1) * strideWidth + colOffset >= gridWidth) endCol--;
  const rowLength = (endCol - firstCol) * channels;
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const row = oh * strideHeight + rowOffset;
      if (row < 0 || row >= gridHeight) continue;
      const dyRow = ((b * outHeight + oh) * outWidth + firstCol) * channels;
      const gridRow = ((b * gridHeight + row) * gridWidth + firstCol * strideWidth + colOffset) * channels;
      if (strideWidth === 1) {
        gridValues.set(dyValues.subarray(dyRow, dyRow + rowLength), gridRow);
        continue;
      }
      for (let ow = firstCol; ow < endCol; ow++) {
        const from = dyRow + (ow - firstCol) * channels;
        const to = gridRow + (ow - firstCol) * strideWidth * channels;
        for (let c = 0; c < channels; c++) gridValues[to + c] = dyValues[from + c];
      }
    }
  }
  return grid;
}

/** A kernel's named input, which tfjs types as possibly missing. */
export function inputOf(inputs: tfjs.NamedTensorInfoMap, name: string, kernelName: string): tfjs.TensorInfo {
  const input = inputs[name];
  if (input === undefined) throw new Error(`${kernelName} needs an input named ${name}`);
  return input;
}

/** The convolution geometry of a kernel's attributes (NHWC; dilations are checked to be 1 before). */
export function convInfo(tf: Tf, inputShape: Shape4, filterShape: Shape4, attrs: tfjs.NamedAttrMap, depthwise: boolean): tfjs.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    inputShape,
    filterShape,
    attrs.strides as number | [number, number],
    1,
    attrs.pad as 'same' | 'valid' | number | tfjs.backend_util.ExplicitPadding,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    depthwise,
    'channelsLast',
  );
}
