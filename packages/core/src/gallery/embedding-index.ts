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
    const all = new Float64Array(this.count);
    this.rows.innerProducts(query, this.count, (scores, from, length) => all.set(scores.subarray(0, length), from));
    const own = all[row];
    let ahead = 0;
    for (let r = 0; r < all.length; r++) if (r !== row && all[r] >= own) ahead++;
    return 1 + ahead;
  }

  /** The k rows with the highest inner product, best first (a bounded min-heap, one pass). */
  search(query: ArrayLike<number>, k: number): IndexHit[] {
    if (query.length !== this.dims) throw new TemplateFormatError(`query is ${query.length}-d, index holds ${this.dims}-d vectors`);
    if (!(Number.isInteger(k) && k >= 0)) throw new ConfigError(`a search returns a whole number of hits, got k = ${k}`);
    const keep = Math.min(k, this.count);
    if (keep <= 0) return [];
    const heapScore = new Float64Array(keep);
    const heapRow = new Int32Array(keep);
    let filled = 0;
    this.rows.innerProducts(query, this.count, (scores, from, length) => {
      for (let j = 0; j < length; j++) {
        const s = scores[j];
        const r = from + j;
        if (filled < keep) {
          // Sift up into the min-heap.
          let i = filled++;
          while (i > 0) {
            const parent = (i - 1) >> 1;
            if (heapScore[parent] <= s) break;
            heapScore[i] = heapScore[parent];
            heapRow[i] = heapRow[parent];
            i = parent;
          }
          heapScore[i] = s;
          heapRow[i] = r;
        } else if (s > heapScore[0]) {
          // Replace the minimum and sift down.
          let i = 0;
          for (;;) {
            const l = 2 * i + 1;
            if (l >= keep) break;
            const c = l + 1 < keep && heapScore[l + 1] < heapScore[l] ? l + 1 : l;
            if (heapScore[c] >= s) break;
            heapScore[i] = heapScore[c];
            heapRow[i] = heapRow[c];
            i = c;
          }
          heapScore[i] = s;
          heapRow[i] = r;
        }
      }
    });
    const hits: IndexHit[] = [];
    for (let i = 0; i < filled; i++) hits.push({ row: heapRow[i], score: heapScore[i] });
    return hits.sort((a, b) => b.score - a.score || a.row - b.row);
  }
}
