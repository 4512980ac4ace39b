import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../tensor/tfjs-runtime';
import { asWasmBackend, inputOf, runWasmKernel, type KernelArgs } from './wasm-backend';

/**
 * A transposed operand is copied transposed only when the other operand brings at least this
 * many rows (columns) to the product: the copy costs ~9 ns per value of the operand, the slow
 * transposed product ~1.2 ns per multiply-add (measured, 10816 x 128 weights: 4 rows are
 * faster left flagged, 32 rows 3x faster copied).
 */
export const MIN_ROWS_TO_TRANSPOSE = 16;

/**
 * BatchMatMul for the wasm backend that keeps transpose flags away from tfjs-backend-wasm's
 * own: that one is fast (XNNPACK) only without them and ~10x slower with either, and a dense
 * layer's gradients use both (dx = dy W^T, dW = x^T dy). A flagged operand is transposed first
 * by the wasm Transpose kernel, then the original kernel multiplies. `original` is
 * tfjs-backend-wasm's BatchMatMul config, kept by register.ts.
 */
export function batchMatMulConfig(tf: Tf, original: tfjs.KernelConfig): tfjs.KernelConfig {
  return {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: (args) => batchMatMul(tf, original, args),
  };
}

function lastTwoSwapped(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

function batchMatMul(tf: Tf, original: tfjs.KernelConfig, { inputs, backend, attrs = {} }: KernelArgs): tfjs.TensorInfo {
  const a = inputOf(inputs, 'a', 'BatchMatMul');
  const b = inputOf(inputs, 'b', 'BatchMatMul');
  const transposeA = attrs.transposeA === true;
  const transposeB = attrs.transposeB === true;
  // rows of the product (from a) and its columns (from b)
  const rowsOfA = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
  const columnsOfB = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  const copyA = transposeA && columnsOfB >= MIN_ROWS_TO_TRANSPOSE;
  const copyB = transposeB && rowsOfA >= MIN_ROWS_TO_TRANSPOSE;
  const transposed = (t: tfjs.TensorInfo) => runWasmKernel(tf, 'Transpose', backend, { x: t }, { perm: lastTwoSwapped(t.shape.length) });
  const a2 = copyA ? transposed(a) : a;
  const b2 = copyB ? transposed(b) : b;
  try {
    return original.kernelFunc({
      inputs: { a: a2, b: b2 },
      backend: backend as object,
      attrs: { transposeA: transposeA && !copyA, transposeB: transposeB && !copyB },
    }) as tfjs.TensorInfo;
  } finally {
    const wasm = asWasmBackend(backend);
    if (copyA) wasm.disposeData(a2.dataId);
    if (copyB) wasm.disposeData(b2.dataId);
  }
}
