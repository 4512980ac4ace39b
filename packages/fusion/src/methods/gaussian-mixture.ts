import { choleskyFactor, seededRandom } from '@biofuse/core';
import { FusionError } from '../errors';
import { checkFiniteRows } from '../statistics';
import { checkFiniteNonNegative, checkWholeNumber } from './options';

/** A fitted Gaussian mixture with full covariances. */
export interface GaussianMixture {
  readonly dims: number;
  readonly weights: Float64Array;
  /** K x d means. */
  readonly means: Float64Array;
  /** K x d x d covariances. */
  readonly covariances: Float64Array;
}

export interface MixtureFitOptions {
  readonly components: number;
  readonly seed: number;
  /** Added to each covariance diagonal, as a share of that dimension's reference variance (default 1e-3). */
  readonly regularization?: number;
  /**
   * Per dimension, the variance the floor is a share of (default: that of `x` itself). Pass the
   * variance over all classes when `x` is one class: a class that is constant in a dimension
   * then keeps a floor on the data's scale instead of 1e-15, whose densities were rounding noise.
   */
  readonly referenceVariance?: ArrayLike<number>;
  /** EM iterations at most (default 100). */
  readonly maxIterations?: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Fits a K-component mixture to n x d rows by EM, starting from seeded k-means++ centres.
 * The covariance floor keeps components from collapsing onto a single repeated score, which
 * discrete matchers (fingerprint scores of 0) would otherwise cause. A constant dimension (or
 * one whose reference variance is 0) is refused: it has no scale to floor at.
 */
export function fitGaussianMixture(x: Float64Array, d: number, opts: MixtureFitOptions): { model: GaussianMixture; logLikelihood: number } {
  checkRows(x, d, 'a mixture');
  const n = x.length / d;
  const k = opts.components;
  // 0 components gave an empty model of log-likelihood -Infinity, 1.5 a covariance "not positive definite".
  checkWholeNumber(k, 'components', 'Gaussian mixture', (m) => new FusionError(m));
  checkFiniteNonNegative(opts.regularization, 'regularization', 'Gaussian mixture', (m) => new FusionError(m));
  if (n < k * (d + 1)) throw new FusionError(`a ${k}-component mixture in ${d} dimensions needs at least ${k * (d + 1)} rows, got ${n}`);
  const rng = seededRandom(opts.seed);
  const variance = new Float64Array(d);
  const mu0 = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu0[j] += x[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) variance[j] += (x[i * d + j] - mu0[j]) ** 2 / n;
  // The running mean leaves a constant's variance at rounding noise (1e-33), not 0: compare the values.
  for (let j = 0; j < d && !opts.referenceVariance; j++) {
    let i = 1;
    while (i < n && x[i * d + j] === x[j]) i++;
    if (i === n) throw new FusionError(`dimension ${j} is constant (${x[j]}): a mixture cannot be fitted to it`);
  }
  const reference = opts.referenceVariance ?? variance;
  if (reference.length !== d) throw new FusionError(`referenceVariance has ${reference.length} values for ${d} dimensions`);
  const floor = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    if (!(reference[j] > 0 && Number.isFinite(reference[j]))) throw new FusionError(`dimension ${j} has a reference variance of ${reference[j]}: a mixture cannot be fitted to a constant`);
    floor[j] = reference[j] * (opts.regularization ?? 1e-3);
  }

  const means = kMeansPlusPlus(x, d, k, rng.next);
  const weights = new Float64Array(k).fill(1 / k);
  const covariances = new Float64Array(k * d * d);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) covariances[c * d * d + j * d + j] = variance[j] > floor[j] ? variance[j] : reference[j];

  const resp = new Float64Array(n * k);
  const logp = new Float64Array(k);
  const z = new Float64Array(d);
  let previous = Number.NEGATIVE_INFINITY;
  let logLikelihood = previous;
  const maxIterations = opts.maxIterations ?? 100;
  for (let iter = 0; iter < maxIterations; iter++) {
    // E step: log N(x_i | mean_c, cov_c) through each component's Cholesky factor, rows read in place.
    const factors = choleskyFactors(covariances, k, d);
    logLikelihood = 0;
    for (let i = 0; i < n; i++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        const lc = c * d * d;
        let m2 = 0;
        for (let a = 0; a < d; a++) {
          let v = x[i * d + a] - means[c * d + a];
          for (let b = 0; b < a; b++) v -= factors.l[lc + a * d + b] * z[b];
          z[a] = v / factors.l[lc + a * d + a];
          m2 += z[a] * z[a];
        }
        logp[c] = Math.log(weights[c]) + factors.constant[c] - 0.5 * m2;
        if (logp[c] > max) max = logp[c];
      }
      let s = 0;
      for (let c = 0; c < k; c++) s += Math.exp(logp[c] - max);
      const lse = max + Math.log(s);
      logLikelihood += lse;
      for (let c = 0; c < k; c++) resp[i * k + c] = Math.exp(logp[c] - lse);
    }
    // M step
    for (let c = 0; c < k; c++) {
      let nk = 0;
      for (let i = 0; i < n; i++) nk += resp[i * k + c];
      nk = Math.max(nk, 1e-10);
      weights[c] = nk / n;
      const mean = means.subarray(c * d, (c + 1) * d);
      mean.fill(0);
      for (let i = 0; i < n; i++) {
        const r = resp[i * k + c];
        for (let j = 0; j < d; j++) mean[j] += (r * x[i * d + j]) / nk;
      }
      const cov = covariances.subarray(c * d * d, (c + 1) * d * d);
      cov.fill(0);
      for (let i = 0; i < n; i++) {
        const r = resp[i * k + c];
        if (r < 1e-12) continue;
        for (let a = 0; a < d; a++) {
          const da = x[i * d + a] - mean[a];
          for (let b = 0; b <= a; b++) cov[a * d + b] += (r * da * (x[i * d + b] - mean[b])) / nk;
        }
      }
      for (let a = 0; a < d; a++) {
        cov[a * d + a] += floor[a];
        for (let b = 0; b < a; b++) cov[b * d + a] = cov[a * d + b];
      }
    }
    if (logLikelihood - previous < 1e-6 * n) break;
    previous = logLikelihood;
  }
  const model: GaussianMixture = { dims: d, weights, means, covariances };
  // The loop's likelihood is that of the parameters before its last M step: BIC needs the returned model's.
  const components = prepareComponents(model, Array.from({ length: d }, (_, j) => j));
  logLikelihood = 0;
  for (let i = 0; i < n; i++) logLikelihood += mixtureLogDensity(components, x.subarray(i * d, (i + 1) * d));
  return { model, logLikelihood };
}

/** Refuses rows that are not n x d finite values (a NaN was reported as "a constant", a partial last row dropped). */
function checkRows(x: Float64Array, d: number, what: string): void {
  if (!(Number.isInteger(d) && d >= 1) || x.length % d !== 0) throw new FusionError(`${what} in ${d} dimensions: ${x.length} values are not whole rows`);
  checkFiniteRows(x, d, what);
}

/** Free parameters of a K-component full-covariance mixture in d dimensions (for BIC). */
export function mixtureParameterCount(k: number, d: number): number {
  return k - 1 + k * d + (k * d * (d + 1)) / 2;
}

/**
 * Chooses the number of components by the Bayesian information criterion,
 * BIC = -2 log L + p log n, over 1..maxComponents (stopping once two larger counts in a row
 * did not improve it).
 */
export function fitGaussianMixtureBic(
  x: Float64Array,
  d: number,
  opts: Omit<MixtureFitOptions, 'components'> & { maxComponents: number },
): { model: GaussianMixture; components: number; bic: number[] } {
  checkRows(x, d, 'a mixture');
  checkWholeNumber(opts.maxComponents, 'maxComponents', 'Gaussian mixture', (m) => new FusionError(m));
  const n = x.length / d;
  const bic: number[] = [];
  let best: GaussianMixture | undefined;
  let bestBic = Number.POSITIVE_INFINITY;
  let bestK = 0;
  for (let k = 1; k <= opts.maxComponents; k++) {
    if (n < k * (d + 1)) break;
    // BIC rarely turns back down after rising twice in a row: stop there.
    if (bestK > 0 && k - bestK > 2) break;
    const { model, logLikelihood } = fitGaussianMixture(x, d, { ...opts, components: k });
    const b = -2 * logLikelihood + mixtureParameterCount(k, d) * Math.log(n);
    bic.push(b);
    if (b < bestBic) {
      bestBic = b;
      best = model;
      bestK = k;
    }
  }
  if (!best) throw new FusionError(`too few rows (${n}) to fit a mixture in ${d} dimensions`);
  return { model: best, components: bestK, bic };
}

export interface PreparedComponent {
  readonly logWeight: number;
  logDensity(row: ArrayLike<number>): number;
}

/**
 * The mixture's components marginalised onto the dimensions in `observed` (a Gaussian's
 * marginal keeps the sub-vector of its mean and the sub-matrix of its covariance), each with
 * its Cholesky factor, so one row costs O(d^2) per component.
 */
export function prepareComponents(model: GaussianMixture, observed: readonly number[]): PreparedComponent[] {
  const d = model.dims;
  const q = observed.length;
  const out: PreparedComponent[] = [];
  for (let c = 0; c < model.weights.length; c++) {
    const mean = Float64Array.from(observed, (j) => model.means[c * d + j]);
    const cov = new Float64Array(q * q);
    for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) cov[a * q + b] = model.covariances[c * d * d + observed[a] * d + observed[b]];
    const l = choleskyFactor(cov, q);
    if (!l) throw new FusionError('a mixture component has a covariance that is not positive definite');
    let logDet = 0;
    for (let a = 0; a < q; a++) logDet += 2 * Math.log(l[a * q + a]);
    const constant = -0.5 * (q * LOG_2PI + logDet);
    const z = new Float64Array(q);
    out.push({
      logWeight: Math.log(model.weights[c]),
      logDensity(row) {
        // Solve L z = (x - mean) by forward substitution; the Mahalanobis term is |z|^2.
        let m2 = 0;
        for (let a = 0; a < q; a++) {
          let s = row[observed[a]] - mean[a];
          for (let b = 0; b < a; b++) s -= l[a * q + b] * z[b];
          z[a] = s / l[a * q + a];
          m2 += z[a] * z[a];
        }
        return constant - 0.5 * m2;
      },
    });
  }
  return out;
}

/** log p(x) of a row under prepared components. */
export function mixtureLogDensity(components: readonly PreparedComponent[], row: ArrayLike<number>): number {
  let max = Number.NEGATIVE_INFINITY;
  const lp = components.map((c) => c.logWeight + c.logDensity(row));
  for (const v of lp) if (v > max) max = v;
  if (max === Number.NEGATIVE_INFINITY) return max;
  let s = 0;
  for (const v of lp) s += Math.exp(v - max);
  return max + Math.log(s);
}

/** Cholesky factors of K covariances and each component's log normalising constant. */
function choleskyFactors(covariances: Float64Array, k: number, d: number): { l: Float64Array; constant: Float64Array } {
  const l = new Float64Array(k * d * d);
  const constant = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const f = choleskyFactor(covariances.subarray(c * d * d, (c + 1) * d * d), d);
    if (!f) throw new FusionError('a mixture component has a covariance that is not positive definite');
    l.set(f, c * d * d);
    let logDet = 0;
    for (let a = 0; a < d; a++) logDet += 2 * Math.log(f[a * d + a]);
    constant[c] = -0.5 * (d * LOG_2PI + logDet);
  }
  return { l, constant };
}

function kMeansPlusPlus(x: Float64Array, d: number, k: number, next: () => number): Float64Array {
  const n = x.length / d;
  const centres = new Float64Array(k * d);
  const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let pick = Math.floor(next() * n);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) centres[c * d + j] = x[pick * d + j];
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j] - centres[c * d + j]) ** 2;
      if (s < dist[i]) dist[i] = s;
      total += dist[i];
    }
    if (total === 0) break;
    let target = next() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= dist[i];
      if (target <= 0) {
        pick = i;
        break;
      }
    }
  }
  return centres;
}
