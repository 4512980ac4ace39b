import { ConfigError } from '../errors';
import { seededRandom } from '../random';

/**
 * One comparison of a sample of subject `a` with one of subject `b`: genuine when a === b,
 * unless `genuine` says otherwise (a skilled forgery of subject s is { a: s, b: s, genuine: false }).
 */
export interface SubjectComparison {
  readonly a: number | string;
  readonly b: number | string;
  /** NaN where the comparison could not be made: a failure of its class, as in scoreSetFromLabelled. */
  readonly score: number;
  readonly genuine?: boolean;
}

export interface BootstrapOptions {
  readonly seed: number;
  /** Resampled sets of subjects (default 1,000). */
  readonly resamples?: number;
  /** Coverage of the interval (default 0.95). */
  readonly level?: number;
}

export interface BootstrapInterval {
  /** The EER of the comparisons as given. */
  readonly estimate: number;
  /** Percentile interval of the resampled EERs. */
  readonly low: number;
  readonly high: number;
  readonly level: number;
  readonly resamples: number;
}

/**
 * Confidence interval of the EER by the subsets bootstrap (Bolle, Ratha & Pankanti 2004): the
 * comparisons of one subject are not independent of each other, so it is the subjects that are
 * drawn with replacement. A comparison counts once per draw of each subject it involves: a
 * genuine one (or a forgery of its subject) once per draw of that subject, an impostor one
 * with two subjects once per draw of the pair. With few subjects (an
 * FVC B set has ten fingers) the interval is wide, which is the point: it says how far apart
 * two EERs must be before the data can tell them apart.
 */
export function bootstrapEer(comparisons: readonly SubjectComparison[], opts: BootstrapOptions): BootstrapInterval {
  const resamples = opts.resamples ?? 1000;
  const level = opts.level ?? 0.95;
  if (!(Number.isInteger(resamples) && resamples >= 10)) throw new ConfigError(`bootstrapEer: resamples must be an integer >= 10, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new ConfigError(`bootstrapEer: level must lie in (0, 1), got ${level}`);
  const n = comparisons.length;
  const ids = new Map<number | string, number>();
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const isGenuine = new Uint8Array(n);
  const scores = new Float64Array(n);
  comparisons.forEach((c, k) => {
    if (!ids.has(c.a)) ids.set(c.a, ids.size);
    if (!ids.has(c.b)) ids.set(c.b, ids.size);
    a[k] = ids.get(c.a)!;
    b[k] = ids.get(c.b)!;
    isGenuine[k] = (c.genuine ?? c.a === c.b) ? 1 : 0;
    scores[k] = c.score;
  });
  // One sort; every resample only reweighs. NaN marks a comparison that could not be made.
  const order = Int32Array.from({ length: n }, (_, k) => k).filter((k) => !Number.isNaN(scores[k]));
  order.sort((x, y) => scores[x] - scores[y]);
  const failed = Int32Array.from({ length: n }, (_, k) => k).filter((k) => Number.isNaN(scores[k]));
  const weight = new Float64Array(n);
  const estimate = weightedEer(weight.fill(1), order, failed, scores, isGenuine);
  if (estimate === undefined) throw new ConfigError('bootstrapEer needs genuine and impostor comparisons');

  const random = seededRandom(opts.seed);
  const subjects = ids.size;
  const draws = new Int32Array(subjects);
  const eers: number[] = [];
  // A draw of one subject only has no impostors; such draws are redrawn (rare past a few subjects).
  for (let attempt = 0; eers.length < resamples && attempt < 10 * resamples; attempt++) {
    draws.fill(0);
    for (let s = 0; s < subjects; s++) draws[random.int(subjects)]++;
    for (let k = 0; k < n; k++) weight[k] = a[k] === b[k] ? draws[a[k]] : draws[a[k]] * draws[b[k]];
    const eer = weightedEer(weight, order, failed, scores, isGenuine);
    if (eer !== undefined) eers.push(eer);
  }
  if (eers.length < resamples) throw new ConfigError('bootstrapEer: too few subjects with both genuine and impostor comparisons');
  eers.sort((x, y) => x - y);
  const tail = (1 - level) / 2;
  const at = (q: number) => eers[Math.min(eers.length - 1, Math.max(0, Math.round(q * (eers.length - 1))))];
  return { estimate, low: at(tail), high: at(1 - tail), level, resamples };
}

/**
 * The EER of weighted comparisons, as equalErrorRate(errorRateCurve(...)) computes it for the
 * comparisons repeated by their weights: operating points at each score present (accept at or
 * above it) and at +Infinity; a failure counts as a non-match in its class's denominator; the
 * point where FNMR first reaches FMR or the one before it, whichever is closer to equal.
 */
function weightedEer(weight: Float64Array, order: Int32Array, failed: Int32Array, scores: Float64Array, isGenuine: Uint8Array): number | undefined {
  let genuineTotal = 0;
  let impostorTotal = 0;
  let genuineFailed = 0;
  for (const k of failed) {
    if (isGenuine[k]) genuineFailed += weight[k];
    else impostorTotal += weight[k];
  }
  genuineTotal = genuineFailed;
  let impostorScored = 0;
  for (const k of order) {
    if (isGenuine[k]) genuineTotal += weight[k];
    else impostorScored += weight[k];
  }
  impostorTotal += impostorScored;
  if (genuineTotal === 0 || impostorTotal === 0) return undefined;
  let genuineBelow = 0;
  let impostorBelow = 0;
  let beforeFmr = Number.NaN;
  let beforeFnmr = Number.NaN;
  let prevFmr = Number.NaN;
  let prevFnmr = Number.NaN;
  let lastThreshold = Number.NaN;
  const settle = (fmr: number, fnmr: number): number | undefined => {
    if (fnmr < fmr) {
      beforeFmr = prevFmr;
      beforeFnmr = prevFnmr;
      prevFmr = fmr;
      prevFnmr = fnmr;
      return undefined;
    }
    if (!Number.isNaN(prevFmr) && Math.abs(prevFmr - prevFnmr) <= Math.abs(fmr - fnmr)) return (prevFmr + prevFnmr) / 2;
    return (fmr + fnmr) / 2;
  };
  for (let q = 0; q < order.length; ) {
    const t = scores[order[q]];
    let mass = 0;
    for (let r = q; r < order.length && scores[order[r]] === t; r++) mass += weight[order[r]];
    if (mass > 0) {
      lastThreshold = t;
      const eer = settle((impostorScored - impostorBelow) / impostorTotal, (genuineFailed + genuineBelow) / genuineTotal);
      if (eer !== undefined) return eer;
    }
    for (; q < order.length && scores[order[q]] === t; q++) {
      if (isGenuine[order[q]]) genuineBelow += weight[order[q]];
      else impostorBelow += weight[order[q]];
    }
  }
  if (lastThreshold !== Number.POSITIVE_INFINITY) {
    const eer = settle((impostorScored - impostorBelow) / impostorTotal, (genuineFailed + genuineBelow) / genuineTotal);
    if (eer !== undefined) return eer;
  }
  // FNMR never reaches FMR (only +Infinity impostor scores): the last point or the one before, as equalErrorRate takes it.
  if (!Number.isNaN(beforeFmr) && Math.abs(beforeFmr - beforeFnmr) <= Math.abs(prevFmr - prevFnmr)) return (beforeFmr + beforeFnmr) / 2;
  return (prevFmr + prevFnmr) / 2;
}
