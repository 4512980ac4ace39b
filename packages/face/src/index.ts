/**
 * @biofuse/face: face detection (BlazeFace family with a FaceMesh landmark stage, cascaded),
 * similarity alignment onto each model's template, embedding models loaded from npm packages
 * (dlib's ResNet via face-api, FaceRes, MobileFace...) or user ONNX files, feature-level
 * ensembles, 1:1 verification with calibrated thresholds, and the face Modality.
 */
export { FaceRecognizer, type FaceInput, type FaceRecognizerOptions, type RepresentedFace, type VerifyOptions, type VerifyResult } from './recognizer';
export { FaceModality, parseFaceParams, type FaceModalityParams } from './face-modality';
export { FaceNotDetectedError, FaceTemplateMismatchError } from './errors';
export { compareFaceTemplates, type FaceComparison } from './compare';
export { encodeFaceTemplate, decodeFaceTemplate, FACE_TEMPLATE_VERSION, type FaceTemplate } from './template';
export { createDetector, DETECTOR_NAMES, type DetectorName, type DetectorChoice } from './detect/cascade';
export type { FaceBox, FaceDetection, FaceDetector, DetectOptions } from './detect/types';
export type { Landmarks, LandmarkName, LandmarkTemplate } from './align/templates';
export { ARCFACE_112, dlibChipTemplate, expandTemplate } from './align/templates';
export { EXPAND_PERCENT_RANGE } from './options';
export { alignFace, uprightCrop, type FaceCrop } from './align/align';
export { similarityTransform, type Affine } from './align/similarity';
export { BUILTIN_MODELS, loadModelCard } from './embed/registry';
export { checkModelCard, readModelCard, DISTANCE_METRICS, type FaceModelCard, type DistanceMetric, type CalibratedThreshold } from './embed/card';
export { faceModelFiles, resolveModels, type EnsembleCard, type ModelChoice } from './ensemble';
export { calibrateThresholds, allPairScores, writeCardThresholds, type CalibrationResult } from './calibrate';
export { FaceGallery, type IdentifyOptions, type IdentifyResult } from './gallery';
export type { EnrolmentReport } from '@biofuse/core';
export { exportProjectionHead, type ExportHeadOptions } from './training/export-head';
