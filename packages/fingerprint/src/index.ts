/**
 * @biofuse/fingerprint: minutiae-based fingerprint recognition. Image loading (TIFF, PNG, BMP,
 * JPEG) at any resolution; extraction as named stages (orientation, segmentation, ridge period,
 * Gabor enhancement, thinning, crossing-number minutiae, false-minutia removal, quality);
 * Minutia Cylinder-Code matching with LSS-R consolidation; a fixed-length vector for fusion and
 * 1:N pre-selection; our versioned template encoding and ISO/IEC 19794-2:2005 records; and a
 * seeded SFinGe-style generator of synthetic prints in FVC layout.
 */
export { isSensorDpi, MAX_SENSOR_DPI, MIN_SENSOR_DPI, type FingerprintImage } from './image/fingerprint-image';
export { loadFingerprintImage, DEFAULT_FINGERPRINT_DPI, type LoadFingerprintImageOptions } from './image/load';
export type { FingerprintTemplate } from './template/fingerprint-template';
export {
  minutiaSet,
  minutiaList,
  MINUTIA_BIFURCATION,
  MINUTIA_ENDING,
  MINUTIA_OTHER,
  type Minutia,
  type MinutiaKind,
  type MinutiaSet,
} from './template/minutiae';
export { encodeFingerprintTemplate, decodeFingerprintTemplate, FINGERPRINT_TEMPLATE_VERSION } from './template/encode';
export { readIsoTemplate, readIsoRecord, writeIsoTemplate, type IsoFingerRecord, type WriteIsoOptions } from './template/iso19794-2';
export { extractFingerprint, type ExtractOptions, type ExtractionResult } from './extract/extract';
export { LOW_QUALITY_BELOW, lowQualityReason, type QualityFeatures } from './extract/quality';
export { DEFAULT_EXTRACTION_PARAMS, type ExtractionParams } from './extract/params';
export { stageImagePng, type StageImage } from './extract/debug-images';
export { FingerprintAcquisitionError, type FingerprintAcquisitionFailure } from './errors';
export * from './match/index';
export { FingerprintModality, type FingerprintSample } from './fingerprint-modality';
export { reframeTemplate } from './template/reframe';
export { parseFingerprintParams, type FingerprintParams } from './params';
export { FingerprintGallery, type FingerprintCandidate, type FingerprintIdentifyOptions } from './gallery';
export * from './synthetic/index';
