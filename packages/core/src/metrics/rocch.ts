import type { ErrorRateCurve } from './error-rate-curve';

/**
 * The ROC convex-hull EER (ROCCH-EER, as in the BOSARIS toolkit): the EER of the lower convex
 * hull of the (FMR, FNMR) operating points. Any point on the hull is reachable by choosing
 * between its two neighbouring thresholds at random, so this EER does not depend on how the
 * step curve is interpolated. It is never above the upper end of the FVC EER interval (the
 * hull lies on or below the curve), though the usual EER, an average of FMR and FNMR at one
 * operating point, can fall below it when the rates jump in large steps.
 */
export function rocConvexHullEer(curve: ErrorRateCurve): number {
  const { fmr, fnmr } = curve;
  const n = fmr.length;
  // Walk from the last point (lowest FMR) to the first so x = FMR ascends; keep the lower hull.
  const hx = new Float64Array(n);
  const hy = new Float64Array(n);
  let h = 0;
  for (let k = n - 1; k >= 0; k--) {
    const x = fmr[k];
    const y = fnmr[k];
    if (h > 0 && hx[h - 1] === x) {
      if (y >= hy[h - 1]) continue; // same FMR, keep the lower FNMR
      h--;
    }
    while (h >= 2 && cross(hx[h - 2], hy[h - 2], hx[h - 1], hy[h - 1], x, y) <= 0) h--;
    hx[h] = x;
    hy[h] = y;
    h++;
  }
  // The hull runs from high FNMR (low FMR) to low FNMR (high FMR): find the segment crossing y = x.
  // A single reachable point (every compared impostor failed, or scored +Infinity) is its own nearest end, as below.
  if (h === 1) return Math.max(hx[0], hy[0]);
  for (let i = 0; i + 1 < h; i++) {
    const d1 = hy[i] - hx[i];
    const d2 = hy[i + 1] - hx[i + 1];
    if (d1 >= 0 && d2 <= 0) {
      if (d1 === d2) return hx[i];
      const s = d1 / (d1 - d2);
      return hx[i] + s * (hx[i + 1] - hx[i]);
    }
  }
  // The hull never crosses the diagonal: the best reachable point is the nearest end.
  const first = Math.max(hx[0], hy[0]);
  const last = Math.max(hx[h - 1], hy[h - 1]);
  return Math.min(first, last);
}

/** z of (b - a) x (c - a): positive for a left (counter-clockwise) turn. */
function cross(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}
