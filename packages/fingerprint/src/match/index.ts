export { FINGERPRINT_MATCH_PARAMS, matchParams, type MatchParams } from './params';
export { PREPARED_TEMPLATE_VERSION, type PreparedTemplate } from './prepared-template';
export { prepareTemplate } from './prepare/prepare-template';
export { compareFingerprints, type FingerprintComparison } from './compare';
export { fingerprintVector } from './vector';
export { preselect, type Preselection } from './preselect';
