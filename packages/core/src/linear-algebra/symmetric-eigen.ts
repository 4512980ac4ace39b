import { ConfigError } from '../errors';

/**
 * Sweeps stop once the off-diagonal entries' sum of squares is below this share of the matrix's
 * (squared Frobenius norm): off-diagonals of 1e-15 of the norm move eigenvalues by ~1e-30 of it.
 * An absolute 1e-22 stopped [[1, .9], [.9, 1]] x 1e-12 before its first rotation.
 */
const RELATIVE_OFF_DIAGONAL = 1e-30;

/**
 * Eigen-decomposition of a small dense symmetric matrix (row-major n x n) by the cyclic Jacobi
 * method: slow for large n, but exact to rounding and simple, which is what projections of a few
 * hundred dimensions (PCA, LDA, CCA) need. Eigenvalues descend; eigenvectors are the columns of
 * `vectors` (row-major n x n), unit length. The same in any unit: a matrix times 2^k gives the
 * same vectors and values times 2^k. Throws ConfigError for a size that does not fit `a`, or a
 * value that is not a finite number.
 */
export function symmetricEigen(a: ArrayLike<number>, n: number, opts: { maxSweeps?: number } = {}): { values: Float64Array; vectors: Float64Array } {
  if (!(Number.isInteger(n) && n >= 0)) throw new ConfigError(`symmetricEigen: n must be a whole number >= 0, got ${n}`);
  if (a.length !== n * n) throw new ConfigError(`symmetricEigen: a ${n} x ${n} matrix has ${n * n} values, got ${a.length}`);
  const maxSweeps = opts.maxSweeps ?? 100;
  if (!(Number.isInteger(maxSweeps) && maxSweeps >= 1)) throw new ConfigError(`symmetricEigen: maxSweeps must be a whole number >= 1, got ${maxSweeps}`);
  const m = Float64Array.from(a);
  let largest = 0;
  for (let i = 0; i < m.length; i++) {
    // NaN came back as an eigenvalue, and a short array as all NaN, without a word.
    if (!Number.isFinite(m[i])) throw new ConfigError(`symmetricEigen: entry (${Math.floor(i / n)}, ${i % n}) is ${m[i]}, not a finite number`);
    largest = Math.max(largest, Math.abs(m[i]));
  }
  // Scaled by a power of two (exact) so that the largest entry is about 1: every threshold below
  // is then relative, and squares of entries near 1e±160 neither overflow nor vanish.
  const scale = largest > 0 ? 2 ** Math.floor(Math.log2(largest)) : 1;
  let norm2 = 0;
  for (let i = 0; i < m.length; i++) {
    m[i] /= scale;
    norm2 += m[i] * m[i];
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] ** 2;
    if (off <= RELATIVE_OFF_DIAGONAL * norm2) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p];
          const akq = m[k * n + q];
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k];
          const aqk = m[q * n + k];
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j] - m[i * n + i]);
  const values = Float64Array.from(order, (i) => m[i * n + i] * scale);
  const vectors = new Float64Array(n * n);
  order.forEach((col, k) => {
    for (let r = 0; r < n; r++) vectors[r * n + k] = v[r * n + col];
  });
  return { values, vectors };
}
