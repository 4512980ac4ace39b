import { I32, advance, get, i32, loadWord, op, set, storeWord, whileNot, type WasmFunction } from '@biofuse/core/wasm';

/**
 * sort_keys_desc(keys, m, sorted, buckets): the m pair keys at `keys` (distinct non-negative
 * i32, m >= 1) written to `sorted` in decreasing order; `buckets` is scratch for up to
 * 2^MAX_BUCKET_BITS counters. All offsets are byte offsets into the kernel's memory.
 *
 * The same algorithm as sortKeysDescending in match-kernel-js.ts (a counting sort on the keys'
 * leading bits over the range they span, about two buckets per key, then one insertion-sort
 * pass), in WebAssembly, where its loops run about twice as fast: no bounds checks, and the
 * pointers walk the arrays directly.
 */
export function sortKeysFunction(): WasmFunction {
  // Parameters, then locals.
  const [KEYS, M, SORTED, BUCKETS] = [0, 1, 2, 3];
  const [LO, HI, E, KEY, SHIFT, END, P, ACC, F, T] = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const reached = (a: number, b: number) => [...get(a), ...get(b), op.i32GeU];
  /** Byte address of the bucket counter of the key on the stack: buckets + ((hi - key) >>> shift) * 4. */
  const bucketOf = (key: readonly number[]) => [...get(BUCKETS), ...get(HI), ...key, op.i32Sub, ...get(SHIFT), op.i32ShrU, ...i32(2), op.i32Shl, op.i32Add];
  /** for (E = from; E < END; E += 4) body */
  const eachWord = (from: readonly number[], body: readonly number[]) => [...from, ...set(E), ...whileNot(reached(E, END), [...body, ...advance(E, 4)])];
  return {
    name: 'sort_keys_desc',
    params: [I32, I32, I32, I32],
    results: [],
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
    body: [
      // The keys' range.
      ...loadWord(get(KEYS)), ...set(LO),
      ...get(LO), ...set(HI),
      ...get(KEYS), ...get(M), ...i32(2), op.i32Shl, op.i32Add, ...set(END),
      ...eachWord([...get(KEYS), ...i32(4), op.i32Add], [
        ...loadWord(get(E)), ...set(KEY),
        ...get(KEY), ...get(LO), ...get(KEY), ...get(LO), op.i32LtS, op.select, ...set(LO),
        ...get(KEY), ...get(HI), ...get(KEY), ...get(HI), op.i32GtS, op.select, ...set(HI),
      ]),
      // T = min(MAX_BUCKET_BITS, 32 - clz(2m - 1)); SHIFT = max(0, 32 - clz(hi - lo) - T).
      ...i32(32), ...get(M), ...i32(1), op.i32Shl, ...i32(1), op.i32Sub, op.i32Clz, op.i32Sub, ...set(T),
      ...i32(MAX_BUCKET_BITS), ...get(T), ...get(T), ...i32(MAX_BUCKET_BITS), op.i32GtS, op.select, ...set(T),
      ...i32(32), ...get(HI), ...get(LO), op.i32Sub, op.i32Clz, op.i32Sub, ...get(T), op.i32Sub, ...set(SHIFT),
      ...get(SHIFT), ...i32(0), ...get(SHIFT), ...i32(0), op.i32GtS, op.select, ...set(SHIFT),
      // Zero the ((hi - lo) >>> shift) + 1 counters (P walks them, T marks their end).
      ...get(BUCKETS), ...get(HI), ...get(LO), op.i32Sub, ...get(SHIFT), op.i32ShrU, ...i32(1), op.i32Add, ...i32(2), op.i32Shl, op.i32Add, ...set(T),
      ...get(BUCKETS), ...set(P),
      ...whileNot(reached(P, T), [...storeWord(get(P), i32(0)), ...advance(P, 4)]),
      // Count the keys per bucket.
      ...eachWord(get(KEYS), [...bucketOf(loadWord(get(E))), ...set(P), ...storeWord(get(P), [...loadWord(get(P)), ...i32(1), op.i32Add])]),
      // Each counter becomes the byte address where its bucket starts in `sorted`.
      ...get(SORTED), ...set(ACC),
      ...get(BUCKETS), ...set(P),
      ...whileNot(reached(P, T), [
        ...loadWord(get(P)), ...set(KEY),
        ...storeWord(get(P), get(ACC)),
        ...get(ACC), ...get(KEY), ...i32(2), op.i32Shl, op.i32Add, ...set(ACC),
        ...advance(P, 4),
      ]),
      // Scatter: each key to the next free place of its bucket.
      ...eachWord(get(KEYS), [
        ...loadWord(get(E)), ...set(KEY),
        ...bucketOf(get(KEY)), ...set(P),
        ...loadWord(get(P)), ...set(ACC),
        ...storeWord(get(ACC), get(KEY)),
        ...storeWord(get(P), [...get(ACC), ...i32(4), op.i32Add]),
      ]),
      // One insertion-sort pass: the buckets are in order, the keys inside each not yet.
      ...get(SORTED), ...get(M), ...i32(2), op.i32Shl, op.i32Add, ...set(END),
      ...eachWord([...get(SORTED), ...i32(4), op.i32Add], [
        ...loadWord(get(E)), ...set(KEY),
        ...get(E), ...i32(4), op.i32Sub, ...set(F),
        // while (F >= sorted && *F < key) { F[1] = *F; F -= 4 }  (signed: F may step to sorted - 4)
        ...whileNot([...get(F), ...get(SORTED), op.i32LtS], [
          ...loadWord(get(F)), ...get(KEY), op.i32GeS, op.brIf, 1,
          ...storeWord(get(F), loadWord(get(F)), 4),
          ...advance(F, -4),
        ]),
        ...storeWord(get(F), get(KEY), 4),
      ]),
    ],
  };
}

/** At most 2^12 buckets (the keys of up to 255 x 255 pairs need no more). */
export const MAX_BUCKET_BITS = 12;
