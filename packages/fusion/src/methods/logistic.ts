import { choleskyFactor, choleskySolve } from '@biofuse/core';
import { FusionError } from '../errors';
import { checkFiniteRows } from '../statistics';
import { checkFiniteNonNegative } from './options';

/** A fitted logistic model in the units of its inputs: logit P(genuine | x) = weights . x + bias. */
export interface LogisticModel {
  readonly weights: Float64Array;
  readonly bias: number;
}

/**
 * L2-regularised logistic regression by Newton's method (IRLS). Features are standardised
 * inside, so the penalty treats every feature alike, and the weights are mapped back to the
 * caller's units. The penalty also keeps the weights finite on separable training data.
 */
export function fitLogistic(x: Float64Array, y: Uint8Array, d: number, opts: { l2?: number; maxIterations?: number } = {}): LogisticModel {
  const n = y.length;
  if (x.length !== n * d) throw new FusionError(`logistic regression: ${x.length} values for ${n} rows x ${d} features`);
  // NaN and a negative penalty were fitted all the same: "the Hessian is not positive definite", or weights that reward size.
  checkFiniteNonNegative(opts.l2, 'l2', 'logistic regression', (m) => new FusionError(m));
  checkFiniteRows(x, d, 'logistic regression');
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i];
  if (positives === 0 || positives === n) throw new FusionError('logistic regression needs both genuine and impostor training rows');
  const l2 = opts.l2 ?? 1;
  const maxIterations = opts.maxIterations ?? 100;

  const mu = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += x[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sd[j] += (x[i * d + j] - mu[j]) ** 2 / n;
  for (let j = 0; j < d; j++) {
    sd[j] = Math.sqrt(sd[j]);
    if (!(sd[j] > 0)) throw new FusionError(`logistic regression: feature ${j} is constant in the training rows`);
  }

  const p = d + 1; // weights then bias, on standardised features
  const z = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) z[i * p + j] = (x[i * d + j] - mu[j]) / sd[j];
    z[i * p + d] = 1;
  }
  let beta = new Float64Array(p);
  beta[d] = Math.log(positives / (n - positives));
  let objective = penalisedLogLikelihood(z, y, beta, p, d, l2);
  const grad = new Float64Array(p);
  const hess = new Float64Array(p * p);
  for (let iter = 0; iter < maxIterations; iter++) {
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      const zi = z.subarray(i * p, (i + 1) * p);
      let eta = 0;
      for (let a = 0; a < p; a++) eta += beta[a] * zi[a];
      const prob = 1 / (1 + Math.exp(-eta));
      const w = prob * (1 - prob);
      const r = y[i] - prob;
      for (let a = 0; a < p; a++) {
        grad[a] += r * zi[a];
        for (let b = 0; b <= a; b++) hess[a * p + b] += w * zi[a] * zi[b];
      }
    }
    for (let a = 0; a < d; a++) {
      grad[a] -= l2 * beta[a];
      hess[a * p + a] += l2;
    }
    hess[d * p + d] += 1e-9; // keeps the bias row positive definite when every probability saturates
    for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) hess[a * p + b] = hess[b * p + a];
    const step = solveSymmetric(hess, grad, p);
    // Newton steps overshoot on nearly separable data: halve the step until the objective improves.
    let scale = 1;
    let candidate = beta;
    let next = objective;
    for (let halvings = 0; halvings < 40; halvings++) {
      candidate = Float64Array.from(beta, (b, a) => b + scale * step[a]);
      next = penalisedLogLikelihood(z, y, candidate, p, d, l2);
      if (next >= objective) break;
      scale /= 2;
    }
    if (!(next >= objective)) break;
    const gain = next - objective;
    beta = candidate;
    objective = next;
    if (gain < 1e-10 * (1 + Math.abs(objective))) break;
  }
  const weights = new Float64Array(d);
  let bias = beta[d];
  for (let j = 0; j < d; j++) {
    weights[j] = beta[j] / sd[j];
    bias -= (beta[j] * mu[j]) / sd[j];
  }
  return { weights, bias };
}

/** Solves A x = b for a symmetric positive-definite A (the Newton step). */
function solveSymmetric(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = choleskyFactor(a, n);
  if (!l) throw new FusionError('logistic regression: the Hessian is not positive definite');
  return choleskySolve(l, b, n);
}

/** Log-likelihood of the labels minus the L2 penalty on the (non-bias) weights; log(1 + e^x) computed stably. */
function penalisedLogLikelihood(z: Float64Array, y: Uint8Array, beta: Float64Array, p: number, d: number, l2: number): number {
  let ll = 0;
  for (let i = 0; i < y.length; i++) {
    let eta = 0;
    for (let a = 0; a < p; a++) eta += beta[a] * z[i * p + a];
    // log P(y | eta) = y * eta - log(1 + e^eta)
    const softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
    ll += y[i] * eta - softplus;
  }
  let penalty = 0;
  for (let a = 0; a < d; a++) penalty += beta[a] * beta[a];
  return ll - 0.5 * l2 * penalty;
}
