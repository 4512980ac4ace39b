import { MetricsInputError } from '../errors';
import type { ErrorRateCurve } from './error-rate-curve';

export interface OperatingPoint {
  readonly threshold: number;
  readonly fmr: number;
  readonly fnmr: number;
}

export interface FnmrAtFmr extends OperatingPoint {
  readonly targetFmr: number;
  /**
   * True when the target is below 1 / (impostor attempts): the set is too small to measure it,
   * and the reported point is simply the first with no false match (or, where the target is
   * `unreachable` too, the last point).
   */
  readonly belowResolution: boolean;
  /**
   * True when no threshold gets the FMR down to the target: impostors that scored +Infinity are
   * accepted at every threshold ("score >= t" holds for t = +Infinity too), so FMR never falls
   * below their share. The reported point is then the last one (threshold +Infinity), and its
   * `fmr`, the lowest FMR reached, is above the target: `unreachable` is `fmr > targetFmr`.
   * Either flag may come without the other.
   */
  readonly unreachable: boolean;
}

/**
 * FNMR at the lowest threshold whose FMR does not exceed the target (the usual
 * "FNMR @ FMR = 1e-3"). The FMR actually reached is reported next to the target.
 */
export function fnmrAtFmr(curve: ErrorRateCurve, targetFmr: number): FnmrAtFmr {
  checkRate('fnmrAtFmr: target FMR', targetFmr);
  const k = Math.min(firstIndex(curve.fmr, (v) => v <= targetFmr), curve.fmr.length - 1);
  const fmr = curve.fmr[k];
  return {
    targetFmr,
    threshold: curve.thresholds[k],
    fmr,
    fnmr: curve.fnmr[k],
    belowResolution: targetFmr * curve.impostorAttempts < 1,
    unreachable: fmr > targetFmr,
  };
}

/**
 * FMR at the highest threshold whose FNMR does not exceed the target (the mirror operating
 * point). Where none does (the failures to acquire alone exceed the target), the point that
 * accepts every compared genuine pair is reported, with the FNMR it actually reaches.
 */
export function fmrAtFnmr(curve: ErrorRateCurve, targetFnmr: number): OperatingPoint & { targetFnmr: number } {
  checkRate('fmrAtFnmr: target FNMR', targetFnmr);
  // FNMR rises with the index: the last index with FNMR <= target.
  const k = firstIndex(curve.fnmr, (v) => v > targetFnmr) - 1;
  const j = Math.max(k, 0);
  return { targetFnmr, threshold: curve.thresholds[j], fmr: curve.fmr[j], fnmr: curve.fnmr[j] };
}

export interface ZeroFmr extends OperatingPoint {
  /**
   * Whether FMR 0 was reached. It is not when an impostor scored +Infinity: no threshold
   * rejects it, and the point reported is the last one (threshold +Infinity) with the FMR it
   * actually reaches, above 0. Its FNMR is then no ZeroFMR.
   */
  readonly reached: boolean;
}

/** ZeroFMR: the FNMR at the lowest threshold that lets no impostor through, where there is one. */
export function zeroFmr(curve: ErrorRateCurve): ZeroFmr {
  const k = Math.min(firstIndex(curve.fmr, (v) => v === 0), curve.fmr.length - 1);
  return { threshold: curve.thresholds[k], fmr: curve.fmr[k], fnmr: curve.fnmr[k], reached: curve.fmr[k] === 0 };
}

/**
 * ZeroFNMR: the FMR at the highest threshold that accepts every compared genuine pair (the
 * lowest genuine score). Genuine comparisons that could not be made stay rejected, so the
 * reported FNMR is the failure share, not necessarily 0.
 */
export function zeroFnmr(curve: ErrorRateCurve): OperatingPoint {
  const floor = curve.fnmr[0];
  const k = firstIndex(curve.fnmr, (v) => v > floor) - 1;
  const j = Math.max(k, 0);
  return { threshold: curve.thresholds[j], fmr: curve.fmr[j], fnmr: curve.fnmr[j] };
}

/** First index where a monotone predicate turns true (binary search); `values.length` if it never does. */
function firstIndex(values: Float64Array, pred: (v: number) => boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(values[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The lowest threshold (accept if score >= threshold) that accepts at most a share `maxShare`
 * of the given negatives (impostors, attack presentations), ascending. Just above the first
 * score that would be one too many; -Infinity when the share allows them all.
 */
export function acceptanceThreshold(sortedNegatives: Float64Array, maxShare: number): number {
  checkRate('acceptanceThreshold: share', maxShare);
  const n = sortedNegatives.length;
  const allowed = Math.floor(maxShare * n + 1e-9);
  return allowed >= n ? Number.NEGATIVE_INFINITY : nextUp(sortedNegatives[n - 1 - allowed]);
}

/** The smallest double above x, so that "score >= threshold" rejects x itself. */
function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Number.POSITIVE_INFINITY) return x;
  if (x === 0) return Number.MIN_VALUE;
  const buf = new Float64Array([x]);
  const bits = new BigInt64Array(buf.buffer);
  bits[0] += x > 0 ? 1n : -1n;
  return buf[0];
}

/**
 * A target rate is a share in [0, 1]. NaN answered with the +Infinity point (fnmrAtFmr) or a
 * NaN threshold (acceptanceThreshold), and a negative share with NaN, each reported as if
 * measured.
 */
export function checkRate(what: string, rate: number): void {
  if (!(rate >= 0 && rate <= 1)) throw new MetricsInputError(`${what} must lie in [0, 1], got ${rate}`);
}
