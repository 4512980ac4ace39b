import { ercShareOfIdeal, errorVersusReject, fnmrAtRejection, type VerificationReport } from '@biofuse/core';

/** The rejected shares a results table shows. */
export const ERC_REJECTED_SHARES = [0, 0.05, 0.1, 0.2] as const;
/** "Share of ideal" sums the curve up to this share rejected (as NFIQ 2's evaluation does). */
export const ERC_SUMMARY_SHARE = 0.2;
/** The curve is kept (and plotted) up to this share rejected. */
export const ERC_CURVE_SHARE = 0.5;
/** Quality is in [0, 1]: a comparison whose quality is unknown (NaN) ranks below every known one. */
const UNKNOWN_QUALITY = -1;

/** How well a system's sample quality predicts its false non-matches at one operating point. */
export interface QualityErc {
  readonly targetFmr: number;
  readonly threshold: number;
  /** FNMR after rejecting each of ERC_REJECTED_SHARES of the genuine comparisons, lowest quality first. */
  readonly fnmr: readonly number[];
  /** 0 = no better than random, 1 = perfect (ercShareOfIdeal); NaN when nothing fails. */
  readonly shareOfIdeal: number;
  /** The curve up to half rejected: share rejected and FNMR at the distinct qualities, at most one point per 0.1 % rejected. */
  readonly curve: { readonly rejected: readonly number[]; readonly fnmr: readonly number[] };
}

/**
 * Error-versus-reject curves (ISO/IEC 29794-1) of the genuine comparisons at the thresholds of
 * the report's target FMRs. A comparison without a quality (a sample that could not be
 * acquired) ranks lowest; it stays a false non-match until it is rejected.
 */
export function qualityErcs(scores: Float64Array, labels: Uint8Array, quality: Float64Array, report: VerificationReport): QualityErc[] {
  const genuineScores: number[] = [];
  const qualities: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    genuineScores.push(scores[i]);
    qualities.push(Number.isNaN(quality[i]) ? UNKNOWN_QUALITY : quality[i]);
  }
  return report.fnmrAtFmr.map(({ targetFmr, threshold }) => {
    const erc = errorVersusReject(genuineScores, qualities, threshold);
    return {
      targetFmr,
      threshold,
      fnmr: ERC_REJECTED_SHARES.map((share) => fnmrAtRejection(erc, share)),
      shareOfIdeal: ercShareOfIdeal(erc, ERC_SUMMARY_SHARE),
      curve: thinnedCurve(erc.rejected, erc.fnmr),
    };
  });
}

/**
 * Continuous qualities give a point per comparison: keep the first point, then one whenever
 * another 0.1 % has been rejected, up to half the comparisons (what the page plots; at most
 * about 500 points whatever the run's size).
 */
function thinnedCurve(rejected: Float64Array, fnmr: Float64Array): QualityErc['curve'] {
  const keptRejected: number[] = [];
  const keptFnmr: number[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < rejected.length && rejected[k] <= ERC_CURVE_SHARE; k++) {
    if (rejected[k] - last < 0.001) continue;
    keptRejected.push(rejected[k]);
    keptFnmr.push(fnmr[k]);
    last = rejected[k];
  }
  return { rejected: keptRejected, fnmr: keptFnmr };
}
