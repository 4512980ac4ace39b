import { ConfigError } from '../errors';
import { seededRandom } from '../random';
import { equalErrorRate } from './eer';
import { errorRateCurve } from './error-rate-curve';
import { scoreSet } from './score-set';

/**
 * One comparison of a sample of subject `a` with one of subject `b`: genuine when a === b,
 * unless `genuine` says otherwise (a skilled forgery of subject s is { a: s, b: s, genuine: false }).
 */
export interface SubjectComparison {
  readonly a: number | string;
  readonly b: number | string;
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
  const ids = new Map<number | string, number>();
  const a = new Int32Array(comparisons.length);
  const b = new Int32Array(comparisons.length);
  const isGenuine = new Uint8Array(comparisons.length);
  comparisons.forEach((c, k) => {
    if (!ids.has(c.a)) ids.set(c.a, ids.size);
    if (!ids.has(c.b)) ids.set(c.b, ids.size);
    a[k] = ids.get(c.a)!;
    b[k] = ids.get(c.b)!;
    isGenuine[k] = (c.genuine ?? c.a === c.b) ? 1 : 0;
  });
  const eerOf = (weight: (k: number) => number): number | undefined => {
    const genuine: number[] = [];
    const impostor: number[] = [];
    for (let k = 0; k < comparisons.length; k++) {
      const w = weight(k);
      const into = isGenuine[k] ? genuine : impostor;
      for (let r = 0; r < w; r++) into.push(comparisons[k].score);
    }
    if (genuine.length === 0 || impostor.length === 0) return undefined;
    return equalErrorRate(errorRateCurve(scoreSet({ genuine, impostor }))).value;
  };
  const estimate = eerOf(() => 1);
  if (estimate === undefined) throw new ConfigError('bootstrapEer needs genuine and impostor comparisons');

  const random = seededRandom(opts.seed);
  const subjects = ids.size;
  const draws = new Int32Array(subjects);
  const eers: number[] = [];
  // A draw of one subject only has no impostors; such draws are redrawn (rare past a few subjects).
  for (let attempt = 0; eers.length < resamples && attempt < 10 * resamples; attempt++) {
    draws.fill(0);
    for (let s = 0; s < subjects; s++) draws[random.int(subjects)]++;
    const eer = eerOf((k) => (a[k] === b[k] ? draws[a[k]] : draws[a[k]] * draws[b[k]]));
    if (eer !== undefined) eers.push(eer);
  }
  if (eers.length < resamples) throw new ConfigError('bootstrapEer: too few subjects with both genuine and impostor comparisons');
  eers.sort((x, y) => x - y);
  const tail = (1 - level) / 2;
  const at = (q: number) => eers[Math.min(eers.length - 1, Math.max(0, Math.round(q * (eers.length - 1))))];
  return { estimate, low: at(tail), high: at(1 - tail), level, resamples };
}
