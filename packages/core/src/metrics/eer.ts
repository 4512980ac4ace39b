import type { ErrorRateCurve } from './error-rate-curve';

export interface EqualErrorRate {
  /**
   * (FMR + FNMR) / 2 at the operating point where |FMR - FNMR| is smallest: the usual
   * definition (as in bob.measure), stable when rates move in large steps.
   */
  readonly value: number;
  /** The threshold of that operating point (accept if score >= threshold). */
  readonly threshold: number;
  /**
   * The FVC-style interval [low, high] that the EER lies in, since rates only change in steps:
   * from the bracketing operating point whose FMR + FNMR is smaller.
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
  const j = k > 0 && Math.abs(fmr[k - 1] - fnmr[k - 1]) <= Math.abs(fmr[k] - fnmr[k]) ? k - 1 : k;
  const before = Math.max(k - 1, 0);
  const interval: [number, number] =
    fmr[before] + fnmr[before] <= fmr[k] + fnmr[k]
      ? [Math.min(fmr[before], fnmr[before]), Math.max(fmr[before], fnmr[before])]
      : [Math.min(fmr[k], fnmr[k]), Math.max(fmr[k], fnmr[k])];
  return { value: (fmr[j] + fnmr[j]) / 2, threshold: thresholds[j], interval };
}
