import type { ErrorRateCurve } from './error-rate-curve';

export interface EqualErrorRate {
  /**
   * (FMR + FNMR) / 2 at the operating point where |FMR - FNMR| is smallest (of two equally
   * close, the one with the smaller FMR + FNMR): the usual definition (as in bob.measure), the
   * one the BSSR1 reference figures use.
   */
  readonly value: number;
  /** The threshold of that operating point (accept if score >= threshold). */
  readonly threshold: number;
  /**
   * The FVC interval [low, high] (Maio et al., FVC2000): the rates of whichever of the two
   * operating points around the crossing has the smaller FMR + FNMR. FVC reports its midpoint
   * as the EER. Where the rates move in large steps (a few dozen impostors) that point can
   * differ from `value`'s, and `value` can then lie outside this interval.
   */
  readonly interval: readonly [number, number];
}

/** Equal error rate: where the FMR and FNMR curves cross. */
export function equalErrorRate(curve: ErrorRateCurve): EqualErrorRate {
  const { fmr, fnmr, thresholds } = curve;
  const last = fmr.length - 1;
  // FMR falls and FNMR rises with the index: the crossing is at the first point with FNMR >= FMR.
  let lo = 0;
  let hi = last;
  if (fnmr[last] < fmr[last]) lo = hi = last; // only +Infinity impostor scores: no crossing
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (fnmr[mid] >= fmr[mid]) hi = mid;
    else lo = mid + 1;
  }
  const k = lo;
  const j = k > 0 && closerToEqual(fmr[k - 1], fnmr[k - 1], fmr[k], fnmr[k]) ? k - 1 : k;
  // FVC's t1 is the last threshold with FNMR <= FMR: the crossing point itself where the rates are equal there.
  const before = fnmr[k] === fmr[k] ? k : Math.max(k - 1, 0);
  const interval: [number, number] =
    fmr[before] + fnmr[before] <= fmr[k] + fnmr[k]
      ? [Math.min(fmr[before], fnmr[before]), Math.max(fmr[before], fnmr[before])]
      : [Math.min(fmr[k], fnmr[k]), Math.max(fmr[k], fnmr[k])];
  return { value: (fmr[j] + fnmr[j]) / 2, threshold: thresholds[j], interval };
}

/**
 * Whether operating point (fmrA, fnmrA) is at least as close to equal rates as (fmrB, fnmrB);
 * on a tie, the one with fewer errors in all. Shared with bootstrapEer, which must pick the
 * same point.
 */
export function closerToEqual(fmrA: number, fnmrA: number, fmrB: number, fnmrB: number): boolean {
  const a = Math.abs(fmrA - fnmrA);
  const b = Math.abs(fmrB - fnmrB);
  // Rates are ratios of counts: 2/3 - 1/2 and 1/2 - 1/3 differ in the last bit only.
  if (Math.abs(a - b) > 1e-12) return a < b;
  return fmrA + fnmrA <= fmrB + fnmrB;
}
