import { BLOCK_EMPTY, I32, V128, advance, countDown, ensureMemory, get, instantiate, moduleBytes, op, set, simd, type WasmMemory } from '../wasm/emit';

/** Rows scored per kernel call: the scores of one block fit a small fixed buffer. */
const BLOCK_ROWS = 4096;
/** A 32-bit WebAssembly memory addresses at most 4 GiB (65,536 pages). */
const MAX_WASM_BYTES = 2 ** 32;

interface InnerProductKernel {
  readonly memory: WasmMemory;
  inner_products(query: number, rows: number, count: number, quads: number, scores: number): void;
}

/**
 * Row-major float32 vectors and their inner products with a query, the hot loop of exhaustive
 * search. Where WebAssembly SIMD is available the rows live in a WebAssembly memory and a
 * kernel scans them (about four times faster than the JavaScript loop at 2,048 dimensions,
 * which is bound by memory bandwidth); elsewhere they live in an ordinary array and
 * JavaScript scans them. Either way each product is exact in float64 and summed in float64,
 * so the two differ only by summation order (about 1e-15 relative).
 *
 * Each row is padded with zeros to a multiple of four floats (`stride`), so the kernel reads
 * whole 16-byte blocks.
 */
export class VectorRows {
  readonly stride: number;
  private kernel: InnerProductKernel | null;
  private rows: Float32Array;
  private rowCapacity: number;
  /** Byte offsets in the kernel's memory: the query (float64), the scores of a block (float64), the rows. */
  private readonly queryAt = 0;
  private readonly scoresAt: number;
  private readonly rowsAt: number;
  /** The JavaScript loop's block of scores, made the first time it runs (most indexes never need it). */
  private fallbackScores: Float64Array | undefined;

  /** The most rows the kernel's memory holds: rows beyond it are scanned by JavaScript. */
  private readonly maxWasmRows: number;

  /** `maxWasmBytes` lowers WebAssembly's 4 GiB for tests, which cannot allocate gigabytes. */
  constructor(readonly dims: number, capacity: number, useWasm = true, maxWasmBytes = MAX_WASM_BYTES) {
    if (!Number.isInteger(dims) || dims < 1) throw new RangeError(`vectors need a positive integer number of dimensions, got ${dims}`);
    this.stride = Math.ceil(dims / 4) * 4;
    this.scoresAt = this.stride * 8;
    this.rowsAt = this.scoresAt + BLOCK_ROWS * 8;
    this.maxWasmRows = wasmRowLimit(this.rowsAt, this.stride * 4, Math.min(maxWasmBytes, MAX_WASM_BYTES));
    this.rowCapacity = Math.max(1, capacity);
    this.kernel = useWasm ? instantiate<InnerProductKernel>(kernelBytes()) : null;
    this.rows = this.allocate(this.rowCapacity);
  }

  /** Whether the WebAssembly kernel scans the rows (false: the JavaScript loop). */
  get accelerated(): boolean {
    return this.kernel !== null;
  }

  /** Makes room for at least `count` rows, keeping the rows held. */
  reserve(count: number): void {
    if (count <= this.rowCapacity) return;
    const capacity = grownRowCapacity(count, this.rowCapacity, this.kernel ? this.maxWasmRows : Infinity);
    const held = this.rows;
    this.rows = this.allocate(capacity);
    // A grown WebAssembly memory keeps its contents; a new array needs them copied.
    if (!this.kernel) this.rows.set(held);
    this.rowCapacity = capacity;
  }

  /** Writes `vector` (dims values) into `row`. */
  set(row: number, vector: ArrayLike<number>): void {
    this.rows.set(vector, row * this.stride);
  }

  /** Copies row `from` over row `to`. */
  copy(from: number, to: number): void {
    this.rows.copyWithin(to * this.stride, from * this.stride, (from + 1) * this.stride);
  }

  /**
   * The inner products of rows 0..count-1 with `query`, handed to `visit` a block at a time:
   * scores[k] belongs to row from + k. The array is reused: read it inside `visit`.
   */
  innerProducts(query: ArrayLike<number>, count: number, visit: (scores: Float64Array, from: number, length: number) => void): void {
    if (query.length !== this.dims) throw new RangeError(`query is ${query.length}-d, the rows are ${this.dims}-d`);
    const kernel = this.kernel;
    if (kernel) {
      const buffer = kernel.memory.buffer;
      const q = new Float64Array(buffer, this.queryAt, this.stride);
      q.fill(0);
      for (let i = 0; i < this.dims; i++) q[i] = Math.fround(query[i]);
      const scores = new Float64Array(buffer, this.scoresAt, BLOCK_ROWS);
      for (let from = 0; from < count; from += BLOCK_ROWS) {
        const length = Math.min(BLOCK_ROWS, count - from);
        kernel.inner_products(this.queryAt, this.rowsAt + from * this.stride * 4, length, this.stride / 4, this.scoresAt);
        visit(scores, from, length);
      }
      return;
    }
    const q = Float32Array.from(query);
    const rows = this.rows;
    const scores = (this.fallbackScores ??= new Float64Array(BLOCK_ROWS));
    const d = this.dims;
    for (let from = 0; from < count; from += BLOCK_ROWS) {
      const length = Math.min(BLOCK_ROWS, count - from);
      for (let k = 0; k < length; k++) {
        const base = (from + k) * this.stride;
        let s = 0;
        for (let i = 0; i < d; i++) s += rows[base + i] * q[i];
        scores[k] = s;
      }
      visit(scores, from, length);
    }
  }

  /**
   * Room for `capacity` rows: the kernel's memory grown, or, past WebAssembly's 4 GiB or when
   * the memory cannot grow, a new ordinary array that JavaScript scans from then on.
   */
  private allocate(capacity: number): Float32Array {
    const kernel = this.kernel;
    if (kernel && capacity <= this.maxWasmRows) {
      try {
        return new Float32Array(ensureMemory(kernel.memory, this.rowsAt + capacity * this.stride * 4), this.rowsAt, capacity * this.stride);
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
      }
    }
    this.kernel = null;
    return new Float32Array(capacity * this.stride);
  }
}

/** How many rows of `rowBytes` fit in a memory of `maxBytes` after the `headerBytes` of query and scores. */
export function wasmRowLimit(headerBytes: number, rowBytes: number, maxBytes: number): number {
  return Math.max(0, Math.floor((maxBytes - headerBytes) / rowBytes));
}

/**
 * The capacity to grow to for `needed` rows from `held`: double (so adding rows one at a time
 * copies each row a bounded number of times), but no further than `limit` while the rows still
 * fit under it. Doubling past the WebAssembly limit would abandon the kernel with as little as
 * half its 4 GiB in use (at 2 GiB of rows, from a power-of-two capacity) and copy every row
 * into an array JavaScript scans, several times slower.
 */
export function grownRowCapacity(needed: number, held: number, limit: number): number {
  const doubled = Math.max(needed, held * 2);
  return needed <= limit ? Math.min(doubled, limit) : doubled;
}

/** The kernel's module, built on first use and then reused, so every index instantiates the one compiled module. */
let bytes: Uint8Array | undefined;

function kernelBytes(): Uint8Array {
  bytes ??= buildKernel();
  return bytes;
}

/**
 * inner_products(query, rows, count, quads, scores): for each of `count` rows of `quads` x 4
 * float32 values from byte offset `rows`, the inner product with the float64 query at `query`,
 * stored as float64 at `scores`. Two float32 values at a time are widened to float64
 * (load64_splat, promote_low), multiplied and summed in two float64x2 accumulators.
 */
function buildKernel(): Uint8Array {
  const [query, rows, count, quads, scores, q, n, acc0, acc1] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const zero = [...simd.v128Const, ...new Array<number>(16).fill(0)];
  /** acc += widen(two floats at rows + offset) * (two doubles at q + 2 * offset). */
  const multiplyAdd = (acc: number, offset: number) => [
    ...get(acc),
    ...get(rows), ...simd.v128Load64Splat, 3, offset, ...simd.f64x2PromoteLowF32x4,
    ...get(q), ...simd.load, 4, 2 * offset, ...simd.f64x2Mul,
    ...simd.f64x2Add, ...set(acc),
  ];
  const body = [
    op.loop, BLOCK_EMPTY,
    ...get(query), ...set(q), ...get(quads), ...set(n),
    ...zero, ...set(acc0), ...zero, ...set(acc1),
    op.loop, BLOCK_EMPTY,
    ...multiplyAdd(acc0, 0), ...multiplyAdd(acc1, 8),
    ...advance(rows, 16), ...advance(q, 32),
    ...countDown(n),
    op.end,
    ...get(scores),
    ...get(acc0), ...get(acc1), ...simd.f64x2Add, ...set(acc0),
    ...get(acc0), ...simd.f64x2ExtractLane, 0, ...get(acc0), ...simd.f64x2ExtractLane, 1, op.f64Add,
    op.f64Store, 3, 0,
    ...advance(scores, 8),
    ...countDown(count),
    op.end,
  ];
  return moduleBytes(1, [{ name: 'inner_products', params: [I32, I32, I32, I32, I32], results: [], locals: [I32, I32, V128, V128], body }]);
}
