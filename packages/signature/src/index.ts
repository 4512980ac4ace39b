/**
 * @biofuse/signature: online signature verification. Readers for SVC2004 text, MCYT .fpg and
 * JSON/CSV pen points; time functions and global features; multivariate DTW with a
 * Sakoe-Chiba band and early abandoning; user models with per-user score normalisation, and
 * pruned 1:N search over them.
 */
export { checkUsableTrajectory, type PenTrajectory } from './pen-trajectory';
export { SignatureFormatError, SignatureAcquisitionError, DuplicateEnrolmentError } from './errors';
export { readSignature, parseSignatureBytes } from './read/read-signature';
export { parseSvc2004 } from './read/svc2004-text';
export { parseMcytFpg } from './read/mcyt-fpg';
export { parsePenJson, parsePenCsv } from './read/pen-points';
export { timeFunctions, TIME_FUNCTIONS, DEFAULT_TIME_FUNCTIONS, type TimeFunction, type TimeFunctionMatrix } from './features/time-functions';
export { globalFeatures, GLOBAL_FEATURES } from './features/global-features';
export { pooledWithinUserSpread, SVC2004_GLOBAL_WITHIN_SPREAD } from './features/global-spread';
export { dtwDistance, FRAME_DISTANCES, type DtwOptions, type FrameDistance } from './compare/dtw';
export { identifySigner, type EnrolledSigner, type IdentificationResult, type SignerCandidate } from './compare/identify';
export { enrolUser, scoreAgainstUser, combineDistances, dtwLocalDistance, type LocalDistance, type PopulationSpread, type SignatureUserModel } from './compare/user-model';
export { extractSignatureTemplate, encodeSignatureTemplate, decodeSignatureTemplate, signatureRecipe, type SignatureRecipe, type SignatureTemplate } from './template';
export { DEFAULT_SIGNATURE_PARAMS, LOCAL_COMBINATIONS, parseSignatureParams, type LocalCombination, type SignatureParams } from './params';
export { SignatureModality } from './signature-modality';
export { signatureDecisionThreshold, signatureDecisionThresholds, DECISION_THRESHOLD_REFERENCES } from './compare/decision';
export { synthesizeSignatures, type SignatureSynthesisOptions } from './synthetic/synthesize';
export { formatSvc2004, writeSvc2004Folder } from './synthetic/write-svc2004';
export { smoothTrajectory, resampleTrajectory } from './preprocess';
