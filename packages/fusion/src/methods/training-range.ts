import { FusionError } from '../errors';
import { storedNumbers } from './stored-fusion';

/**
 * Per modality, the lowest and highest (normalised) score a density model was fitted on.
 *
 * Why density-ratio fusion needs it: outside the data a fitted density is only its Gaussian
 * tails, and the log ratio of two Gaussians with different spreads is a quadratic that turns
 * around. Broad genuine scores made a pair of scores far below every impostor a strong accept
 * (+240 against +61 for a typical genuine pair); broad impostor scores made a score far above
 * every genuine one a strong reject. Clamping each input into the range seen in training keeps
 * the likelihood ratio constant beyond the data, at the value of its last observed score, which
 * is as far as the data supports it (the densities of Nandakumar et al. 2008 are estimated on
 * the observed scores). The range is not widened: any margin is extrapolation again, and where
 * the quadratic turns within it the defect would come back.
 */
export interface TrainingRange {
  readonly low: readonly number[];
  readonly high: readonly number[];
}

/** The range of every column over the rows of the row-major matrices together. */
export function trainingRange(matrices: readonly Float64Array[], m: number): TrainingRange {
  const low = new Array<number>(m).fill(Number.POSITIVE_INFINITY);
  const high = new Array<number>(m).fill(Number.NEGATIVE_INFINITY);
  for (const x of matrices) {
    for (let k = 0; k < x.length; k++) {
      const j = k % m;
      if (x[k] < low[j]) low[j] = x[k];
      if (x[k] > high[j]) high[j] = x[k];
    }
  }
  return { low, high };
}

/** `x` moved into modality j's range; NaN (a missing score) stays NaN. */
export function clampToRange(range: TrainingRange, j: number, x: number): number {
  return x < range.low[j] ? range.low[j] : x > range.high[j] ? range.high[j] : x;
}

/**
 * A stored range for `modalities`. One stored before the range was kept is refused, not scored
 * unclamped: that would bring back the reversed tails without a word.
 */
export function storedRange(value: unknown, modalities: readonly string[], what: string): TrainingRange {
  if (value === undefined) {
    throw new FusionError(`${what}: "range" is missing (the model predates the training range that keeps its likelihood ratio monotone beyond the data): refit it`);
  }
  const r = (typeof value === 'object' && value !== null ? value : {}) as { low?: unknown; high?: unknown };
  const low = storedNumbers(r.low, modalities.length, 'range.low', what, 'location');
  const high = storedNumbers(r.high, modalities.length, 'range.high', what, 'location');
  modalities.forEach((name, j) => {
    if (!(low[j] < high[j])) throw new FusionError(`${what}: "range": modality ${name}'s low end (${low[j]}) is not below its high end (${high[j]})`);
  });
  return { low, high };
}
