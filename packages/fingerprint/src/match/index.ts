/**
 * Minutiae matching: Minutia Cylinder-Code (Cappelli, Ferrara, Maltoni, IEEE TPAMI 2010) with
 * bit-based cylinders and LSS-R consolidation, plus a fixed-length vector for fusion and 1:N
 * preselection.
 *
 *   prepareTemplate:  normalise (500 dpi, cap)  -> cylinders (+ validity)  -> vector
 *   compareFingerprints:  local similarities (direction gate, popcount kernel)
 *                         -> consolidation (sort, relax, score)  -> similarity in [0, 1]
 *   1:N:  centred vectors in an EmbeddingIndex (core) -> shortlist -> compareFingerprints
 */
export { FINGERPRINT_MATCH_PARAMS, matchParams, type MatchParams } from './params';
export { PREPARED_TEMPLATE_VERSION, type PreparedTemplate } from './prepared-template';
export { prepareTemplate } from './prepare/prepare-template';
export { compareFingerprints, type FingerprintComparison } from './compare';
export { fingerprintVector } from './fingerprint-vector';
export { centreVectors } from './centre-vectors';
export { centredFingerprintVector, populationCentre } from './population-centre';
export { fingerprintDecisionThreshold, fingerprintDecisionThresholds } from './decision';
