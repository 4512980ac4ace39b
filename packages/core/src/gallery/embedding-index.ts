import { ConfigError, TemplateFormatError } from '../errors';
import { VectorRows } from './vector-rows';

/** A search hit: the row's position in the index and its inner product with the query. */
export interface IndexHit {
  readonly row: number;
  readonly score: number;
}

/**
 * Exhaustive inner-product search over unit vectors (cosine similarity for L2-normalised
 * embeddings); the scan runs in a WebAssembly SIMD kernel where available (see VectorRows).
 * Removal swaps in the last row, so rows stay dense; callers keep the row -> record mapping in
 * step from what `remove` returns (the row that moved).
 *
 * Rows and queries hold finite float32 values: a vector (row or query) of the wrong length, or
 * with a value that is NaN or infinite once stored as float32 (1e39 overflows), is a
 * TemplateFormatError, as a damaged template is. A NaN score is neither above nor below any
 * other, so one such row would sit first in every search and rank first for every query.
 */
export class EmbeddingIndex {
  private readonly rows: VectorRows;
  private count = 0;

  /** `useWasm: false` forces the JavaScript scan (for comparison and tests). */
  constructor(readonly dims: number, capacity = 1024, opts: { readonly useWasm?: boolean } = {}) {
    if (!(Number.isInteger(dims) && dims > 0)) throw new ConfigError(`an embedding index needs a whole positive vector length, got ${dims}`);
    this.rows = new VectorRows(dims, capacity, opts.useWasm ?? true);
  }

  get size(): number {
    return this.count;
  }

  /** Whether searches run in the WebAssembly kernel. */
  get accelerated(): boolean {
    return this.rows.accelerated;
  }

  add(vector: ArrayLike<number>): number {
    if (vector.length !== this.dims) throw new TemplateFormatError(`index holds ${this.dims}-d vectors, got ${vector.length}`);
    checkFinite(vector, 'the vector');
    this.rows.reserve(this.count + 1);
    this.rows.set(this.count, vector);
    return this.count++;
  }

  /** Removes a row; returns the row that moved into its place (or -1 when it was the last). */
  remove(row: number): number {
    const last = this.count - 1;
    if (!Number.isInteger(row) || row < 0 || row > last) throw new ConfigError(`the index has no row ${row}`);
    if (row !== last) this.rows.copy(last, row);
    this.count--;
    return row === last ? -1 : last;
  }

  /**
   * The 1-based rank of `row` among all rows by inner product with `query`: one plus the
   * other rows that score at least as high (ties count against it, as core's identification
   * metrics rank a mate). For pre-selection error against penetration rate.
   */
  rankOf(query: ArrayLike<number>, row: number): number {
    if (!Number.isInteger(row) || row < 0 || row >= this.count) throw new ConfigError(`the index has no row ${row}`);
    if (query.length !== this.dims) throw new TemplateFormatError(`query is ${query.length}-d, index holds ${this.dims}-d vectors`);
    checkFinite(query, 'the query');
    const all = new Float64Array(this.count);
    this.rows.innerProducts(query, this.count, (scores, from, length) => all.set(scores.subarray(0, length), from));
    const own = all[row];
    let ahead = 0;
    for (let r = 0; r < all.length; r++) if (r !== row && all[r] >= own) ahead++;
    return 1 + ahead;
  }

  /**
   * The k rows with the highest inner product, best first (a bounded min-heap, one pass).
   * Equal scores are ordered by `tieKeys[row]`, lowest first (by row when not given): a caller
   * that passes stable keys (record ids) gets the same order however removals moved the rows.
   */
  search(query: ArrayLike<number>, k: number, tieKeys?: ArrayLike<number>): IndexHit[] {
    if (query.length !== this.dims) throw new TemplateFormatError(`query is ${query.length}-d, index holds ${this.dims}-d vectors`);
    checkFinite(query, 'the query');
    if (!(Number.isInteger(k) && k >= 0)) throw new ConfigError(`a search returns a whole number of hits, got k = ${k}`);
    if (tieKeys !== undefined && tieKeys.length < this.count) throw new ConfigError(`an index of ${this.count} rows needs as many tie keys, got ${tieKeys.length}`);
    const keep = Math.min(k, this.count);
    if (keep <= 0) return [];
    const heapScore = new Float64Array(keep);
    const heapKey = new Float64Array(keep);
    const heapRow = new Int32Array(keep);
    // Whether entry (s1, k1) ranks below (s2, k2): a lower score, or the same score and a higher key.
    const worse = (s1: number, k1: number, s2: number, k2: number) => s1 < s2 || (s1 === s2 && k1 > k2);
    let filled = 0;
    this.rows.innerProducts(query, this.count, (scores, from, length) => {
      for (let j = 0; j < length; j++) {
        const s = scores[j];
        const r = from + j;
        const key = tieKeys === undefined ? r : tieKeys[r];
        if (filled < keep) {
          // Sift up into the min-heap (its root is the worst entry kept).
          let i = filled++;
          while (i > 0) {
            const parent = (i - 1) >> 1;
            if (!worse(s, key, heapScore[parent], heapKey[parent])) break;
            heapScore[i] = heapScore[parent];
            heapKey[i] = heapKey[parent];
            heapRow[i] = heapRow[parent];
            i = parent;
          }
          heapScore[i] = s;
          heapKey[i] = key;
          heapRow[i] = r;
        } else if (worse(heapScore[0], heapKey[0], s, key)) {
          // Replace the worst and sift down.
          let i = 0;
          for (;;) {
            const l = 2 * i + 1;
            if (l >= keep) break;
            const c = l + 1 < keep && worse(heapScore[l + 1], heapKey[l + 1], heapScore[l], heapKey[l]) ? l + 1 : l;
            if (!worse(heapScore[c], heapKey[c], s, key)) break;
            heapScore[i] = heapScore[c];
            heapKey[i] = heapKey[c];
            heapRow[i] = heapRow[c];
            i = c;
          }
          heapScore[i] = s;
          heapKey[i] = key;
          heapRow[i] = r;
        }
      }
    });
    const order = Array.from({ length: filled }, (_, i) => i).sort((a, b) => heapScore[b] - heapScore[a] || heapKey[a] - heapKey[b]);
    return order.map((i) => ({ row: heapRow[i], score: heapScore[i] }));
  }
}

/** Every value finite once stored as float32, as the rows and the kernel's query hold it; `what` names the vector. */
export function checkFinite(vector: ArrayLike<number>, what: string): void {
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(Math.fround(vector[i]))) throw new TemplateFormatError(`${what} has a value that is not a finite number in float32 (${vector[i]} at ${i})`);
  }
}
