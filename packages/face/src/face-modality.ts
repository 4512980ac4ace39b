import { ConfigError, type Modality, type RasterImage, type Score } from '@biofuse/core';
import { compareFaceTemplates } from './compare';
import type { DetectorName } from './detect/cascade';
import { DISTANCE_METRICS, type DistanceMetric } from './embed/card';
import { checkRecognizerOptions } from './options';
import { FaceRecognizer, type FaceRecognizerOptions } from './recognizer';
import { decodeFaceTemplate, encodeFaceTemplate, type FaceTemplate } from './template';

export interface FaceModalityParams extends FaceRecognizerOptions {
  readonly metric?: DistanceMetric;
}

/** Checks an experiment pipeline's `params` for the face modality. */
export function parseFaceParams(params: Readonly<Record<string, unknown>>): FaceModalityParams {
  // `model` is what the generic `biofuse score --model` passes.
  if (params.model !== undefined) {
    if (params.models !== undefined) throw new ConfigError('face params: give "models" or "model", not both');
    const { model, ...rest } = params;
    return parseFaceParams({ ...rest, models: model });
  }
  const known = new Set(['models', 'flip', 'detector', 'landmarks', 'align', 'expandPercentage', 'minConfidence', 'minFaceSize', 'maxFaces', 'enforceDetection', 'maxPixels', 'metric']);
  for (const key of Object.keys(params)) if (!known.has(key)) throw new ConfigError(`face params: unknown key "${key}" (known: ${[...known].join(', ')})`);
  const p = params as FaceModalityParams;
  // The recogniser's own checks, so that a config and a programmatic caller get the same rules.
  checkRecognizerOptions(params, 'face params');
  if (p.metric !== undefined && !DISTANCE_METRICS.includes(p.metric)) throw new ConfigError(`face params: metric must be one of ${DISTANCE_METRICS.join(', ')}`);
  return { ...p, detector: p.detector as DetectorName | undefined };
}

/**
 * Face as a biofuse Modality: a sample is a decoded image, a template the fused embedding of
 * its largest face. A sample without a face fails to acquire (counted as FTA, never dropped).
 */
export class FaceModality implements Modality<RasterImage, FaceTemplate> {
  readonly name = 'face' as const;

  private constructor(
    readonly recognizer: FaceRecognizer,
    private readonly metric: DistanceMetric,
  ) {}

  static async create(params: FaceModalityParams = {}): Promise<FaceModality> {
    return new FaceModality(await FaceRecognizer.create(params), params.metric ?? 'cosine');
  }

  load(input: Buffer | string): Promise<RasterImage> {
    return this.recognizer.loadImage(input);
  }

  async extract(sample: RasterImage): Promise<FaceTemplate> {
    const face = await this.recognizer.representLargest(sample);
    return face.template;
  }

  compare(a: FaceTemplate, b: FaceTemplate): Score {
    const c = compareFaceTemplates(a, b, this.metric);
    return { similarity: c.similarity, distance: c.distance };
  }

  encode(t: FaceTemplate): Uint8Array {
    return encodeFaceTemplate(t);
  }

  decode(bytes: Uint8Array): FaceTemplate {
    return decodeFaceTemplate(bytes);
  }

  embed(t: FaceTemplate): Float32Array {
    return t.embedding;
  }
}
