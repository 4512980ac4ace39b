import { BLOCK_EMPTY, F64, I32, V128, advance, countDown, f64, get, i32, loadWord, op, set, simd, storeWord, tee, whileNot, type WasmFunction } from '@biofuse/core/wasm';

/** v128.load with 16-byte alignment, offset 0, from the address in local `addr`. */
const load = (addr: number): number[] => [...get(addr), ...simd.load, 4, 0];

/** acc += popcount of the bytes of the v128 on the stack (per-byte counters in v128 local `acc`). */
const accumulatePopcount = (acc: number): number[] => [...simd.i8x16Popcnt, ...get(acc), ...simd.i8x16Add, ...set(acc)];

/**
 * local_similarities(rows, nrows, aBits, aValid, aInfo, bBits, bValid, bInfo, bOrder, nb,
 * stride, blocks, fullBits, minBits, matrix, keys) -> number of keys: the whole pair loop of
 * localSimilarities (local-similarity.ts) in one call, so that a comparison crosses from
 * JavaScript into WebAssembly once instead of once per pair.
 *
 * All offsets are byte offsets into the kernel's memory.
 *   rows:    nrows x 3 i32, one per minutia i of A: i, then the window [lo, end) of B's minutiae
 *            it is compared with, as indices into bOrder (the direction gate's sweep, in JS);
 *   bOrder:  i32 j of each sweep position;
 *   aInfo, bInfo: 2 i32 per cylinder: its set bits, and its valid bits ((cells - invalid) x ND,
 *            fullBits when the cylinder is entirely valid);
 *   aBits, aValid, bBits, bValid: the cylinders and validity masks, `stride` bytes apart,
 *            `blocks` 128-bit blocks each (1..31);
 *   minBits: ceil(minMatchableFraction x bits), so that an integer count c < minBits exactly
 *            when c < minMatchableFraction x bits;
 *   matrix:  f32 nA x nB (row-major, zeroed by the caller): each nonzero similarity is written;
 *   keys:    each nonzero similarity's key, (round(lambda x 32767)) << 16 | i << 8 | j, in the
 *            order the JavaScript loop writes them.
 * Which cells are valid decides the popcounts, as in the JavaScript loop: both cylinders entirely
 * valid (one popcount), one of them (two), or neither (four). lambda = 2 common / norms in
 * f64, stored as f32, exactly as JavaScript computes it.
 */
export function localSimilaritiesFunction(): WasmFunction {
  const params = ['rows', 'nrows', 'aBits', 'aValid', 'aInfo', 'bBits', 'bValid', 'bInfo', 'bOrder', 'nb', 'stride', 'blocks', 'full', 'min', 'matrix', 'keys'] as const;
  const ints = ['rowEnd', 'i', 'e', 'end', 'xa', 'va', 'setA', 'validA', 'rowM', 'keyBase', 'j', 'xb', 'vb', 'setB', 'validB', 'common', 'norms', 'packed', 'p0', 'p1', 'p2', 'p3', 'n', 'keyp'] as const;
  const vectors = ['c0', 'c1', 'c2', 'x', 't'] as const;
  const floats = ['lambda'] as const;
  const names = [...params, ...ints, ...vectors, ...floats];
  const L = Object.fromEntries(names.map((name, index) => [name, index])) as Record<(typeof names)[number], number>;

  const v128 = (bytes: readonly number[]) => [...simd.v128Const, ...bytes];
  const zero = (acc: number) => [...v128(new Array<number>(16).fill(0)), ...set(acc)];
  const add = (a: readonly number[], b: readonly number[]) => [...a, ...b, op.i32Add];
  const sub = (a: readonly number[], b: readonly number[]) => [...a, ...b, op.i32Sub];
  const mul = (a: readonly number[], b: readonly number[]) => [...a, ...b, op.i32Mul];
  const shl = (a: readonly number[], bits: number) => [...a, ...i32(bits), op.i32Shl];
  /** Byte counters of v128 local `acc` summed into its four i32 lanes (each at most 8 x 2 x 2 x 31). */
  const lanes = (acc: number) => [
    ...get(acc), ...simd.i16x8ExtaddPairwiseI8x16U,
    ...v128([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]), ...simd.i32x4DotI16x8S,
  ];
  const shuffle = (order: readonly number[]) => [...get(L.t), ...get(L.t), ...simd.i8x16Shuffle, ...order.flatMap((lane) => [4 * lane, 4 * lane + 1, 4 * lane + 2, 4 * lane + 3])];
  /** The sum of the four i32 lanes of the v128 on the stack (through local t), left on the stack as an i32. */
  const sumLanes = [
    ...set(L.t), ...shuffle([2, 3, 0, 1]), ...get(L.t), ...simd.i32x4Add,
    ...set(L.t), ...shuffle([1, 0, 3, 2]), ...get(L.t), ...simd.i32x4Add,
    ...simd.i32x4ExtractLane, 0,
  ];
  /** The popcount in counters `acc` (at most 31 x 128 < 2^16), as an i32. */
  const total = (acc: number) => [...lanes(acc), ...sumLanes];
  /** The popcounts in counters `hi` and `lo`, packed as total(hi) << 16 | total(lo): one reduction for both. */
  const totals = (hi: number, lo: number) => [...lanes(hi), ...i32(16), ...simd.i32x4Shl, ...lanes(lo), ...simd.i32x4Add, ...sumLanes];
  /** Runs `body` once per 128-bit block (n counts down from blocks); the pointers advance 16 bytes. */
  const blockLoop = (pointers: readonly number[], body: readonly number[]) => [
    ...get(L.blocks), ...set(L.n),
    op.loop, BLOCK_EMPTY,
    ...body,
    ...pointers.flatMap((p) => advance(p, 16)),
    ...countDown(L.n),
    op.end,
  ];
  const low16 = (packed: number) => [...get(packed), ...i32(0xffff), op.i32And];
  const high16 = (packed: number) => [...get(packed), ...i32(16), op.i32ShrU];
  /** common = popcount(X & Y) with X at p0, Y at p1. */
  const andCount = [
    ...zero(L.c0),
    ...blockLoop([L.p0, L.p1], [...load(L.p0), ...load(L.p1), ...simd.v128And, ...accumulatePopcount(L.c0)]),
    ...total(L.c0), ...set(L.common),
  ];
  /** With X at p0, Y at p1, V at p2: common = popcount(X & Y), packed = common << 16 | popcount(X & ~V). */
  const andOutside = [
    ...zero(L.c0), ...zero(L.c1),
    ...blockLoop([L.p0, L.p1, L.p2], [
      ...load(L.p0), ...tee(L.x), ...load(L.p1), ...simd.v128And, ...accumulatePopcount(L.c0),
      ...get(L.x), ...load(L.p2), ...simd.v128Andnot, ...accumulatePopcount(L.c1),
    ]),
    ...totals(L.c0, L.c1), ...tee(L.packed),
    ...i32(16), op.i32ShrU, ...set(L.common),
  ];
  /**
   * With X, Y, VX, VY at p0..p3: common = |X & Y|, packed = |X & ~VY| << 16 | |Y & ~VX|.
   * (|VX & VY|, which decides whether the pair is compared, is counted apart, only when needed.)
   */
  const masked = [
    ...zero(L.c0), ...zero(L.c1), ...zero(L.c2),
    ...blockLoop([L.p0, L.p1, L.p2, L.p3], [
      ...load(L.p0), ...tee(L.x), ...load(L.p1), ...simd.v128And, ...accumulatePopcount(L.c0),
      ...get(L.x), ...load(L.p3), ...simd.v128Andnot, ...accumulatePopcount(L.c1),
      ...load(L.p1), ...load(L.p2), ...simd.v128Andnot, ...accumulatePopcount(L.c2),
    ]),
    ...total(L.c0), ...set(L.common),
    ...totals(L.c1, L.c2), ...set(L.packed),
  ];
  /** popcount(VX & VY) with VX at p0, VY at p1, left on the stack. */
  const bothValid = [
    ...zero(L.c0),
    ...blockLoop([L.p0, L.p1], [...load(L.p0), ...load(L.p1), ...simd.v128And, ...accumulatePopcount(L.c0)]),
    ...total(L.c0),
  ];
  const isFull = (valid: number) => [...get(valid), ...get(L.full), op.i32Eq];
  /** br_if `depth` when the count on the stack is under minBits. */
  const skipWhenFew = (count: readonly number[], depth: number) => [...count, ...get(L.min), op.i32LtS, op.brIf, depth];

  // One pair (i, j), inside a block that is left (br 0 at its top level) when the entry stays 0.
  const pairBody = [
    ...loadWord(get(L.e)), ...set(L.j),
    ...mul(get(L.j), get(L.stride)), ...tee(L.vb), ...get(L.bBits), op.i32Add, ...set(L.xb),
    ...get(L.vb), ...get(L.bValid), op.i32Add, ...set(L.vb),
    ...add(get(L.bInfo), shl(get(L.j), 3)), ...set(L.p0),
    ...loadWord(get(L.p0)), ...set(L.setB),
    ...loadWord(get(L.p0), 4), ...set(L.validB),
    ...isFull(L.validA),
    op.if, BLOCK_EMPTY,
    ...isFull(L.validB),
    op.if, BLOCK_EMPTY,
    // Both entirely valid.
    ...get(L.xa), ...set(L.p0), ...get(L.xb), ...set(L.p1),
    ...andCount,
    ...add(get(L.setA), get(L.setB)), ...set(L.norms),
    op.else,
    // Only A's.
    ...skipWhenFew(get(L.validB), 2),
    ...get(L.xa), ...set(L.p0), ...get(L.xb), ...set(L.p1), ...get(L.vb), ...set(L.p2),
    ...andOutside,
    ...add(sub(get(L.setA), low16(L.packed)), get(L.setB)), ...set(L.norms),
    op.end,
    op.else,
    ...isFull(L.validB),
    op.if, BLOCK_EMPTY,
    // Only B's.
    ...skipWhenFew(get(L.validA), 2),
    ...get(L.xb), ...set(L.p0), ...get(L.xa), ...set(L.p1), ...get(L.va), ...set(L.p2),
    ...andOutside,
    ...sub(add(get(L.setA), get(L.setB)), low16(L.packed)), ...set(L.norms),
    op.else,
    // Neither. The cells valid in both number at least validA + validB - full: only when that
    // is under minBits does their exact count decide (and it rarely is).
    ...get(L.validA), ...get(L.validB), op.i32Add, ...get(L.full), op.i32Sub, ...get(L.min), op.i32LtS,
    op.if, BLOCK_EMPTY,
    ...get(L.va), ...set(L.p0), ...get(L.vb), ...set(L.p1),
    ...skipWhenFew(bothValid, 3),
    op.end,
    ...get(L.xa), ...set(L.p0), ...get(L.xb), ...set(L.p1), ...get(L.va), ...set(L.p2), ...get(L.vb), ...set(L.p3),
    ...masked,
    ...sub(add(sub(get(L.setA), high16(L.packed)), get(L.setB)), low16(L.packed)), ...set(L.norms),
    op.end,
    op.end,
    ...get(L.common), op.i32Eqz, op.brIf, 0,
    ...get(L.norms), ...i32(0), op.i32LeS, op.brIf, 0,
    // lambda = (2 common) / norms in f64; the matrix holds it as f32, the key its 15-bit quantisation.
    ...shl(get(L.common), 1), op.f64ConvertI32S,
    ...get(L.norms), op.f64ConvertI32S,
    op.f64Div, ...set(L.lambda),
    ...add(get(L.rowM), shl(get(L.j), 2)),
    ...get(L.lambda), op.f32DemoteF64,
    op.f32Store, 2, 0,
    ...storeWord(get(L.keyp), [
      ...get(L.lambda), ...f64(32767), op.f64Mul, ...f64(0.5), op.f64Add, op.i32TruncF64S,
      ...i32(16), op.i32Shl,
      ...get(L.keyBase), op.i32Or,
      ...get(L.j), op.i32Or,
    ]),
    ...advance(L.keyp, 4),
  ];

  return {
    name: 'local_similarities',
    params: params.map(() => I32),
    results: [I32],
    locals: [...ints.map(() => I32), ...vectors.map(() => V128), ...floats.map(() => F64)],
    body: [
      ...get(L.keys), ...set(L.keyp),
      ...add(get(L.rows), mul(get(L.nrows), i32(12))), ...set(L.rowEnd),
      ...whileNot([...get(L.rows), ...get(L.rowEnd), op.i32GeU], [
        ...loadWord(get(L.rows)), ...set(L.i),
        ...add(get(L.bOrder), shl(loadWord(get(L.rows), 4), 2)), ...set(L.e),
        ...add(get(L.bOrder), shl(loadWord(get(L.rows), 8), 2)), ...set(L.end),
        ...add(get(L.aBits), mul(get(L.i), get(L.stride))), ...set(L.xa),
        ...add(get(L.aValid), mul(get(L.i), get(L.stride))), ...set(L.va),
        ...loadWord(add(get(L.aInfo), shl(get(L.i), 3))), ...set(L.setA),
        ...loadWord(add(get(L.aInfo), shl(get(L.i), 3)), 4), ...set(L.validA),
        ...add(get(L.matrix), shl(mul(get(L.i), get(L.nb)), 2)), ...set(L.rowM),
        ...shl(get(L.i), 8), ...set(L.keyBase),
        ...whileNot([...get(L.e), ...get(L.end), op.i32GeU], [
          op.block, BLOCK_EMPTY,
          ...pairBody,
          op.end,
          ...advance(L.e, 4),
        ]),
        ...advance(L.rows, 12),
      ]),
      ...sub(get(L.keyp), get(L.keys)), ...i32(2), op.i32ShrU,
    ],
  };
}
