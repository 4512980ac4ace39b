/**
 * @biofuse/core: the vocabulary every biofuse package shares: the Modality interface, typed
 * errors, seeded randomness, verification / identification / PAD metrics, dataset loaders
 * and comparison protocols, and the multimodal score simulator.
 */
export * from './errors';
export type { Modality, ModalityName, Score } from './modality';
export { checkSeed, isSeed, MAX_SEED, seededRandom, type Random } from './random';
export { meanVariance } from './metrics/decidability';
export { choleskyFactor, choleskySolve } from './linear-algebra/cholesky';
export * from './metrics/index';
export * from './datasets/index';
export {
  simulateMultimodalScores,
  type MultimodalSimulation,
  type SimulatedModality,
  type SimulatedScores,
} from './simulate/multimodal-scores';
export {
  scoreComparisons,
  extractTemplates,
  type ScoringOptions,
  type ScoredComparisons,
  type SampleFailure,
} from './scoring/score-comparisons';
export { decisionThresholdAt, shippedDecisionThreshold, shippedDecisionThresholds, type DecisionThreshold } from './scoring/decision-threshold';
export { symmetricEigen } from './linear-algebra/symmetric-eigen';
export { decodeImage, checkRasterImage, bytesFromDataUrl, readSampleFile, type RasterImage, type DecodeImageOptions } from './image/decode';
export { checkImageSize, parseDecodeLimits, type DecodeLimits } from './image/header';
export { imageFormatOf, type ImageFormat } from './image/image-format';
export { Gallery, StaleGalleryError, type GalleryIdentity, type GalleryOpenOptions, type GalleryRecord, type Candidate } from './gallery/gallery';
export { EmbeddingIndex, type IndexHit } from './gallery/embedding-index';
export { enrolSamples, enrolFolder, type EnrolmentReport, type EnrolSample } from './gallery/enrol';
export { plotlyScript, escapeHtml, scriptJson, CURVE_COLOURS } from './report/plotly';
export { pngFromSvg } from './report/png-from-svg';
export { endProgressLines, progressBar, type Progress } from './progress';
export { makeFolder, missingFolders, removeEmptyFolders } from './make-folder';
export { makeNewFolders, removedOnInterrupt, type InterruptRemoval, type NewFolders } from './removed-on-interrupt';
export { byCodeUnits } from './code-unit-order';
export { tensorflow, type Tf } from './tensor/tfjs-runtime';
export { erf } from './math/erf';
export { euclideanLength, isUnitLength } from './math/unit-length';
export { checkedSealLength, checkTemplateChecksum, sealTemplate, TEMPLATE_CHECKSUM_BYTES } from './template-checksum';
export { describeNumber, describeValue } from './describe-value';
