/**
 * The one hot kernel of the matcher, in WebAssembly SIMD: popcounts of ANDed bit cylinders,
 * 128 bits at a time (i8x16.popcnt). JavaScript has no popcount instruction, and this kernel
 * is most of a comparison's work, so it runs about ten times faster than the SWAR fallback in
 * cylinder-popcount-js.ts, which computes the same integers and is used where WebAssembly SIMD
 * is missing. Both are checked against each other in local-similarity.test.ts.
 *
 * The module is small enough to write out here, instruction by instruction (see `moduleBytes`),
 * rather than ship a toolchain. It is compiled on first use, never at import.
 *
 * Exports (all offsets are byte offsets into the exported memory, 16-byte aligned; `blocks` is
 * the number of 128-bit blocks, 1..31 so that the per-byte counters cannot overflow):
 *   and_count(x, y, blocks) -> i32                   popcount(X & Y)
 *   and_outside(x, y, v, blocks) -> i32              popcount(X & Y) << 16 | popcount(X & ~V)
 *   masked_counts(x, y, vx, vy, blocks, out)         writes 4 x i32 at out:
 *       popcount(X & Y), popcount(X & ~VY), popcount(Y & ~VX), popcount(VX & VY)
 */

export interface PopcountKernel {
  /** The kernel's memory, grown first to at least `bytes` (the returned buffer replaces older ones). */
  memory(bytes: number): ArrayBuffer;
  andCount(x: number, y: number, blocks: number): number;
  /** popcount(X & Y) << 16 | popcount(X & ~V): for a cylinder X compared with Y, whose validity is V. */
  andOutside(x: number, y: number, v: number, blocks: number): number;
  maskedCounts(x: number, y: number, vx: number, vy: number, blocks: number, out: number): void;
}

/** 64 KiB pages of memory the kernel's module starts with (grown when needed). */
const KERNEL_INITIAL_PAGES = 8;
const PAGE_BYTES = 65536;

/** The little of the WebAssembly JS API used here (TypeScript's ES libs do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

let kernel: PopcountKernel | null | undefined;

/** The compiled kernel, or null where WebAssembly SIMD is unavailable. */
export function wasmPopcountKernel(): PopcountKernel | null {
  if (kernel !== undefined) return kernel;
  kernel = null;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  try {
    const bytes = moduleBytes();
    if (wasm?.validate(bytes)) {
      const e = new wasm.Instance(new wasm.Module(bytes), {}).exports as {
        memory: WasmMemory;
        and_count: (x: number, y: number, n: number) => number;
        and_outside: (x: number, y: number, v: number, n: number) => number;
        masked_counts: (x: number, y: number, vx: number, vy: number, n: number, out: number) => void;
      };
      kernel = {
        memory(bytes) {
          const have = e.memory.buffer.byteLength;
          if (have < bytes) e.memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
          return e.memory.buffer;
        },
        andCount: e.and_count,
        andOutside: e.and_outside,
        maskedCounts: e.masked_counts,
      };
    }
  } catch {
    kernel = null;
  }
  return kernel;
}

// --- A minimal WebAssembly emitter: just what this module needs. ---

const I32 = 0x7f;
const V128 = 0x7b;
const FUNC_TYPE = 0x60;
const BLOCK_EMPTY = 0x40;

const op = {
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Store: 0x36,
  i32Const: 0x41,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Or: 0x72,
  i32Shl: 0x74,
} as const;

/** SIMD instructions: prefix 0xfd, then the opcode (all below 128 here, so one LEB byte). */
const simd = {
  load: [0xfd, 0x00],
  and: [0xfd, 0x4e],
  andnot: [0xfd, 0x4f],
  popcnt8: [0xfd, 0x62],
  add8: [0xfd, 0x6e],
  extaddPairwise8to16u: [0xfd, 0x7d],
  extaddPairwise16to32u: [0xfd, 0x7f],
  extractLane32: [0xfd, 0x1b],
} as const;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const get = (i: number) => [op.localGet, i];
const set = (i: number) => [op.localSet, i];
/** v128.load with 16-byte alignment, offset 0. */
const load = (addr: number) => [...get(addr), ...simd.load, 4, 0];
/** local[i] += 16 */
const advance = (i: number) => [...get(i), op.i32Const, 16, op.i32Add, ...set(i)];
/** Sum of the 16 byte counters of v128 local `acc` (which it overwrites), left on the stack. */
const horizontalSum = (acc: number) => [
  ...get(acc),
  ...simd.extaddPairwise8to16u,
  ...simd.extaddPairwise16to32u,
  op.localTee,
  acc,
  ...simd.extractLane32,
  0,
  ...[1, 2, 3].flatMap((lane) => [...get(acc), ...simd.extractLane32, lane, op.i32Add]),
];

function moduleBytes(): Uint8Array {
  // and_count(x=0, y=1, blocks=2) -> i32; local 3: v128 counters.
  const andCount = [
    ...vec([[1, V128]]),
    op.loop,
    BLOCK_EMPTY,
    ...get(3),
    ...load(0),
    ...load(1),
    ...simd.and,
    ...simd.popcnt8,
    ...simd.add8,
    ...set(3),
    ...advance(0),
    ...advance(1),
    ...get(2),
    op.i32Const,
    1,
    op.i32Sub,
    op.localTee,
    2,
    op.brIf,
    0,
    op.end,
    ...horizontalSum(3),
    op.end,
  ];
  // masked_counts(x=0, y=1, vx=2, vy=3, blocks=4, out=5); locals 6..9: counters, 10..13: X, Y, VX, VY.
  const X = 10;
  const Y = 11;
  const VX = 12;
  const VY = 13;
  const count = (acc: number, a: number, b: number, combine: readonly number[]) => [
    ...get(acc),
    ...get(a),
    ...get(b),
    ...combine,
    ...simd.popcnt8,
    ...simd.add8,
    ...set(acc),
  ];
  const store = (acc: number, offset: number) => [...get(5), ...horizontalSum(acc), op.i32Store, 2, offset];
  const maskedCounts = [
    ...vec([[4, V128], [4, V128]]),
    op.loop,
    BLOCK_EMPTY,
    ...load(0),
    ...set(X),
    ...load(1),
    ...set(Y),
    ...load(2),
    ...set(VX),
    ...load(3),
    ...set(VY),
    ...count(6, X, Y, simd.and),
    ...count(7, X, VY, simd.andnot),
    ...count(8, Y, VX, simd.andnot),
    ...count(9, VX, VY, simd.and),
    ...advance(0),
    ...advance(1),
    ...advance(2),
    ...advance(3),
    ...get(4),
    op.i32Const,
    1,
    op.i32Sub,
    op.localTee,
    4,
    op.brIf,
    0,
    op.end,
    ...store(6, 0),
    ...store(7, 4),
    ...store(8, 8),
    ...store(9, 12),
    op.end,
  ];
  // and_outside(x=0, y=1, v=2, blocks=3) -> i32; locals 4, 5: counters, 6: X.
  const andOutside = [
    ...vec([[3, V128]]),
    op.loop,
    BLOCK_EMPTY,
    ...load(0),
    ...set(6),
    ...get(4),
    ...get(6),
    ...load(1),
    ...simd.and,
    ...simd.popcnt8,
    ...simd.add8,
    ...set(4),
    ...get(5),
    ...get(6),
    ...load(2),
    ...simd.andnot,
    ...simd.popcnt8,
    ...simd.add8,
    ...set(5),
    ...advance(0),
    ...advance(1),
    ...advance(2),
    ...get(3),
    op.i32Const,
    1,
    op.i32Sub,
    op.localTee,
    3,
    op.brIf,
    0,
    op.end,
    ...horizontalSum(4),
    op.i32Const,
    16,
    op.i32Shl,
    ...horizontalSum(5),
    op.i32Or,
    op.end,
  ];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([
      [FUNC_TYPE, ...vec([[I32], [I32], [I32]]), ...vec([[I32]])],
      [FUNC_TYPE, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), ...vec([])],
      [FUNC_TYPE, ...vec([[I32], [I32], [I32], [I32]]), ...vec([[I32]])],
    ])),
    ...section(3, vec([[0], [1], [2]])),
    ...section(5, vec([[0x00, ...uleb(KERNEL_INITIAL_PAGES)]])),
    ...section(7, vec([
      [...name('memory'), 0x02, 0],
      [...name('and_count'), 0x00, 0],
      [...name('masked_counts'), 0x00, 1],
      [...name('and_outside'), 0x00, 2],
    ])),
    ...section(10, vec([
      [...uleb(andCount.length), ...andCount],
      [...uleb(maskedCounts.length), ...maskedCounts],
      [...uleb(andOutside.length), ...andOutside],
    ])),
  ];
  return new Uint8Array(bytes);
}
