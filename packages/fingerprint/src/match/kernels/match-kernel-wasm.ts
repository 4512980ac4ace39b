import { ensureMemory, instantiate, moduleBytes, type WasmMemory } from '@biofuse/core/wasm';
import { localSimilaritiesFunction } from './local-similarity-wasm';
import { sortKeysFunction } from './sort-keys-wasm';

/**
 * The matcher's hot kernels in WebAssembly: the pair loop of a comparison with its popcounts of
 * ANDed bit cylinders, 128 bits at a time (SIMD i8x16.popcnt; local-similarity-wasm.ts), and
 * the sort of the pair keys (sort-keys-wasm.ts). JavaScript has no popcount instruction, and the
 * popcounts are most of a comparison's work, so they run about ten times faster than the SWAR
 * fallback in match-kernel-js.ts, which computes the same entries and keys and is used where
 * WebAssembly SIMD is missing. Both are checked against each other in local-similarity.test.ts.
 *
 * The module is written out instruction by instruction with the small emitter of
 * @biofuse/core/wasm, and compiled on first use, never at import.
 *
 * Exports (all offsets are byte offsets into the exported memory):
 *   local_similarities(...) -> i32                   the whole pair loop of a comparison: see
 *                                                    local-similarity-wasm.ts
 *   sort_keys_desc(keys, m, sorted, buckets)         see sort-keys-wasm.ts
 */

export interface MatchKernel {
  /** The kernel's memory, grown first to at least `bytes` (the returned buffer replaces older ones). */
  memory(bytes: number): ArrayBuffer;
  /** The m (>= 1) distinct non-negative keys at `keys`, in decreasing order at `sorted`; `buckets` is scratch of 2^12 words. */
  sortKeysDescending(keys: number, m: number, sorted: number, buckets: number): void;
  /**
   * The pair loop of localSimilarities in one call (see local-similarity-wasm.ts for the
   * arguments); returns the number of keys written.
   */
  localSimilarities: LocalSimilaritiesKernel;
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
    sort_keys_desc: (keys: number, m: number, sorted: number, buckets: number) => void;
    local_similarities: LocalSimilaritiesKernel;
  }>(moduleBytes(KERNEL_INITIAL_PAGES, [sortKeysFunction(), localSimilaritiesFunction()]));
  kernel = e
    ? {
        memory: (bytes) => ensureMemory(e.memory, bytes),
        sortKeysDescending: e.sort_keys_desc,
        localSimilarities: e.local_similarities,
      }
    : null;
  return kernel;
}
