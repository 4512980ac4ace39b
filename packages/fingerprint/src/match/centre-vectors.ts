import { ConfigError } from '@biofuse/core';

/**
 * Subtracts a centre from each of the n x d vectors and scales each to unit length (rows that
 * become zero stay zero); the centre defaults to the mean of the rows. The fixed-length
 * vectors of all prints share a large common part, so cosine similarity ranks candidates far
 * better after centring: centre the gallery once, and each probe with the gallery's centre.
 */
export function centreVectors(vectors: Float32Array, d: number, centre?: Float32Array): { vectors: Float32Array; centre: Float32Array } {
  if (!(Number.isInteger(d) && d > 0) || vectors.length % d !== 0) throw new ConfigError(`${vectors.length} values are not rows of ${d}`);
  // One NaN made the centre, and so every centred row of the gallery, NaN.
  for (const [what, values] of [['vectors', vectors], ['centre', centre]] as const) {
    if (values === undefined) continue;
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) throw new ConfigError(`${what} value ${i} is ${values[i]}, not a finite number`);
    }
  }
  const n = vectors.length / d;
  let c = centre;
  if (!c) {
    const sum = new Float64Array(d);
    for (let r = 0; r < n; r++) for (let k = 0; k < d; k++) sum[k] += vectors[r * d + k];
    c = Float32Array.from(sum, (v) => (n > 0 ? v / n : 0));
  }
  if (c.length !== d) throw new ConfigError(`centre has ${c.length} values, not ${d}`);
  const out = new Float32Array(vectors.length);
  for (let r = 0; r < n; r++) {
    const off = r * d;
    let norm = 0;
    let empty = true;
    for (let k = 0; k < d; k++) {
      if (vectors[off + k] !== 0) empty = false;
      const v = vectors[off + k] - c[k];
      out[off + k] = v;
      norm += v * v;
    }
    // A row of zeros has nothing to describe and stays zeros: centred, every such row became
    // the same unit vector (the centre's opposite), and two unrelated ones scored cosine 1.
    if (empty) out.fill(0, off, off + d);
    else if (norm > 0) {
      const s = 1 / Math.sqrt(norm);
      for (let k = 0; k < d; k++) out[off + k] *= s;
    }
  }
  return { vectors: out, centre: c };
}
