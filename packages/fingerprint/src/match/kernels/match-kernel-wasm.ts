import { BLOCK_EMPTY, I32, V128, advance, countDown, ensureMemory, get, i32, instantiate, moduleBytes, op, set, simd, storeWord, type WasmFunction, type WasmMemory } from '@biofuse/core/wasm';
import { localSimilaritiesFunction } from './local-similarity-wasm';
import { accumulatePopcount, load } from './simd-ops';
import { sortKeysFunction } from './sort-keys-wasm';

/**
 * The matcher's hot kernels in WebAssembly: popcounts of ANDed bit cylinders, 128 bits at a
 * time (SIMD i8x16.popcnt), and the sort of the pair keys (sort-keys-wasm.ts). JavaScript has no
 * popcount instruction, and the popcounts are most of a comparison's work, so they run about ten
 * times faster than the SWAR fallback in match-kernel-js.ts, which computes the same integers
 * and is used where WebAssembly SIMD is missing. Both are checked against each other in
 * local-similarity.test.ts.
 *
 * The module is written out instruction by instruction with the package's small emitter
 * (@biofuse/core/wasm), and compiled on first use, never at import.
 *
 * Exports (all offsets are byte offsets into the exported memory, 16-byte aligned for the
 * popcounts; `blocks` is the number of 128-bit blocks, 1..31 so that the per-byte counters
 * cannot overflow):
 *   and_count(x, y, blocks) -> i32                   popcount(X & Y)
 *   and_outside(x, y, v, blocks) -> i32              popcount(X & Y) << 16 | popcount(X & ~V)
 *   masked_counts(x, y, vx, vy, blocks, out)         writes 4 x i32 at out:
 *       popcount(X & Y), popcount(X & ~VY), popcount(Y & ~VX), popcount(VX & VY)
 *   sort_keys_desc(keys, m, sorted, buckets)         see sort-keys-wasm.ts
 *   local_similarities(...) -> i32                   the whole pair loop of a comparison, with
 *                                                    the popcounts above inlined: see
 *                                                    local-similarity-wasm.ts
 */

export interface MatchKernel {
  /** The kernel's memory, grown first to at least `bytes` (the returned buffer replaces older ones). */
  memory(bytes: number): ArrayBuffer;
  andCount(x: number, y: number, blocks: number): number;
  /** popcount(X & Y) << 16 | popcount(X & ~V): for a cylinder X compared with Y, whose validity is V. */
  andOutside(x: number, y: number, v: number, blocks: number): number;
  maskedCounts(x: number, y: number, vx: number, vy: number, blocks: number, out: number): void;
  /** The m (>= 1) distinct non-negative keys at `keys`, in decreasing order at `sorted`; `buckets` is scratch of 2^12 words. */
  sortKeysDescending(keys: number, m: number, sorted: number, buckets: number): void;
  /**
   * The pair loop of localSimilarities in one call (see local-similarity-wasm.ts for the
   * arguments); returns the number of keys written. Absent from the JavaScript kernel, where
   * localSimilarities runs the loop itself.
   */
  localSimilarities?: LocalSimilaritiesKernel;
}

export type LocalSimilaritiesKernel = (
  rows: number, nrows: number,
  aBits: number, aValid: number, aInfo: number,
  bBits: number, bValid: number, bInfo: number, bOrder: number, nb: number,
  stride: number, blocks: number, fullBits: number, minBits: number,
  matrix: number, keys: number,
) => number;

/** 64 KiB pages of memory the kernel's module starts with (grown when needed). */
const KERNEL_INITIAL_PAGES = 8;

let kernel: MatchKernel | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is unavailable. */
export function wasmMatchKernel(): MatchKernel | null {
  if (kernel !== undefined) return kernel;
  const e = instantiate<{
    memory: WasmMemory;
    and_count: (x: number, y: number, n: number) => number;
    and_outside: (x: number, y: number, v: number, n: number) => number;
    masked_counts: (x: number, y: number, vx: number, vy: number, n: number, out: number) => void;
    sort_keys_desc: (keys: number, m: number, sorted: number, buckets: number) => void;
    local_similarities: LocalSimilaritiesKernel;
  }>(moduleBytes(KERNEL_INITIAL_PAGES, [andCount(), maskedCounts(), andOutside(), sortKeysFunction(), localSimilaritiesFunction()]));
  kernel = e
    ? {
        memory: (bytes) => ensureMemory(e.memory, bytes),
        andCount: e.and_count,
        andOutside: e.and_outside,
        maskedCounts: e.masked_counts,
        sortKeysDescending: e.sort_keys_desc,
        localSimilarities: e.local_similarities,
      }
    : null;
  return kernel;
}

/** Sum of the 16 byte counters of v128 local `acc` (which it overwrites), left on the stack. */
const horizontalSum = (acc: number): number[] => [
  ...get(acc),
  ...simd.i16x8ExtaddPairwiseI8x16U,
  ...simd.i32x4ExtaddPairwiseI16x8U,
  op.localTee,
  acc,
  ...simd.i32x4ExtractLane,
  0,
  ...[1, 2, 3].flatMap((lane) => [...get(acc), ...simd.i32x4ExtractLane, lane, op.i32Add]),
];

/** and_count(x=0, y=1, blocks=2) -> i32; local 3: v128 counters. */
function andCount(): WasmFunction {
  return {
    name: 'and_count',
    params: [I32, I32, I32],
    results: [I32],
    locals: [V128],
    body: [
      op.loop, BLOCK_EMPTY,
      ...load(0), ...load(1), ...simd.v128And, ...accumulatePopcount(3),
      ...advance(0, 16), ...advance(1, 16),
      ...countDown(2),
      op.end,
      ...horizontalSum(3),
    ],
  };
}

/** masked_counts(x=0, y=1, vx=2, vy=3, blocks=4, out=5); locals 6..9: counters, 10..13: X, Y, VX, VY. */
function maskedCounts(): WasmFunction {
  const [X, Y, VX, VY] = [10, 11, 12, 13];
  const count = (acc: number, a: number, b: number, combine: readonly number[]) => [...get(a), ...get(b), ...combine, ...accumulatePopcount(acc)];
  const store = (acc: number, offset: number) => storeWord(get(5), horizontalSum(acc), offset);
  return {
    name: 'masked_counts',
    params: [I32, I32, I32, I32, I32, I32],
    results: [],
    locals: [V128, V128, V128, V128, V128, V128, V128, V128],
    body: [
      op.loop, BLOCK_EMPTY,
      ...load(0), ...set(X),
      ...load(1), ...set(Y),
      ...load(2), ...set(VX),
      ...load(3), ...set(VY),
      ...count(6, X, Y, simd.v128And),
      ...count(7, X, VY, simd.v128Andnot),
      ...count(8, Y, VX, simd.v128Andnot),
      ...count(9, VX, VY, simd.v128And),
      ...advance(0, 16), ...advance(1, 16), ...advance(2, 16), ...advance(3, 16),
      ...countDown(4),
      op.end,
      ...store(6, 0),
      ...store(7, 4),
      ...store(8, 8),
      ...store(9, 12),
    ],
  };
}

/** and_outside(x=0, y=1, v=2, blocks=3) -> i32; locals 4, 5: counters, 6: X. */
function andOutside(): WasmFunction {
  return {
    name: 'and_outside',
    params: [I32, I32, I32, I32],
    results: [I32],
    locals: [V128, V128, V128],
    body: [
      op.loop, BLOCK_EMPTY,
      ...load(0), ...set(6),
      ...get(6), ...load(1), ...simd.v128And, ...accumulatePopcount(4),
      ...get(6), ...load(2), ...simd.v128Andnot, ...accumulatePopcount(5),
      ...advance(0, 16), ...advance(1, 16), ...advance(2, 16),
      ...countDown(3),
      op.end,
      ...horizontalSum(4),
      ...i32(16), op.i32Shl,
      ...horizontalSum(5),
      op.i32Or,
    ],
  };
}
