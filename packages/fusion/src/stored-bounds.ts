import { MAX_SCORE_MAGNITUDE } from './multi-scores';

/**
 * What each kind of number a fitted model stores may be, in one place. Each range is what a fit
 * on scores within ±MAX_SCORE_MAGNITUDE (M = 1e100, checkScore) produces, so that a fitted model
 * always loads again (toJSON, then its fromJSON) and a stored value outside its range is damage,
 * not a model. Within them, ordinary scores fuse to finite numbers. One bound (M) for every
 * field refused fitted covariances (score², up to M²) and feature scales (1 / sd, up to 4.5e161),
 * and none held spreads: a stored z-score sd of 1e-300 turned scores into Infinity.
 *
 * The loaders name the kind of each field: storedNumbers (stored-fusion.ts) for the methods'
 * fields, normaliserFromParams (normalisers.ts) for the normalisers' parameters.
 */
export type StoredKind = 'location' | 'spread' | 'coefficient' | 'weight' | 'covariance';

/**
 * The smallest spread a normaliser divides by: the standard deviation of the smallest positive
 * variance, sqrt(Number.MIN_VALUE) ≈ 2.2e-162. A standard deviation of scores is 0 (constant:
 * refused) or at least this, and (score - location) / spread stays within 3M / MIN_SPREAD ≈
 * 1.3e262, finite. Spreads that are differences of scores (a min-max span, a MAD, a double-sigmoid
 * width) can be smaller: their fits refuse those, or fall back, as they do for 0.
 */
export const MIN_SPREAD = Math.sqrt(Number.MIN_VALUE);

interface StoredBound {
  /** The least value, where the kind is positive (spreads); otherwise -most. */
  readonly least?: number;
  readonly most: number;
  /** The kind, plural, for messages. */
  readonly name: string;
}

const M = MAX_SCORE_MAGNITUDE;

export const STORED_BOUNDS: Readonly<Record<StoredKind, StoredBound>> = {
  /**
   * Scores and statistics in score units: min-max's min and max, z-score's mean, the median,
   * tanh's location, the double sigmoid's threshold t, the log offset (1 - min), decision
   * thresholds (or ±Infinity), likelihood-ratio range ends and mixture means (normalised scores,
   * which that fit keeps within ±M), feature-fusion and projection means (feature fusion takes
   * values within ±M). Within ±M but for rounding (a mean of scores at M, a decision threshold
   * just above one, pass it by an ulp or so): ±2M. Differences from scores stay within 3M, whose
   * squares are finite.
   */
  location: { most: 2 * M, name: 'locations' },
  /**
   * What a normaliser divides (score - location) by: z-score's sd, the MAD, min-max's span
   * (max - min, checked as one), tanh's scale, the double sigmoid's widths. At most a difference
   * of two locations, at least MIN_SPREAD.
   */
  spread: { least: MIN_SPREAD, most: 4 * M, name: 'spreads' },
  /**
   * Terms of a linear map of scores: logistic weights and bias, the llr normaliser's slope and
   * offset, feature-fusion scales (1 / sd) and projection weights. A fitted weight is a
   * standardised one over an sd, at most 1 / MIN_SPREAD ≈ 4.5e161 per unit; a fitted bias is a
   * log-odds less each weight times its mean, and a mean lies within 2^52 √n sds of 0 (the
   * precision of a double). ±M² leaves room for both, and a coefficient times a location stays
   * within 2e300: finite, and a dozen of them summed too.
   */
  coefficient: { most: M * M, name: 'coefficients' },
  /**
   * Relative weights: rule fusion's, user-weighted fusion's, a mixture's. Fitted ones sum to 1;
   * configured rule weights are refused above M as well (checkedWeights), so that a few of them
   * sum finitely and a weight times a normalised score stays finite.
   */
  weight: { most: M, name: 'weights' },
  /**
   * Mixture covariances of (normalised) scores, up to M² and more: the fit adds a floor of a
   * configured share (regularization, unbounded) of the variance. Any finite value: a density
   * only divides by them, and loading checks each matrix is positive definite.
   */
  covariance: { most: Number.MAX_VALUE, name: 'covariances' },
};

/** Why finite `v` is no stored number of `kind` ("spreads lie in [2.2e-162, 4e+100]"), or undefined when it is one. */
export function storedBoundProblem(kind: StoredKind, v: number): string | undefined {
  const { least, most, name } = STORED_BOUNDS[kind];
  if (least === undefined ? Math.abs(v) <= most : v >= least && v <= most) return undefined;
  return least === undefined ? `${name} lie within ±${most}` : `${name} lie in [${least}, ${most}]`;
}
