import { ConfigError, type Modality, type RasterImage, type Score } from '@biofuse/core';
import { compareFaceTemplates } from './compare';
import { DETECTOR_NAMES, type DetectorName } from './detect/cascade';
import { DISTANCE_METRICS, type DistanceMetric } from './embed/card';
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
  if (p.detector !== undefined && !(DETECTOR_NAMES as readonly string[]).includes(p.detector)) {
    throw new ConfigError(`face params: detector must be one of ${DETECTOR_NAMES.join(', ')}`);
  }
  if (p.landmarks !== undefined && p.landmarks !== 'mesh' && p.landmarks !== 'detector') throw new ConfigError('face params: landmarks must be "mesh" or "detector"');
  if (p.metric !== undefined && !DISTANCE_METRICS.includes(p.metric)) throw new ConfigError(`face params: metric must be one of ${DISTANCE_METRICS.join(', ')}`);
  for (const key of ['expandPercentage', 'minConfidence', 'minFaceSize', 'maxFaces', 'maxPixels'] as const) {
    if (p[key] !== undefined && !(typeof p[key] === 'number' && Number.isFinite(p[key]))) throw new ConfigError(`face params: ${key} must be a number`);
  }
  // "false" in a YAML file is a string that would switch a flag on.
  for (const key of ['flip', 'align', 'enforceDetection'] as const) {
    if (p[key] !== undefined && typeof p[key] !== 'boolean') throw new ConfigError(`face params: ${key} must be true or false, got ${JSON.stringify(p[key])}`);
  }
  for (const key of ['minFaceSize', 'expandPercentage'] as const) {
    if (p[key] !== undefined && (p[key] as number) < 0) throw new ConfigError(`face params: ${key} must be >= 0`);
  }
  if (p.maxFaces !== undefined && !(Number.isInteger(p.maxFaces) && p.maxFaces >= 1)) throw new ConfigError('face params: maxFaces must be a whole number >= 1');
  if (p.maxPixels !== undefined && !(p.maxPixels > 0)) throw new ConfigError('face params: maxPixels must be > 0');
  const models = p.models as unknown;
  const listed = 'face params: models must be a model name, a card path or a list of names or { model, weight }';
  if (models !== undefined && typeof models !== 'string' && !Array.isArray(models)) throw new ConfigError(listed);
  // Each entry too: { model: 5 } or null was a TypeError deep in model loading.
  if (Array.isArray(models)) {
    if (models.length === 0) throw new ConfigError(`${listed}, not an empty list`);
    models.forEach((m: unknown, i) => {
      const entry = m as { model?: unknown; weight?: unknown } | null;
      const ok =
        typeof m === 'string' ||
        (typeof entry === 'object' && entry !== null && typeof entry.model === 'string' && (entry.weight === undefined || (typeof entry.weight === 'number' && Number.isFinite(entry.weight) && entry.weight >= 0)));
      if (!ok) throw new ConfigError(`${listed}; entry ${i} is ${JSON.stringify(m)}`);
    });
  }
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
    const [face] = await this.recognizer.represent(sample);
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
