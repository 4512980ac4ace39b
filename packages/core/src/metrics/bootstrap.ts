import { byCodeUnits } from '../code-unit-order';
import { ConfigError } from '../errors';
import { argsortDecreasing } from '../math/argsort';
import { checkSeed, seededRandom } from '../random';
import { closerToEqual } from './eer';

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
  /** A whole number in [0, 2^32 - 1] (1.9 and 2^32 + 1 drew seed 1's numbers). */
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
 * with two subjects once per draw of the pair. With few subjects (an FVC B set has ten
 * fingers) the interval is wide, which is the point: it says how far apart two EERs must be
 * before the data can tell them apart. Subjects are numbered in the order of their ids (numbers,
 * then strings) before they are drawn, so the interval does not depend on the input order.
 */
export function bootstrapEer(comparisons: readonly SubjectComparison[], opts: BootstrapOptions): BootstrapInterval {
  const resamples = opts.resamples ?? 1000;
  const level = opts.level ?? 0.95;
  if (!(Number.isInteger(resamples) && resamples >= 10)) throw new ConfigError(`bootstrapEer: resamples must be an integer >= 10, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new ConfigError(`bootstrapEer: level must lie in (0, 1), got ${level}`);
  checkSeed(opts.seed, 'bootstrapEer: seed');
  const data = prepare(comparisons);
  // Every subject drawn once: the comparisons as given.
  const estimate = weightedEer(data, new Float64Array(data.subjects).fill(1));
  if (estimate === undefined) throw new ConfigError('bootstrapEer needs genuine and impostor comparisons');

  const random = seededRandom(opts.seed);
  const draws = new Float64Array(data.subjects);
  const eers: number[] = [];
  // A draw of one subject only has no impostors; such draws are redrawn (rare past a few subjects).
  for (let attempt = 0; eers.length < resamples && attempt < 10 * resamples; attempt++) {
    draws.fill(0);
    for (let s = 0; s < data.subjects; s++) draws[random.int(data.subjects)]++;
    const eer = weightedEer(data, draws);
    if (eer !== undefined) eers.push(eer);
  }
  if (eers.length < resamples) throw new ConfigError('bootstrapEer: too few subjects with both genuine and impostor comparisons');
  eers.sort((x, y) => x - y);
  const tail = (1 - level) / 2;
  const at = (q: number) => eers[Math.min(eers.length - 1, Math.max(0, Math.round(q * (eers.length - 1))))];
  return { estimate, low: at(tail), high: at(1 - tail), level, resamples };
}

/** The comparisons laid out once for every resample. */
interface Prepared {
  readonly subjects: number;
  /** The scored comparisons in decreasing order of score, with their class and subjects. */
  readonly score: Float64Array;
  readonly genuine: Uint8Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  /** Per distinct subject pair: how many genuine comparisons were scored and failed, and how many impostor ones (either way). */
  readonly pairA: Int32Array;
  readonly pairB: Int32Array;
  readonly genuineScored: Float64Array;
  readonly genuineFailed: Float64Array;
  readonly impostor: Float64Array;
}

function prepare(comparisons: readonly SubjectComparison[]): Prepared {
  const n = comparisons.length;
  const ids = new Map<number | string, number>();
  const id = (x: number | string) => {
    let v = ids.get(x);
    if (v === undefined) ids.set(x, (v = ids.size));
    return v;
  };
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const genuine = new Uint8Array(n);
  const score = new Float64Array(n);
  let scoredCount = 0;
  for (let k = 0; k < n; k++) {
    const c = comparisons[k];
    a[k] = id(c.a);
    b[k] = id(c.b);
    genuine[k] = (c.genuine ?? c.a === c.b) ? 1 : 0;
    score[k] = c.score;
    if (!Number.isNaN(c.score)) scoredCount++;
  }
  // Subjects numbered in the order of their ids, not of first appearance: draw i picks the same
  // subject however the comparisons are listed, so the interval does not depend on input order.
  const subjects = ids.size;
  // NaN equals no id in a sort either: the order, and with it the interval, would follow the input again.
  if (ids.has(Number.NaN)) throw new ConfigError('bootstrapEer: a subject id is NaN');
  const rank = new Int32Array(subjects);
  [...ids.keys()].sort(compareIds).forEach((key, r) => (rank[ids.get(key) as number] = r));
  for (let k = 0; k < n; k++) {
    a[k] = rank[a[k]];
    b[k] = rank[b[k]];
  }

  // Distinct subject pairs under a numeric key, grouped by one typed sort (a string key per
  // comparison in a Map took most of the time).
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = a[k] * subjects + b[k];
  const byKey = argsortDecreasing(keys);
  const pairOf = new Int32Array(n);
  let pairCount = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0 && keys[byKey[i]] !== keys[byKey[i - 1]]) pairCount++;
    pairOf[byKey[i]] = pairCount;
  }
  if (n > 0) pairCount++;
  const pairA = new Int32Array(pairCount);
  const pairB = new Int32Array(pairCount);
  const genuineScored = new Float64Array(pairCount);
  const genuineFailed = new Float64Array(pairCount);
  const impostor = new Float64Array(pairCount);
  for (let k = 0; k < n; k++) {
    const p = pairOf[k];
    pairA[p] = a[k];
    pairB[p] = b[k];
    if (!genuine[k]) impostor[p]++;
    else if (Number.isNaN(score[k])) genuineFailed[p]++;
    else genuineScored[p]++;
  }

  // The scored comparisons in decreasing order of score (equal scores in input order).
  const scoredAt = new Uint32Array(scoredCount);
  const scoredValues = new Float64Array(scoredCount);
  for (let k = 0, m = 0; k < n; k++) {
    if (Number.isNaN(score[k])) continue;
    scoredAt[m] = k;
    scoredValues[m++] = score[k];
  }
  const order = argsortDecreasing(scoredValues);
  const out = {
    subjects,
    score: new Float64Array(scoredCount),
    genuine: new Uint8Array(scoredCount),
    a: new Int32Array(scoredCount),
    b: new Int32Array(scoredCount),
    pairA,
    pairB,
    genuineScored,
    genuineFailed,
    impostor,
  };
  for (let i = 0; i < scoredCount; i++) {
    const k = scoredAt[order[i]];
    out.score[i] = score[k];
    out.genuine[i] = genuine[k];
    out.a[i] = a[k];
    out.b[i] = b[k];
  }
  return out;
}

/** Numbers (in numeric order) before strings (in code-unit order, the same in every locale). */
function compareIds(x: number | string, y: number | string): number {
  if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
  return typeof x === 'number' ? x - (y as number) : byCodeUnits(x, y as string);
}

/**
 * The EER with each comparison counted once per draw of each subject it involves, exactly as
 * equalErrorRate(errorRateCurve(...)) computes it for the comparisons repeated that many times:
 * operating points at each score present (accept at or above it) and at +Infinity; a failure is
 * a non-match in its class's denominator; the first point where FNMR reaches FMR, or the one
 * before it, whichever is closer to equal. FNMR - FMR only grows with the threshold, so the scan
 * starts at the top and stops just below the crossing: near the EER few impostors lie above it.
 */
function weightedEer(d: Prepared, draws: Float64Array): number | undefined {
  const w = (a: number, b: number) => (a === b ? draws[a] : draws[a] * draws[b]);
  let genuineScored = 0;
  let genuineFailed = 0;
  let impostorTotal = 0;
  for (let p = 0; p < d.pairA.length; p++) {
    const weight = w(d.pairA[p], d.pairB[p]);
    if (weight === 0) continue;
    genuineScored += weight * d.genuineScored[p];
    genuineFailed += weight * d.genuineFailed[p];
    impostorTotal += weight * d.impostor[p];
  }
  const genuineTotal = genuineScored + genuineFailed;
  if (genuineTotal === 0 || impostorTotal === 0) return undefined;
  // Rates at the threshold with `genuineAbove` and `impostorAbove` accepted.
  let genuineAbove = 0;
  let impostorAbove = 0;
  const fmr = () => impostorAbove / impostorTotal;
  const fnmr = () => (genuineFailed + genuineScored - genuineAbove) / genuineTotal;
  // The point above the one being looked at (a higher threshold), once there is one.
  let upperFmr = Number.NaN;
  let upperFnmr = Number.NaN;
  const n = d.score.length;
  let q = 0;
  if (n === 0 || d.score[0] !== Number.POSITIVE_INFINITY) {
    // The +Infinity point, where only +Infinity scores would be accepted: none are.
    upperFmr = 0;
    upperFnmr = fnmr();
  }
  let noCrossing = false;
  while (q < n) {
    const t = d.score[q];
    let mass = 0;
    for (; q < n && d.score[q] === t; q++) {
      const weight = w(d.a[q], d.b[q]);
      if (d.genuine[q]) genuineAbove += weight;
      else impostorAbove += weight;
      mass += weight;
    }
    if (mass === 0) continue; // a score no drawn subject brought: no operating point
    const x = fmr();
    const y = fnmr();
    if (noCrossing) return closer(x, y, upperFmr, upperFnmr);
    if (y < x) {
      // The crossing is the point above; with no point above, FNMR never reaches FMR and the
      // top point is compared with this one instead.
      if (!Number.isNaN(upperFmr)) return closer(x, y, upperFmr, upperFnmr);
      noCrossing = true;
    }
    upperFmr = x;
    upperFnmr = y;
  }
  // Every point has FNMR >= FMR (or only one point): the lowest one.
  return (upperFmr + upperFnmr) / 2;
}

/** (FMR + FNMR) / 2 at whichever of the two points equalErrorRate would pick. */
function closer(lowerFmr: number, lowerFnmr: number, upperFmr: number, upperFnmr: number): number {
  return closerToEqual(lowerFmr, lowerFnmr, upperFmr, upperFnmr) ? (lowerFmr + lowerFnmr) / 2 : (upperFmr + upperFnmr) / 2;
}
