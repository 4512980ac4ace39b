import { symmetricEigen } from '@biofuse/core';
import { FusionError } from '../errors';
import { checkFiniteNonNegative } from '../methods/options';
import { checkFiniteRows } from '../statistics';

/** A fitted linear projection x -> W^T (x - mean), W row-major d x k. */
export interface LinearProjection {
  readonly inputDims: number;
  readonly outputDims: number;
  readonly mean: Float64Array;
  readonly weights: Float64Array;
}

export function project(p: LinearProjection, x: ArrayLike<number>, out = new Float64Array(p.outputDims)): Float64Array {
  const { inputDims: d, outputDims: k } = p;
  // A short vector projected its missing values as NaN; a long one lost the rest without a word.
  if (x.length !== d) throw new FusionError(`projecting a vector of ${x.length} values with a projection of ${d} inputs`);
  out.fill(0);
  for (let i = 0; i < d; i++) {
    const c = x[i] - p.mean[i];
    for (let j = 0; j < k; j++) out[j] += c * p.weights[i * k + j];
  }
  return out;
}

/** Principal component analysis: the k directions of largest variance. */
export function fitPca(x: Float64Array, n: number, d: number, k: number): LinearProjection & { explained: Float64Array } {
  checkDims(n, d, k, 'PCA');
  checkMatrix(x, n, d, 'PCA', 'x');
  const mean = columnMeans(x, n, d);
  const cov = covariance(x, n, d, mean, mean, x, d);
  const { values, vectors } = symmetricEigen(cov, d);
  return { inputDims: d, outputDims: k, mean, weights: firstColumns(vectors, d, k), explained: values.slice(0, k) };
}

/**
 * Linear discriminant analysis: the k directions that best separate subjects (between-class
 * over within-class scatter), at most (subjects - 1). The within-class scatter is regularised
 * by a share of its trace, so it stays invertible with few samples per subject.
 */
export function fitLda(x: Float64Array, n: number, d: number, subjects: Int32Array, k: number, regularization = 1e-3): LinearProjection {
  checkDims(n, d, k, 'LDA');
  checkMatrix(x, n, d, 'LDA', 'x');
  if (subjects.length !== n) throw new FusionError(`LDA: ${subjects.length} subject ids for ${n} samples`);
  checkRegularization(regularization, 'LDA');
  const classes = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const list = classes.get(subjects[i]) ?? [];
    list.push(i);
    classes.set(subjects[i], list);
  }
  if (k > classes.size - 1) throw new FusionError(`LDA gives at most subjects - 1 = ${classes.size - 1} directions, asked for ${k}`);
  const mean = columnMeans(x, n, d);
  const sw = new Float64Array(d * d);
  const sb = new Float64Array(d * d);
  for (const rows of classes.values()) {
    const mu = new Float64Array(d);
    for (const i of rows) for (let a = 0; a < d; a++) mu[a] += x[i * d + a] / rows.length;
    for (const i of rows) {
      for (let a = 0; a < d; a++) {
        const da = x[i * d + a] - mu[a];
        for (let b = 0; b <= a; b++) sw[a * d + b] += da * (x[i * d + b] - mu[b]);
      }
    }
    for (let a = 0; a < d; a++) for (let b = 0; b <= a; b++) sb[a * d + b] += rows.length * (mu[a] - mean[a]) * (mu[b] - mean[b]);
  }
  symmetrise(sw, d);
  symmetrise(sb, d);
  // The floor scales with the data (its mean total scatter), so x and 1e-8 x give the same directions;
  // it keeps a within-class scatter of 0 (one sample per subject) invertible.
  const unit = (meanDiagonal(sw, d) + meanDiagonal(sb, d)) * RELATIVE_FLOOR;
  if (!(unit > 0)) throw new FusionError('LDA: every sample is the same vector');
  regularise(sw, d, regularization, unit);
  // Whiten the within-class scatter, then take the principal axes of the whitened between-class scatter.
  const w = inverseSqrt(sw, d, unit);
  const m = multiply(multiply(w, sb, d, d, d), w, d, d, d);
  const { vectors } = symmetricEigen(m, d);
  return { inputDims: d, outputDims: k, mean, weights: multiply(w, firstColumns(vectors, d, k), d, d, k) };
}

/**
 * Canonical correlation analysis of two views of the same samples: pairs of directions whose
 * projections correlate most. Returns both projections and the canonical correlations.
 */
export function fitCca(
  x: Float64Array,
  dx: number,
  y: Float64Array,
  dy: number,
  n: number,
  k: number,
  regularization = 1e-3,
): { x: LinearProjection; y: LinearProjection; correlations: Float64Array } {
  checkDims(n, Math.min(dx, dy), k, 'CCA');
  checkMatrix(x, n, dx, 'CCA', 'x');
  checkMatrix(y, n, dy, 'CCA', 'y');
  checkRegularization(regularization, 'CCA');
  const mx = columnMeans(x, n, dx);
  const my = columnMeans(y, n, dy);
  const cxx = covariance(x, n, dx, mx, mx, x, dx);
  const cyy = covariance(y, n, dy, my, my, y, dy);
  const cxy = covariance(x, n, dx, mx, my, y, dy);
  // Floors relative to each view's mean variance: x and 1e-8 x correlate the same.
  const ux = meanDiagonal(cxx, dx) * RELATIVE_FLOOR;
  const uy = meanDiagonal(cyy, dy) * RELATIVE_FLOOR;
  if (!(ux > 0 && uy > 0)) throw new FusionError(`CCA: the ${ux > 0 ? 'second' : 'first'} view is constant: nothing to correlate`);
  regularise(cxx, dx, regularization, ux);
  regularise(cyy, dy, regularization, uy);
  const wx = inverseSqrt(cxx, dx, ux);
  const wy = inverseSqrt(cyy, dy, uy);
  // M = Cxx^-1/2 Cxy Cyy^-1/2; its singular vectors give the canonical directions.
  const m = multiply(multiply(wx, cxy, dx, dx, dy), wy, dx, dy, dy);
  const mmt = multiply(m, transpose(m, dx, dy), dx, dy, dx);
  const { values, vectors } = symmetricEigen(mmt, dx);
  const u = firstColumns(vectors, dx, k);
  const correlations = Float64Array.from({ length: k }, (_, j) => Math.sqrt(Math.max(values[j], 0)));
  // v_j = M^T u_j / s_j
  const mtu = multiply(transpose(m, dx, dy), u, dy, dx, k);
  for (let j = 0; j < k; j++) {
    const s = correlations[j] || 1;
    for (let i = 0; i < dy; i++) mtu[i * k + j] /= s;
  }
  return {
    x: { inputDims: dx, outputDims: k, mean: mx, weights: multiply(wx, u, dx, dx, k) },
    y: { inputDims: dy, outputDims: k, mean: my, weights: multiply(wy, mtu, dy, dy, k) },
    correlations,
  };
}

/**
 * Discriminant correlation analysis (Haghighat, Abdel-Mottaleb and Alhalabi, IEEE TIFS 11(9),
 * 2016): CCA made supervised. Each view is first projected so that its between-class scatter
 * becomes the identity (r directions, r below the number of subjects and each view's
 * dimension), which separates the subjects; then the two projected views are rotated so their
 * between-set covariance is the identity too, which keeps only what they share about identity.
 * Returns both projections (r outputs each: k, or every direction when k is not given; a k
 * beyond min(subjects - 1, dx, dy) is refused) and the singular values of the between-set
 * covariance.
 */
export function fitDca(
  x: Float64Array,
  dx: number,
  y: Float64Array,
  dy: number,
  subjects: Int32Array,
  k?: number,
): { x: LinearProjection; y: LinearProjection; singularValues: Float64Array } {
  const n = subjects.length;
  checkMatrix(x, n, dx, 'DCA', 'x');
  checkMatrix(y, n, dy, 'DCA', 'y');
  const classes = classRows(subjects);
  const most = Math.min(classes.length - 1, dx, dy);
  const r = k ?? most;
  // An explicit k beyond what the data gives was cut down without a word (LDA and CCA refuse it).
  if (!Number.isInteger(r) || r < 1 || r > most) throw new FusionError(`DCA needs at least 2 subjects and gives 1..min(subjects - 1, dims) output dimensions (subjects - 1 = ${classes.length - 1}, dims ${dx} and ${dy}), asked ${k ?? 'all'}`);
  const bx = betweenClassWhitening(x, n, dx, classes, r, 'first');
  const by = betweenClassWhitening(y, n, dy, classes, r, 'second');
  // Project both views, then diagonalise their between-set covariance Sxy = X' Y'^T (r x r).
  const px = new Float64Array(n * r);
  const py = new Float64Array(n * r);
  for (let i = 0; i < n; i++) {
    px.set(project(bx, x.subarray(i * dx, (i + 1) * dx)), i * r);
    py.set(project(by, y.subarray(i * dy, (i + 1) * dy)), i * r);
  }
  const zero = new Float64Array(r);
  const sxy = covariance(px, n, r, zero, zero, py, r);
  for (let q = 0; q < sxy.length; q++) sxy[q] *= n;
  const { values, vectors } = symmetricEigen(multiply(sxy, transpose(sxy, r, r), r, r, r), r);
  const singularValues = Float64Array.from(values, (v) => Math.sqrt(Math.max(v, 0)));
  // U and V = Sxy^T U S^-1; Wcx = U S^-1/2, Wcy = V S^-1/2 make X* Y*^T = I.
  const v = multiply(transpose(sxy, r, r), vectors, r, r, r);
  const wcx = new Float64Array(r * r);
  const wcy = new Float64Array(r * r);
  for (let j = 0; j < r; j++) {
    const s = singularValues[j];
    if (!(s > 1e-12)) throw new FusionError('DCA: the two views share no identity information along some direction (a zero singular value); ask for fewer dimensions');
    for (let i = 0; i < r; i++) {
      wcx[i * r + j] = vectors[i * r + j] / Math.sqrt(s);
      wcy[i * r + j] = v[i * r + j] / s / Math.sqrt(s);
    }
  }
  return {
    x: { inputDims: dx, outputDims: r, mean: bx.mean, weights: multiply(bx.weights, wcx, dx, r, r) },
    y: { inputDims: dy, outputDims: r, mean: by.mean, weights: multiply(by.weights, wcy, dy, r, r) },
    singularValues,
  };
}

function classRows(subjects: Int32Array): number[][] {
  const classes = new Map<number, number[]>();
  subjects.forEach((s, i) => {
    const list = classes.get(s) ?? [];
    list.push(i);
    classes.set(s, list);
  });
  return [...classes.values()];
}

/**
 * W (d x r) with W^T Sb W = I for the between-class scatter Sb = Phi Phi^T, Phi's columns
 * sqrt(n_c) (class mean - mean), along Sb's r leading eigenvectors. They come from whichever of
 * Phi Phi^T (d x d) and Phi^T Phi (c x c) is smaller: both have the same nonzero eigenvalues.
 */
function betweenClassWhitening(x: Float64Array, n: number, d: number, classes: readonly number[][], r: number, view: string): LinearProjection {
  const mean = columnMeans(x, n, d);
  const c = classes.length;
  const phi = new Float64Array(d * c);
  classes.forEach((rows, q) => {
    const w = Math.sqrt(rows.length);
    for (let a = 0; a < d; a++) {
      let mu = 0;
      for (const i of rows) mu += x[i * d + a];
      phi[a * c + q] = w * (mu / rows.length - mean[a]);
    }
  });
  const phiT = transpose(phi, d, c);
  let values: Float64Array;
  let weights: Float64Array;
  if (d <= c) {
    const e = symmetricEigen(multiply(phi, phiT, d, c, d), d);
    values = e.values;
    weights = firstColumns(e.vectors, d, r);
    // Eigenvectors u of Sb: W = u / sqrt(lambda).
    for (let j = 0; j < r; j++) for (let a = 0; a < d; a++) weights[a * r + j] /= Math.sqrt(Math.max(values[j], 1e-300));
  } else {
    const e = symmetricEigen(multiply(phiT, phi, c, d, c), c);
    values = e.values;
    // Eigenvectors p of Phi^T Phi: W = Phi p / lambda (unit-norm Phi p / sqrt(lambda), then / sqrt(lambda)).
    weights = multiply(phi, firstColumns(e.vectors, c, r), d, c, r);
    for (let j = 0; j < r; j++) for (let a = 0; a < d; a++) weights[a * r + j] /= Math.max(values[j], 1e-300);
  }
  for (let j = 0; j < r; j++) {
    if (!(values[j] > 1e-12 * Math.max(values[0], 1e-300))) throw new FusionError(`DCA: the ${view} view separates fewer than ${r} directions of subjects; ask for fewer dimensions`);
  }
  return { inputDims: d, outputDims: r, mean, weights };
}

function checkDims(n: number, d: number, k: number, what: string): void {
  if (!Number.isInteger(k) || k < 1 || k > d) throw new FusionError(`${what}: output dimensions must be 1..${d}, got ${k}`);
  if (n < 2) throw new FusionError(`${what} needs at least 2 samples`);
  // n centred samples span n - 1 dimensions at most: beyond them PCA's variances and CCA's
  // correlations are 0, and their directions arbitrary (CCA's, whitened by the ridge alone, came
  // out hundreds of times larger than the real ones and swamped every similarity).
  if (k > n - 1) throw new FusionError(`${what}: ${n} samples give at most samples - 1 = ${n - 1} output dimensions (beyond them the training data has no variance), asked for ${k}`);
}

/**
 * Refuses a data matrix that is not n x d (a short one was read as NaN or as zeros and gave a
 * projection, or failed later as a "constant view") or that holds a value that is not finite.
 */
function checkMatrix(x: ArrayLike<number>, n: number, d: number, what: string, name: string): void {
  if (!(Number.isInteger(d) && d >= 1) || x.length !== n * d) throw new FusionError(`${what}: ${name} holds ${x.length} values, not ${n} samples x ${d} dimensions`);
  checkFiniteRows(x, d, `${what}: ${name}`);
}

/**
 * Column means, with a second pass that adds back the mean residual: a constant column then gets
 * its value exactly (a mean of 3 came out as 3 - 4e-16, so a constant view had a variance of
 * ~1e-32 for whitening to blow up).
 */
export function columnMeans(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const m = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) m[a] += x[i * d + a];
  for (let a = 0; a < d; a++) m[a] /= n;
  const residual = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) residual[a] += x[i * d + a] - m[a];
  for (let a = 0; a < d; a++) m[a] += residual[a] / n;
  return m;
}

/** (1/n) sum (x_i - mx)(y_i - my)^T, dx x dy. */
function covariance(x: Float64Array, n: number, dx: number, mx: Float64Array, my: Float64Array, y: Float64Array, dy: number): Float64Array {
  const c = new Float64Array(dx * dy);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < dx; a++) {
      const da = x[i * dx + a] - mx[a];
      for (let b = 0; b < dy; b++) c[a * dy + b] += (da * (y[i * dy + b] - my[b])) / n;
    }
  }
  return c;
}

function symmetrise(a: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) a[j * d + i] = a[i * d + j];
}

/**
 * Share of the data's mean variance below which a scatter's eigenvalue counts as 0: added to the
 * diagonal before whitening and the least eigenvalue whitened. Relative, so it means the same in
 * any unit (an absolute 1e-12 swamped features of size 1e-8 and changed their projection).
 */
const RELATIVE_FLOOR = 1e-12;

function meanDiagonal(a: Float64Array, d: number): number {
  let trace = 0;
  for (let i = 0; i < d; i++) trace += a[i * d + i];
  return trace / d;
}

function checkRegularization(share: number, what: string): void {
  checkFiniteNonNegative(share, 'regularization', what, (m) => new FusionError(m));
}

/** Adds `share` of the mean diagonal plus `floor` to the diagonal. */
function regularise(a: Float64Array, d: number, share: number, floor: number): void {
  const add = share * meanDiagonal(a, d) + floor;
  for (let i = 0; i < d; i++) a[i * d + i] += add;
}

/** A^-1/2 of a symmetric positive semi-definite A, eigenvalues below `floor` taken as `floor`. */
function inverseSqrt(a: Float64Array, d: number, floor: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const s = 1 / Math.sqrt(Math.max(values[k], floor));
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j] += vectors[i * d + k] * s * vectors[j * d + k];
  }
  return out;
}

function multiply(a: Float64Array, b: Float64Array, n: number, m: number, p: number): Float64Array {
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) {
    const aik = a[i * m + k];
    if (aik === 0) continue;
    for (let j = 0; j < p; j++) out[i * p + j] += aik * b[k * p + j];
  }
  return out;
}

function transpose(a: Float64Array, n: number, m: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[j * n + i] = a[i * m + j];
  return out;
}

function firstColumns(v: Float64Array, d: number, k: number): Float64Array {
  const out = new Float64Array(d * k);
  for (let i = 0; i < d; i++) for (let j = 0; j < k; j++) out[i * k + j] = v[i * d + j];
  return out;
}
