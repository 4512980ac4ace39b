/**
 * A minimal WebAssembly emitter: just what biofuse's hand-written kernels need (the cylinder
 * popcounts, pair loop and key sort of the fingerprint matcher, the Gabor filter of its
 * extractor, the inner products of the embedding index). Each kernel is small enough to write
 * out instruction by instruction in TypeScript, which spares the project a toolchain; modules
 * are compiled on first use, never at import.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export const BLOCK_EMPTY = 0x40;
const FUNC_TYPE = 0x60;

/** Plain opcodes (one byte each). */
export const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  f64Const: 0x44,
  i32Store: 0x36,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Eq: 0x46,
  i32LtS: 0x48,
  i32GtS: 0x4a,
  i32LeS: 0x4c,
  i32GeS: 0x4e,
  i32GeU: 0x4f,
  i32Clz: 0x67,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  f64Add: 0xa0,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  i32TruncF64S: 0xaa,
  f32DemoteF64: 0xb6,
  f64ConvertI32S: 0xb7,
} as const;

/** SIMD instructions: the 0xfd prefix, then the opcode as LEB128. */
export const simd = {
  load: [0xfd, 0x00],
  store: [0xfd, 0x0b],
  /** Followed by the 16 bytes of the constant. */
  v128Const: [0xfd, 0x0c],
  /** Followed by the 16 lane indices. */
  i8x16Shuffle: [0xfd, 0x0d],
  i32x4ExtractLane: [0xfd, 0x1b],
  v128And: [0xfd, 0x4e],
  v128Andnot: [0xfd, 0x4f],
  i8x16Popcnt: [0xfd, 0x62],
  i8x16Add: [0xfd, 0x6e],
  i16x8ExtaddPairwiseI8x16U: [0xfd, 0x7d],
  i32x4ExtaddPairwiseI16x8U: [0xfd, 0x7f],
  i32x4Shl: [0xfd, 0xab, 0x01],
  i32x4Add: [0xfd, 0xae, 0x01],
  i32x4DotI16x8S: [0xfd, 0xba, 0x01],
  f32x4Splat: [0xfd, 0x13],
  f32x4Add: [0xfd, 0xe4, 0x01],
  f32x4Mul: [0xfd, 0xe6, 0x01],
  /** Followed by a memarg: 8 bytes loaded into both halves. */
  v128Load64Splat: [0xfd, 0x0a],
  /** Followed by the lane index. */
  f64x2ExtractLane: [0xfd, 0x21],
  f64x2PromoteLowF32x4: [0xfd, 0x5f],
  f64x2Add: [0xfd, 0xf0, 0x01],
  f64x2Mul: [0xfd, 0xf2, 0x01],
} as const;

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (i32.const immediates). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0);
    out.push(done ? b : b | 0x80);
    if (done) return out;
  }
}

export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const get = (i: number): number[] => [op.localGet, i];
export const set = (i: number): number[] => [op.localSet, i];
export const tee = (i: number): number[] => [op.localTee, i];
export const i32 = (v: number): number[] => [op.i32Const, ...sleb(v)];
/** f64.const: the value's 8 bytes, little-endian. */
export const f64 = (v: number): number[] => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, v, true);
  return [op.f64Const, ...bytes];
};
/** local[i] += step */
export const advance = (i: number, step: number): number[] => [...get(i), ...i32(step), op.i32Add, ...set(i)];
/** i32.load / i32.store of a word at the address on the stack (plus a constant byte offset). */
export const loadWord = (address: readonly number[], offset = 0): number[] => [...address, op.i32Load, 2, ...uleb(offset)];
export const storeWord = (address: readonly number[], value: readonly number[], offset = 0): number[] => [...address, ...value, op.i32Store, 2, ...uleb(offset)];
/** A loop that leaves as soon as `exitWhen` (an i32 condition) holds: while (!exitWhen) body. */
export const whileNot = (exitWhen: readonly number[], body: readonly number[]): number[] => [
  op.block, BLOCK_EMPTY, op.loop, BLOCK_EMPTY, ...exitWhen, op.brIf, 1, ...body, op.br, 0, op.end, op.end,
];
/** Decrements local[i] and loops (br_if 0) while it is not zero: the tail of a counted loop. */
export const countDown = (i: number): number[] => [...get(i), ...i32(1), op.i32Sub, ...tee(i), op.brIf, 0];

export interface WasmFunction {
  readonly name: string;
  readonly params: readonly number[];
  readonly results: readonly number[];
  /** Extra locals, by type, after the parameters. */
  readonly locals: readonly number[];
  /** The body's instructions, without the closing `end`. */
  readonly body: readonly number[];
}

/** A module exporting `memory` (initialPages of 64 KiB) and the functions. */
export function moduleBytes(initialPages: number, functions: readonly WasmFunction[]): Uint8Array {
  const text = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
  const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
  const code = functions.map((f) => {
    const body = [...vec(f.locals.map((type) => [1, type])), ...f.body, op.end];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(functions.map((f) => [FUNC_TYPE, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]))),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(initialPages)]])),
    ...section(7, vec([[...text('memory'), 0x02, 0], ...functions.map((f, i) => [...text(f.name), 0x00, ...uleb(i)])])),
    ...section(10, vec(code)),
  ]);
}

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The little of the WebAssembly JS API used here (TypeScript's ES libs do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** Compiled modules by their bytes (null: refused), so that a kernel instantiated many times compiles once. */
const compiled = new WeakMap<Uint8Array, object | null>();

/**
 * A new instance of the module (its own memory), or null where WebAssembly (SIMD) is
 * unavailable or refuses it. The module is compiled once per `bytes` object: pass the same
 * array to instantiate a kernel again.
 */
export function instantiate<E extends { memory: WasmMemory }>(bytes: Uint8Array): E | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return null;
  try {
    let module = compiled.get(bytes);
    if (module === undefined) compiled.set(bytes, (module = wasm.validate(bytes) ? new wasm.Module(bytes) : null));
    return module ? (new wasm.Instance(module, {}).exports as E) : null;
  } catch {
    return null;
  }
}

export const PAGE_BYTES = 65536;

/** Grows `memory` to at least `bytes` and returns its (possibly new) buffer. */
export function ensureMemory(memory: WasmMemory, bytes: number): ArrayBuffer {
  const have = memory.buffer.byteLength;
  if (have < bytes) memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
  return memory.buffer;
}
