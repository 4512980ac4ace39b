import { MetricsInputError } from '../errors';
import { checkThreshold } from './check-threshold';

/**
 * The error-versus-reject characteristic (ERC) of a quality measure (ISO/IEC 29794-1; Grother and
 * Tabassi, 2007): at a fixed decision threshold, how the false non-match rate of the genuine
 * comparisons falls as the comparisons of lowest quality are rejected. A quality score that
 * predicts recognition failures makes the curve drop quickly; one that does not leaves it flat.
 *
 * Points are the achievable ones: rejecting every comparison whose quality is below each
 * distinct quality value in turn, from rejecting nothing to keeping only the best-quality group.
 */
export interface ErrorVersusReject {
  /** Accept when score >= threshold. */
  readonly threshold: number;
  /** Genuine comparisons, failures included. */
  readonly comparisons: number;
  /** Per point: comparisons with quality below this value are rejected. */
  readonly qualityCutoffs: Float64Array;
  /** Per point: the share of the comparisons rejected. */
  readonly rejected: Float64Array;
  /** Per point: the FNMR of the comparisons kept. */
  readonly fnmr: Float64Array;
  /** Per point: rejected comparisons and false non-matches among those kept (exact counts). */
  readonly rejectedCount: Uint32Array;
  readonly falseNonMatches: Uint32Array;
}

/**
 * The ERC of genuine comparisons. `scores[i]` is the similarity of comparison i, NaN where it
 * could not be made (a false non-match at every threshold, never dropped: ISO/IEC 19795-1);
 * `qualities[i]` is its quality, higher = better (usually the lower of the two samples'). A
 * failure's quality is whatever the quality measure said of it, often its lowest value.
 */
export function errorVersusReject(scores: ArrayLike<number>, qualities: ArrayLike<number>, threshold: number): ErrorVersusReject {
  const n = scores.length;
  if (n === 0) throw new MetricsInputError('an error-versus-reject curve needs at least one genuine comparison');
  if (qualities.length !== n) throw new MetricsInputError(`scores (${n}) and qualities (${qualities.length}) differ in length`);
  checkThreshold('errorVersusReject', threshold);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(qualities[i])) throw new MetricsInputError(`quality ${qualities[i]} of comparison ${i} is not a finite number`);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => qualities[a] - qualities[b]);
  const isFalseNonMatch = (i: number) => !(scores[i] >= threshold);
  let remainingFalse = 0;
  for (let i = 0; i < n; i++) if (isFalseNonMatch(i)) remainingFalse++;

  const cutoffs: number[] = [];
  const rejectedCount: number[] = [];
  const falseNonMatches: number[] = [];
  let k = 0;
  while (k < n) {
    const q = qualities[order[k]];
    cutoffs.push(q);
    rejectedCount.push(k);
    falseNonMatches.push(remainingFalse);
    while (k < n && qualities[order[k]] === q) {
      if (isFalseNonMatch(order[k])) remainingFalse--;
      k++;
    }
  }
  const points = cutoffs.length;
  const rejected = new Float64Array(points);
  const fnmr = new Float64Array(points);
  for (let p = 0; p < points; p++) {
    rejected[p] = rejectedCount[p] / n;
    fnmr[p] = falseNonMatches[p] / (n - rejectedCount[p]);
  }
  return {
    threshold,
    comparisons: n,
    qualityCutoffs: Float64Array.from(cutoffs),
    rejected,
    fnmr,
    rejectedCount: Uint32Array.from(rejectedCount),
    falseNonMatches: Uint32Array.from(falseNonMatches),
  };
}

/**
 * The FNMR after rejecting a share of the comparisons, lowest quality first. Where the share
 * falls inside a group of equal quality, part of the group is rejected at random: the value is
 * the expected number of false non-matches kept over the number kept (exact for that number).
 */
export function fnmrAtRejection(erc: ErrorVersusReject, share: number): number {
  if (!(share >= 0 && share < 1)) throw new MetricsInputError(`rejected share must be in [0, 1), got ${share}`);
  const n = erc.comparisons;
  const reject = share * n;
  const points = erc.rejectedCount.length;
  // The last point at or before the share (binary search: points can be as many as comparisons);
  // the group after it spans to the next point (or to n).
  let lo = 0;
  let hi = points - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (erc.rejectedCount[mid] <= reject) lo = mid;
    else hi = mid - 1;
  }
  const p = lo;
  const groupStart = erc.rejectedCount[p];
  const groupEnd = p + 1 < points ? erc.rejectedCount[p + 1] : n;
  const groupFalse = erc.falseNonMatches[p] - (p + 1 < points ? erc.falseNonMatches[p + 1] : 0);
  const taken = reject - groupStart;
  const expectedFalse = erc.falseNonMatches[p] - (taken * groupFalse) / (groupEnd - groupStart);
  return expectedFalse / (n - reject);
}

/**
 * Area under the ERC from no rejection to `maxShare` (trapezoids on every comparison's step,
 * with fnmrAtRejection between points); NFIQ 2's way of ranking quality measures by one number.
 */
export function ercArea(erc: ErrorVersusReject, maxShare: number): number {
  if (!(maxShare > 0 && maxShare < 1)) throw new MetricsInputError(`rejected share must be in (0, 1), got ${maxShare}`);
  const steps = Math.max(1, Math.ceil(maxShare * erc.comparisons));
  const h = maxShare / steps;
  let area = 0;
  let previous = fnmrAtRejection(erc, 0);
  for (let s = 1; s <= steps; s++) {
    const next = fnmrAtRejection(erc, s * h);
    area += ((previous + next) / 2) * h;
    previous = next;
  }
  return area;
}

/**
 * The ERC of a perfect quality measure, one that rejects exactly the false non-matches first:
 * FNMR(r) = max(0, (F - r) / (1 - r)) for an initial FNMR F. `ercArea`'s counterpart for it is
 * the closed-form integral over [0, maxShare].
 */
export function idealErcArea(initialFnmr: number, maxShare: number): number {
  if (!(initialFnmr >= 0 && initialFnmr <= 1)) throw new MetricsInputError(`initial FNMR must be in [0, 1], got ${initialFnmr}`);
  if (!(maxShare > 0 && maxShare < 1)) throw new MetricsInputError(`rejected share must be in (0, 1), got ${maxShare}`);
  const end = Math.min(maxShare, initialFnmr);
  // (F - r) / (1 - r) = 1 - (1 - F) / (1 - r): integral r - (1 - F) ln(1/(1 - r)).
  return end + (1 - initialFnmr) * Math.log(1 - end);
}

/**
 * One number for how well a quality measure predicts failures: the share of the perfect
 * measure's gain that its ERC achieves over [0, maxShare] rejected, (flat - area) / (flat -
 * ideal) with flat = F x maxShare the area a random quality gives. 0 = no better than random,
 * 1 = perfect, negative = worse than random; NaN when nothing fails (F = 0: nothing to predict).
 * On a few comparisons it can pass 1 slightly: the ideal is integrated as a continuous curve,
 * the measured one in steps of one comparison.
 */
export function ercShareOfIdeal(erc: ErrorVersusReject, maxShare: number): number {
  const initial = erc.fnmr[0];
  if (initial === 0) return Number.NaN;
  const flat = initial * maxShare;
  return (flat - ercArea(erc, maxShare)) / (flat - idealErcArea(initial, maxShare));
}
