import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '@biofuse/core';
import type { ModelPackage } from '../runtime/model-files';

export type DistanceMetric = 'cosine' | 'euclidean' | 'euclidean_l2' | 'angular';
export const DISTANCE_METRICS: readonly DistanceMetric[] = ['cosine', 'euclidean', 'euclidean_l2', 'angular'];

/**
 * Calibrated thresholds per pipeline configuration (the recognizer's `configurationId`: models,
 * alignment, augmentation and detector, since each shifts the score distributions), then per metric.
 */
export type ThresholdTable = Readonly<Record<string, Partial<Record<DistanceMetric, CalibratedThreshold>>>>;

/** A decision threshold found on labelled data, with where it came from. */
export interface CalibratedThreshold {
  /** On the similarity scale of compareFaceTemplates (accept when similarity >= threshold). */
  readonly atFmr1e3: number;
  readonly atEer: number;
  readonly provenance: {
    readonly dataset: string;
    readonly pairs: number;
    readonly protocol: string;
    readonly date: string;
    readonly detector: string;
  };
}

/** Where a model's weights are and which code runs them. */
export type ModelSource =
  | { readonly kind: 'tfjs-graph'; readonly package: ModelPackage; readonly file: string; readonly output: string }
  | { readonly kind: 'dlib-resnet'; readonly package: ModelPackage; readonly file: string }
  | { readonly kind: 'onnx'; readonly path: string; readonly output?: string }
  /** A Siamese projection head (training/export-head.ts) after a frozen base model; `weights` is relative to the card. */
  | { readonly kind: 'projection-head'; readonly base: string; readonly weights: string };

/** How a trained model was made (cards written by exportProjectionHead). */
export interface TrainingProvenance {
  readonly config: Readonly<Record<string, unknown>>;
  readonly data: string;
  readonly seed: number;
  readonly validation: Readonly<Record<string, number>>;
  readonly date: string;
}

/** How the face is cut out for the model. */
export type AlignmentSpec =
  | { readonly template: 'arcface'; readonly zoom?: number }
  | { readonly template: 'dlib-chip'; readonly padding: number; readonly zoom?: number };

/**
 * Everything needed to run an embedding model the way it was trained, and to decide with it:
 * input geometry and normalisation (`(pixel - mean) / std`, per channel, after colour
 * reordering), the alignment template, the embedding size, and calibrated thresholds.
 */
export interface FaceModelCard {
  readonly name: string;
  readonly description: string;
  readonly source: ModelSource;
  readonly input: {
    readonly width: number;
    readonly height: number;
    readonly colourOrder: 'rgb' | 'bgr';
    readonly layout: 'nhwc' | 'nchw';
    readonly mean: readonly [number, number, number];
    readonly std: readonly [number, number, number];
  };
  readonly alignment: AlignmentSpec;
  readonly embeddingSize: number;
  readonly thresholds?: ThresholdTable;
  readonly training?: TrainingProvenance;
}

/** Reads and checks a model card (JSON). A malformed card is a ConfigError naming the field. */
export async function readModelCard(path: string): Promise<FaceModelCard> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new ConfigError(`model card ${path}: ${(cause as Error).message}`);
  }
  const card = checkModelCard(json, path);
  // Files a card names are relative to the card, wherever the process runs: a head's weights
  // and base card (a built-in's name stays a name), an ONNX model.
  const beside = (file: string) => resolve(dirname(path), file);
  if (card.source.kind === 'projection-head') {
    return { ...card, source: { ...card.source, weights: beside(card.source.weights), base: isCardPath(card.source.base) ? beside(card.source.base) : card.source.base } };
  }
  if (card.source.kind === 'onnx') return { ...card, source: { ...card.source, path: beside(card.source.path) } };
  return card;
}

/** Whether a model reference names a card file (a `.json` path) rather than a model by name: modelCardPath's rule too. */
export function isCardPath(reference: string): boolean {
  return reference.endsWith('.json');
}

export function checkModelCard(json: unknown, where = 'model card'): FaceModelCard {
  const card = json as FaceModelCard;
  const fail = (field: string): never => {
    throw new ConfigError(`${where}: missing or invalid "${field}"`);
  };
  if (typeof card !== 'object' || card === null) fail('(root)');
  if (typeof card.name !== 'string' || card.name === '') fail('name');
  if (!card.source || !['tfjs-graph', 'dlib-resnet', 'onnx', 'projection-head'].includes(card.source.kind)) fail('source.kind');
  if (card.source.kind === 'projection-head' && (typeof card.source.base !== 'string' || typeof card.source.weights !== 'string')) fail('source.base/weights');
  // Without them, finding the weights was a TypeError (a path of undefined) at the first use.
  const named = (v: unknown) => typeof v === 'string' && v !== '';
  if ((card.source.kind === 'tfjs-graph' || card.source.kind === 'dlib-resnet') && !(named(card.source.package) && named(card.source.file))) fail('source.package/file');
  if (card.source.kind === 'tfjs-graph' && !named(card.source.output)) fail('source.output');
  const input = card.input;
  // Whole pixels, and a crop a model could take (1.5 made a tensor shape tfjs refused; 100,000 a 30 GB buffer).
  const side = (v: unknown) => Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_INPUT_SIDE;
  if (!input || !side(input.width) || !side(input.height)) fail(`input.width/height (whole pixels, 1-${MAX_INPUT_SIDE})`);
  if (input.colourOrder !== 'rgb' && input.colourOrder !== 'bgr') fail('input.colourOrder');
  if (input.layout !== 'nhwc' && input.layout !== 'nchw') fail('input.layout');
  if (!Array.isArray(input.mean) || input.mean.length !== 3 || input.mean.some((m) => typeof m !== 'number' || !Number.isFinite(m))) fail('input.mean');
  if (!Array.isArray(input.std) || input.std.length !== 3 || input.std.some((s) => !(s > 0))) fail('input.std');
  if (!card.alignment || (card.alignment.template !== 'arcface' && card.alignment.template !== 'dlib-chip')) fail('alignment.template');
  // Without these the alignment template's points are NaN, and so is every crop.
  if (card.alignment.template === 'dlib-chip' && !(typeof card.alignment.padding === 'number' && card.alignment.padding >= 0 && card.alignment.padding < 5)) fail('alignment.padding');
  if (card.alignment.zoom !== undefined && !(typeof card.alignment.zoom === 'number' && card.alignment.zoom > 0 && Number.isFinite(card.alignment.zoom))) fail('alignment.zoom');
  if (card.source.kind === 'onnx' && typeof card.source.path !== 'string') fail('source.path');
  if (!Number.isInteger(card.embeddingSize) || card.embeddingSize <= 0) fail('embeddingSize');
  checkThresholdTable(card.thresholds, fail);
  return card;
}

/**
 * Checks a card's `thresholds` (model and ensemble cards alike), calling `fail` with the field
 * at fault. A threshold that is not a number verified nothing (NaN) and printed "threshold NaN,
 * calibrated"; one outside the similarity's range decides every pair alike.
 */
export function checkThresholdTable(thresholds: unknown, fail: (field: string) => never): void {
  if (thresholds === undefined) return;
  if (typeof thresholds !== 'object' || thresholds === null) fail('thresholds');
  for (const [configuration, byMetric] of Object.entries(thresholds)) {
    if (typeof byMetric !== 'object' || byMetric === null) fail(`thresholds.${configuration}`);
    for (const [metric, t] of Object.entries(byMetric as Record<string, CalibratedThreshold | undefined>)) {
      const range = SIMILARITY_RANGE[metric as DistanceMetric];
      if (!range) fail(`thresholds.${configuration}.${metric} (metrics: ${Object.keys(SIMILARITY_RANGE).join(', ')})`);
      for (const key of ['atFmr1e3', 'atEer'] as const) {
        const v = t?.[key];
        if (!(typeof v === 'number' && v >= range[0] && v <= range[1])) fail(`thresholds.${configuration}.${metric}.${key} (a similarity in [${range[0]}, ${range[1]}])`);
      }
    }
  }
}

/** Largest input side a card may ask for: well above any face model's (112-224 px). */
const MAX_INPUT_SIDE = 2048;

/** The range of compareFaceTemplates' similarity for each metric. */
export const SIMILARITY_RANGE: Readonly<Record<DistanceMetric, readonly [number, number]>> = {
  cosine: [-1, 1],
  euclidean_l2: [-2, 0],
  angular: [0, 1],
  euclidean: [Number.NEGATIVE_INFINITY, 0],
};

/**
 * Refuses a decision threshold outside the metric's similarity range (or NaN): a cosine of 5
 * can never be reached, and would decide every pair alike without a word.
 */
export function checkSimilarityThreshold(metric: DistanceMetric, threshold: number): void {
  const range = SIMILARITY_RANGE[metric];
  if (!(threshold >= range[0] && threshold <= range[1])) {
    throw new ConfigError(`a ${metric} threshold is a similarity in [${range[0]}, ${range[1]}], got ${threshold}`);
  }
}
