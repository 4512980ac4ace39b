import { checkThreshold } from './check-threshold';
import { attemptCounts, type ScoreSet } from './score-set';

/**
 * FMR(t) and FNMR(t) at every distinct score t, for the decision "accept if score >= t".
 * Thresholds ascend, so FMR falls and FNMR rises along the arrays. The last point is the
 * threshold +Infinity (nothing finite accepted). Built once by sorting, then every metric
 * reads it in linear or logarithmic time.
 */
export interface ErrorRateCurve {
  readonly thresholds: Float64Array;
  readonly fmr: Float64Array;
  readonly fnmr: Float64Array;
  /** Attempts, failures included: the denominators. */
  readonly genuineAttempts: number;
  readonly impostorAttempts: number;
  readonly genuineFailures: number;
  readonly impostorFailures: number;
  /** The compared scores, sorted ascending (copies; the ScoreSet is left untouched). */
  readonly sortedGenuine: Float64Array;
  readonly sortedImpostor: Float64Array;
}

export function errorRateCurve(set: ScoreSet): ErrorRateCurve {
  const gen = set.genuine.slice().sort();
  const imp = set.impostor.slice().sort();
  const { genuine: nG, impostor: nI } = attemptCounts(set);
  const failG = set.genuineFailures;
  const cap = gen.length + imp.length + 1;
  const thresholds = new Float64Array(cap);
  const fmr = new Float64Array(cap);
  const fnmr = new Float64Array(cap);

  let gi = 0; // genuine scores below the current threshold
  let ii = 0; // impostor scores below the current threshold
  let k = 0;
  while (gi < gen.length || ii < imp.length) {
    const t = gi < gen.length && (ii >= imp.length || gen[gi] <= imp[ii]) ? gen[gi] : imp[ii];
    thresholds[k] = t;
    fnmr[k] = (failG + gi) / nG;
    fmr[k] = (imp.length - ii) / nI;
    k++;
    while (gi < gen.length && gen[gi] === t) gi++;
    while (ii < imp.length && imp[ii] === t) ii++;
  }
  if (k === 0 || thresholds[k - 1] !== Number.POSITIVE_INFINITY) {
    thresholds[k] = Number.POSITIVE_INFINITY;
    fnmr[k] = (failG + countBelow(gen, Number.POSITIVE_INFINITY)) / nG;
    fmr[k] = (imp.length - countBelow(imp, Number.POSITIVE_INFINITY)) / nI;
    k++;
  }
  return {
    thresholds: thresholds.subarray(0, k),
    fmr: fmr.subarray(0, k),
    fnmr: fnmr.subarray(0, k),
    genuineAttempts: nG,
    impostorAttempts: nI,
    genuineFailures: failG,
    impostorFailures: set.impostorFailures,
    sortedGenuine: gen,
    sortedImpostor: imp,
  };
}

/** FMR and FNMR at an arbitrary threshold (accept if score >= t). */
export function ratesAt(curve: ErrorRateCurve, threshold: number): { fmr: number; fnmr: number } {
  checkThreshold('ratesAt', threshold);
  const gBelow = countBelow(curve.sortedGenuine, threshold);
  const iBelow = countBelow(curve.sortedImpostor, threshold);
  return {
    fmr: (curve.sortedImpostor.length - iBelow) / curve.impostorAttempts,
    fnmr: (curve.genuineFailures + gBelow) / curve.genuineAttempts,
  };
}

/** Number of values strictly below t in an ascending array (binary search). */
export function countBelow(sorted: Float64Array, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
