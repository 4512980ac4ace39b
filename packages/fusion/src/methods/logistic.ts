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
 * `nonNegative` keeps every weight >= 0 (the bias is free): the log-odds then never falls as a
 * feature rises.
 */
export function fitLogistic(x: Float64Array, y: Uint8Array, d: number, opts: { l2?: number; maxIterations?: number; nonNegative?: boolean } = {}): LogisticModel {
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

  const { mu, sd } = featureSpread(x, d);
  const constant = sd.findIndex((v) => !(v > 0));
  if (constant >= 0) throw new FusionError(`logistic regression: feature ${constant} is constant in the training rows`);

  const p = d + 1; // weights then bias, on standardised features
  const z = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) z[i * p + j] = (x[i * d + j] - mu[j]) / sd[j];
    z[i * p + d] = 1;
  }
  const problem: Problem = { z, y, p, d, l2, maxIterations };
  const start = new Float64Array(p);
  start[d] = Math.log(positives / (n - positives));
  let beta = maximise(problem, start, new Uint8Array(d));
  // The unconstrained optimum, where its weights are all >= 0, is the constrained one as well.
  if (opts.nonNegative && beta.subarray(0, d).some((b) => b < 0)) beta = maximiseNonNegative(problem, start);
  // Standardising divides by sd > 0, so a weight keeps its sign in the caller's units.
  const weights = new Float64Array(d);
  let bias = beta[d];
  for (let j = 0; j < d; j++) {
    weights[j] = beta[j] / sd[j];
    bias -= (beta[j] * mu[j]) / sd[j];
  }
  return { weights, bias };
}

/**
 * Each feature's mean and standard deviation over the rows of `x` (row-major, d columns): what
 * fitLogistic standardises by. A feature whose deviation is not above 0 cannot be fitted.
 */
export function featureSpread(x: Float64Array, d: number): { readonly mu: Float64Array; readonly sd: Float64Array } {
  const n = x.length / d;
  const mu = new Float64Array(d);
  const sd = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += x[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sd[j] += (x[i * d + j] - mu[j]) ** 2 / n;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]);
  return { mu, sd };
}

/** Standardised rows (each ending in the bias's 1), labels, and the penalty on the first d of the p coefficients. */
interface Problem {
  readonly z: Float64Array;
  readonly y: Uint8Array;
  readonly p: number;
  readonly d: number;
  readonly l2: number;
  readonly maxIterations: number;
}

/**
 * Newton's method on the penalised log-likelihood from `start`, with the weights marked in
 * `fixed` held where `start` has them.
 */
function maximise(problem: Problem, start: Float64Array, fixed: Uint8Array): Float64Array {
  const { z, y, p, d, l2 } = problem;
  let beta = start;
  let objective = penalisedLogLikelihood(z, y, beta, p, d, l2);
  const grad = new Float64Array(p);
  const hess = new Float64Array(p * p);
  for (let iter = 0; iter < problem.maxIterations; iter++) {
    derivatives(problem, beta, grad, hess);
    // A held weight's row and column of the Hessian become the identity's, its gradient 0: its step is 0.
    for (let a = 0; a < d; a++) {
      if (!fixed[a]) continue;
      grad[a] = 0;
      for (let b = 0; b < p; b++) hess[a * p + b] = hess[b * p + a] = 0;
      hess[a * p + a] = 1;
    }
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
  return beta;
}

/** The gradient and (symmetric) Hessian of the penalised log-likelihood at `beta`, written into `grad` and `hess`. */
function derivatives(problem: Problem, beta: Float64Array, grad: Float64Array, hess: Float64Array): void {
  const { z, y, p, d, l2 } = problem;
  grad.fill(0);
  hess.fill(0);
  for (let i = 0; i < y.length; i++) {
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
}

/**
 * The optimum with every weight >= 0, by Lawson & Hanson's active-set method with Newton on
 * each face: all weights start held at 0; the held weight whose gradient rises most is freed;
 * where a face's optimum has a negative weight, the fit stops at the last feasible point on the
 * way there and holds that weight at 0 again. Each move raises the (concave) objective.
 */
function maximiseNonNegative(problem: Problem, start: Float64Array): Float64Array {
  const { p, d } = problem;
  const fixed = new Uint8Array(d).fill(1);
  let beta = maximise(problem, start, fixed);
  const grad = new Float64Array(p);
  const hess = new Float64Array(p * p);
  // A rise this small is rounding in the sum over rows, not a reason to free a weight.
  const tolerance = 1e-8 * problem.y.length;
  // A cap: each round frees one weight, and a weight is cut back only after another is freed.
  for (let round = 0; round < 4 * d; round++) {
    derivatives(problem, beta, grad, hess);
    let enter = -1;
    for (let a = 0; a < d; a++) if (fixed[a] && grad[a] > tolerance && (enter < 0 || grad[a] > grad[enter])) enter = a;
    if (enter < 0) break;
    fixed[enter] = 0;
    for (let cuts = 0; cuts <= d; cuts++) {
      const face = maximise(problem, beta, fixed);
      let alpha = 1;
      let hit = -1;
      for (let a = 0; a < d; a++) {
        if (fixed[a] || face[a] >= 0) continue;
        const reach = beta[a] / (beta[a] - face[a]);
        if (reach < alpha) {
          alpha = reach;
          hit = a;
        }
      }
      beta = Float64Array.from(beta, (b, a) => b + alpha * (face[a] - b));
      if (hit < 0) break;
      beta[hit] = 0;
      fixed[hit] = 1;
      // The weight just freed is pushed straight back: the optimum holds it at 0 up to rounding.
      if (hit === enter && alpha === 0) return beta;
    }
  }
  return beta;
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
