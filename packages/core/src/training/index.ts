/**
 * @biofuse/core/training: generic Siamese training on the tfjs wasm backend (imported on its
 * own, so that importing @biofuse/core loads no tensor code): losses (contrastive, triplet,
 * binary), P x K sampling and triplet mining, projection heads and a twin CNN, the trainer
 * with early stopping, checkpoints and resume, the wasm gradient kernels for convolutions,
 * identity-disjoint splits and one-shot evaluation. Used by @biofuse/face first.
 */
export { trainingTensorflow, type TrainingBackend } from './backend';
export {
  contrastiveLoss,
  tripletLoss,
  tripletLossFromEmbeddings,
  maskedTripletLoss,
  tripletMask,
  binarySiameseLoss,
  binarySiameseLogit,
  binaryCrossEntropyWithLogits,
  rowDistance,
  euclideanRowDistance,
  pairwiseDistance,
  type EmbeddingDistance,
} from './losses';
export { createPkSampler, type PkSampler, type PkSamplerOptions } from './pk-sampler';
export { mineTriplets, MINING_STRATEGIES, type MiningStrategy, type MinedTriplets } from './triplet-mining';
export { createProjectionHead, projectRows, l2Normalize, type ProjectionHeadConfig, type HeadArchitecture } from './projection-head';
export { epochLogPage, type EpochLogCurve } from './epoch-log-page';
export {
  trainProjectionHead,
  resolveTrainHeadConfig,
  epochLogCsv,
  SIAMESE_LOSSES,
  type SiameseLoss,
  type TrainHeadConfig,
  type TrainedHead,
  type EpochLog,
  type ResolvedTrainHeadConfig,
} from './train-head';
export { splitIdentities, type IdentitySplit, type IdentitySplitOptions } from './identity-split';
export { oneShotEvaluation, type OneShotOptions, type OneShotResult } from './one-shot-evaluation';
export { takeRows, checkLabelledSet, allPairCosine, type LabelledEmbeddings } from './labelled-set';
export { syntheticEmbeddings, type SyntheticEmbeddingOptions } from './synthetic-embeddings';
export { createTwinCnn, DEFAULT_TWIN_FILTERS, DEFAULT_TWIN_KERNEL, type TwinCnn, type TwinCnnConfig } from './twin-cnn';
export {
  registerWasmTrainingKernels,
  unregisterWasmTrainingKernels,
  MISSING_WASM_TRAINING_KERNELS,
  REPLACED_WASM_KERNELS,
} from './wasm-kernels/register';
export { headFromWeightsFile, HEAD_WEIGHTS_FORMAT, type HeadWeightsFile } from './head-weights';
export { serializeTensor, deserializeTensor, type SerializedTensor } from './checkpoint';
