import type { ErrorRateCurve } from './error-rate-curve';

/**
 * Area under the ROC curve: the probability that a genuine comparison scores above an impostor
 * one, ties counting one half (Mann-Whitney). Comparisons that could not be made rank below
 * every score, tied with each other.
 */
export function rocAuc(curve: ErrorRateCurve): number {
  const { fmr, fnmr } = curve;
  // Trapezoids over the ROC (x = FMR, y = 1 - FNMR) from (0, 0) through the operating points,
  // from the strictest threshold to the most lenient, and on to (1, 1), where failures are accepted too.
  let area = 0;
  let px = 0;
  let py = 0;
  for (let k = fmr.length - 1; k >= 0; k--) {
    const x = fmr[k];
    const y = 1 - fnmr[k];
    area += (x - px) * (y + py) * 0.5;
    px = x;
    py = y;
  }
  area += (1 - px) * (1 + py) * 0.5;
  return area;
}
