/** A search hit: the row's position in the index and its inner product with the query. */
export interface IndexHit {
  readonly row: number;
  readonly score: number;
}

/**
 * Exhaustive inner-product search over unit vectors held in one growing Float32Array
 * (cosine similarity for L2-normalised embeddings). Removal swaps in the last row, so rows
 * stay dense; callers keep the row -> record mapping in step through `onMove`.
 */
export class EmbeddingIndex {
  private data: Float32Array;
  private count = 0;

  constructor(readonly dims: number, capacity = 1024) {
    this.data = new Float32Array(dims * Math.max(capacity, 1));
  }

  get size(): number {
    return this.count;
  }

  add(vector: ArrayLike<number>): number {
    if (vector.length !== this.dims) throw new RangeError(`index holds ${this.dims}-d vectors, got ${vector.length}`);
    if ((this.count + 1) * this.dims > this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(vector, this.count * this.dims);
    return this.count++;
  }

  /** Removes a row; returns the row that moved into its place (or -1 when it was the last). */
  remove(row: number): number {
    const last = this.count - 1;
    if (row < 0 || row > last) throw new RangeError(`no row ${row}`);
    if (row !== last) this.data.copyWithin(row * this.dims, last * this.dims, (last + 1) * this.dims);
    this.count--;
    return row === last ? -1 : last;
  }

  /** The k rows with the highest inner product, best first (a bounded min-heap, one pass). */
  search(query: ArrayLike<number>, k: number): IndexHit[] {
    if (query.length !== this.dims) throw new RangeError(`query is ${query.length}-d, index holds ${this.dims}-d vectors`);
    const keep = Math.min(k, this.count);
    if (keep <= 0) return [];
    const heapScore = new Float64Array(keep);
    const heapRow = new Int32Array(keep);
    let filled = 0;
    const d = this.dims;
    const data = this.data;
    const q = Float32Array.from(query);
    for (let r = 0; r < this.count; r++) {
      let s = 0;
      const base = r * d;
      for (let i = 0; i < d; i++) s += data[base + i] * q[i];
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
    const hits: IndexHit[] = [];
    for (let i = 0; i < filled; i++) hits.push({ row: heapRow[i], score: heapScore[i] });
    return hits.sort((a, b) => b.score - a.score || a.row - b.row);
  }
}
