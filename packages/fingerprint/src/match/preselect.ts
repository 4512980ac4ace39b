/**
 * Subtracts a centre from each of the n x d vectors and scales each to unit length (rows that
 * become zero stay zero); the centre defaults to the mean of the rows. The fixed-length
 * vectors of all prints share a large common part, so cosine similarity ranks candidates far
 * better after centring: centre the gallery once, and each probe with the gallery's centre.
 */
export function centreVectors(vectors: Float32Array, d: number, centre?: Float32Array): { vectors: Float32Array; centre: Float32Array } {
  if (d <= 0 || vectors.length % d !== 0) throw new RangeError(`${vectors.length} values are not rows of ${d}`);
  const n = vectors.length / d;
  let c = centre;
  if (!c) {
    const sum = new Float64Array(d);
    for (let r = 0; r < n; r++) for (let k = 0; k < d; k++) sum[k] += vectors[r * d + k];
    c = Float32Array.from(sum, (v) => (n > 0 ? v / n : 0));
  }
  if (c.length !== d) throw new RangeError(`centre has ${c.length} values, not ${d}`);
  const out = new Float32Array(vectors.length);
  for (let r = 0; r < n; r++) {
    const off = r * d;
    let norm = 0;
    for (let k = 0; k < d; k++) {
      const v = vectors[off + k] - c[k];
      out[off + k] = v;
      norm += v * v;
    }
    if (norm > 0) {
      const s = 1 / Math.sqrt(norm);
      for (let k = 0; k < d; k++) out[off + k] *= s;
    }
  }
  return { vectors: out, centre: c };
}

/** Candidates for 1:N search, best first: their rows in the gallery matrix and cosine scores. */
export interface Preselection {
  readonly indices: Int32Array;
  readonly scores: Float32Array;
}

/**
 * The k gallery vectors most similar to the probe by dot product (cosine similarity for the
 * unit vectors of fingerprintVector): a cheap shortlist before full comparisons in 1:N search.
 * `gallery` holds n vectors of the probe's length d, row after row (n x d).
 */
export function preselect(probe: Float32Array, gallery: Float32Array, k: number): Preselection {
  const d = probe.length;
  if (d === 0 || gallery.length % d !== 0) throw new RangeError(`gallery length ${gallery.length} is not a multiple of the vector length ${d}`);
  const n = gallery.length / d;
  const m = Math.max(0, Math.min(Math.floor(k), n));
  // A min-heap of the best m so far: heapScore[0] is the worst kept score.
  const heapScore = new Float32Array(m);
  const heapIndex = new Int32Array(m);
  let size = 0;
  for (let r = 0; r < n && m > 0; r++) {
    const off = r * d;
    let s = 0;
    for (let c = 0; c < d; c++) s += probe[c] * gallery[off + c];
    if (size < m) {
      let i = size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (heapScore[parent] <= s) break;
        heapScore[i] = heapScore[parent];
        heapIndex[i] = heapIndex[parent];
        i = parent;
      }
      heapScore[i] = s;
      heapIndex[i] = r;
    } else if (s > heapScore[0]) {
      siftDown(heapScore, heapIndex, size, s, r);
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => heapScore[b] - heapScore[a] || heapIndex[a] - heapIndex[b]);
  return { indices: Int32Array.from(order, (i) => heapIndex[i]), scores: Float32Array.from(order, (i) => heapScore[i]) };
}

/** Replaces the heap's root with (s, r) and restores the min-heap order. */
function siftDown(score: Float32Array, index: Int32Array, size: number, s: number, r: number): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const c = l + 1 < size && score[l + 1] < score[l] ? l + 1 : l;
    if (score[c] >= s) break;
    score[i] = score[c];
    index[i] = index[c];
    i = c;
  }
  score[i] = s;
  index[i] = r;
}
