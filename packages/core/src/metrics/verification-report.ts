import { dPrime } from './decidability';
import { detCurve, type DetCurve } from './det-curve';
import { equalErrorRate, type EqualErrorRate } from './eer';
import { errorRateCurve } from './error-rate-curve';
import { fnmrAtFmr, zeroFmr, zeroFnmr, type FnmrAtFmr, type OperatingPoint, type ZeroFmr } from './operating-points';
import { rocAuc } from './roc-auc';
import { rocConvexHullEer } from './rocch';
import type { ScoreSet } from './score-set';

export const DEFAULT_TARGET_FMRS: readonly number[] = [1e-2, 1e-3, 1e-4];

export interface VerificationReport {
  readonly counts: {
    readonly genuine: number;
    readonly impostor: number;
    readonly genuineFailures: number;
    readonly impostorFailures: number;
  };
  /** Failure-to-acquire share of all attempted comparisons (genuine and impostor). */
  readonly fta: number;
  readonly eer: EqualErrorRate;
  readonly eerRocch: number;
  readonly fnmrAtFmr: readonly FnmrAtFmr[];
  /** `reached` is false where an impostor scored +Infinity and FMR 0 cannot be reached (ZeroFmr). */
  readonly zeroFmr: ZeroFmr;
  readonly zeroFnmr: OperatingPoint;
  readonly dPrime: number;
  readonly auc: number;
  readonly det: DetCurve;
}

export interface VerificationReportOptions {
  targetFmrs?: readonly number[];
  detMaxPoints?: number;
}

/** Every verification metric of ISO/IEC 19795-1 that biofuse reports, from one sort of the scores. */
export function verificationReport(set: ScoreSet, opts: VerificationReportOptions = {}): VerificationReport {
  const curve = errorRateCurve(set);
  const targets = opts.targetFmrs ?? DEFAULT_TARGET_FMRS;
  const failures = set.genuineFailures + set.impostorFailures;
  return {
    counts: {
      genuine: curve.genuineAttempts,
      impostor: curve.impostorAttempts,
      genuineFailures: set.genuineFailures,
      impostorFailures: set.impostorFailures,
    },
    fta: failures / (curve.genuineAttempts + curve.impostorAttempts),
    eer: equalErrorRate(curve),
    eerRocch: rocConvexHullEer(curve),
    fnmrAtFmr: targets.map((t) => fnmrAtFmr(curve, t)),
    zeroFmr: zeroFmr(curve),
    zeroFnmr: zeroFnmr(curve),
    dPrime: dPrime(set),
    auc: rocAuc(curve),
    det: detCurve(curve, { maxPoints: opts.detMaxPoints }),
  };
}
