import { BLOCK_EMPTY, F32, I32, V128, advance, countDown, ensureMemory, get, instantiate, loadWord, moduleBytes, op, set, simd, type WasmMemory } from '@biofuse/core/wasm';

/**
 * The Gabor filter's hot loop in WebAssembly SIMD: one kernel applied to a run of consecutive
 * pixels of a row, four pixels per f32x4 lane group. Each tap is stored once for its symmetric
 * pair, as (byte offset, weight), and every output is
 *   acc = centre * p[i];  acc += w_k * (p[i + o_k] + p[i - o_k])  for each tap k,
 * in single precision, in this order. `applyRunScalar` computes the same numbers one pixel at
 * a time (Math.fround after every operation), so the two paths agree bit for bit.
 */
export interface GaborRunKernel {
  /** The kernel's memory, grown first to at least `bytes` (the returned buffer replaces older ones). */
  memory(bytes: number): ArrayBuffer;
  /**
   * Filters `groups` x 4 pixels starting at byte `src`, writing them from byte `dst`; the kernel
   * is `taps` (i32 byte offset, f32 weight) pairs at byte `table`.
   */
  run(src: number, dst: number, groups: number, table: number, taps: number, centre: number): void;
}

let compiled: GaborRunKernel | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is unavailable. */
export function gaborRunKernel(): GaborRunKernel | null {
  if (compiled !== undefined) return compiled;
  const e = instantiate<{ memory: WasmMemory; gabor_run: GaborRunKernel['run'] }>(moduleBytes(16, [gaborRunFunction()]));
  compiled = e ? { memory: (bytes) => ensureMemory(e.memory, bytes), run: e.gabor_run } : null;
  return compiled;
}

/** The scalar twin of the kernel for one run of `length` pixels from `start`, into `out`. */
export function applyRunScalar(
  src: Float32Array,
  out: Float32Array,
  start: number,
  length: number,
  offsets: Int32Array,
  weights: Float32Array,
  centre: number,
): void {
  const f = Math.fround;
  for (let i = start; i < start + length; i++) {
    let acc = f(centre * src[i]);
    for (let k = 0; k < weights.length; k++) acc = f(acc + f(weights[k] * f(src[i + offsets[k]] + src[i - offsets[k]])));
    out[i] = acc;
  }
}

/** gabor_run(src, dst, groups, table, taps, centre). */
function gaborRunFunction() {
  const [SRC, DST, GROUPS, TABLE, TAPS, CENTRE, T, K, O, ACC] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const loadV128 = [...simd.load, 2, 0]; // align 4 bytes (pixels are f32), offset 0
  return {
    name: 'gabor_run',
    params: [I32, I32, I32, I32, I32, F32],
    results: [],
    locals: [I32, I32, I32, V128],
    body: [
      op.loop, BLOCK_EMPTY,
      // acc = splat(centre) * p[i .. i + 4)
      ...get(CENTRE), ...simd.f32x4Splat, ...get(SRC), ...loadV128, ...simd.f32x4Mul, ...set(ACC),
      ...get(TABLE), ...set(T),
      ...get(TAPS), ...set(K),
      op.loop, BLOCK_EMPTY,
      ...loadWord(get(T)), ...set(O),
      ...get(ACC),
      ...get(T), op.f32Load, 2, 4, ...simd.f32x4Splat,
      ...get(SRC), ...get(O), op.i32Add, ...loadV128,
      ...get(SRC), ...get(O), op.i32Sub, ...loadV128,
      ...simd.f32x4Add,
      ...simd.f32x4Mul,
      ...simd.f32x4Add,
      ...set(ACC),
      ...advance(T, 8),
      ...countDown(K),
      op.end,
      ...get(DST), ...get(ACC), ...simd.store, 2, 0,
      ...advance(SRC, 16),
      ...advance(DST, 16),
      ...countDown(GROUPS),
      op.end,
    ],
  };
}
