/**
 * Synthetic fingerprints in the style of SFinGe (Cappelli, Maio & Maltoni): a master print per
 * finger (class, area, orientation field, ridge frequencies, Gabor ridge growth) and any number
 * of impressions of it (pose, skin distortion, pressure, noise, rendering), written as an FVC
 * database with its ground truth.
 */
export { synthesizeMasterFingerprint, type SyntheticMaster, type MasterFingerprintOptions } from './master-print';
export { synthesizeImpression, type SyntheticImpression, type ImpressionOptions, type ImpressionRecord } from './impression';
export { impressionToMaster, masterToImpression, type ImpressionPose } from './impression-transform';
export type { ElasticDistortion } from './elastic-distortion';
export {
  writeSyntheticFvcDataset,
  encodeFingerprintPng,
  GROUND_TRUTH_FILE,
  type SyntheticFvcOptions,
  type SyntheticFvcGroundTruth,
  type SyntheticFingerTruth,
  type SyntheticImpressionTruth,
} from './write-fvc-dataset';
export { NATURAL_CLASS_FREQUENCIES, FINGERPRINT_CLASSES, type FingerprintClass } from './fingerprint-class';
export type { SingularPoint } from './singular-points';
export type { FingerprintArea } from './fingerprint-area';
