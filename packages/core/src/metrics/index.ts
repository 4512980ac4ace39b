export { scoreSet, scoreSetFromLabelled, attemptCounts, type ScoreSet, type ScoreSetInput } from './score-set';
export { errorRateCurve, ratesAt, type ErrorRateCurve } from './error-rate-curve';
export { equalErrorRate, type EqualErrorRate } from './eer';
export { bootstrapEer, type BootstrapInterval, type BootstrapOptions, type SubjectComparison } from './bootstrap';
export { rocConvexHullEer } from './rocch';
export { acceptanceThreshold, fnmrAtFmr, fmrAtFnmr, zeroFmr, zeroFnmr, type FnmrAtFmr, type OperatingPoint, type ZeroFmr } from './operating-points';
export { rocAuc } from './roc-auc';
export { dPrime } from './decidability';
export { detCurve, type DetCurve, type DetOptions } from './det-curve';
export { probit } from './probit';
export {
  verificationReport,
  DEFAULT_TARGET_FMRS,
  type VerificationReport,
  type VerificationReportOptions,
} from './verification-report';
export {
  probeOutcomes,
  cmc,
  rankAccuracy,
  openSetRates,
  type IdentificationInput,
  type ProbeOutcome,
} from './identification';
export { preselectionErrors, type PreselectionPoint } from './preselection';
export { errorVersusReject, fnmrAtRejection, ercArea, idealErcArea, ercShareOfIdeal, type ErrorVersusReject } from './error-versus-reject';
export {
  padAtThreshold,
  bpcerAtApcer,
  padNonResponse,
  type PadScores,
  type PadAtThreshold,
  type BpcerAtApcer,
  type PadNonResponse,
} from './presentation-attack';
