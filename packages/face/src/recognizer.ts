import { AsyncLocalStorage } from 'node:async_hooks';
import { AcquisitionError, bytesFromDataUrl, checkRasterImage, ConfigError, decodeImage, ImageDecodeError, TemplateFormatError, type RasterImage } from '@biofuse/core';
import { alignFace, uprightCrop, type FaceCrop } from './align/align';
import { expandTemplate, type LandmarkTemplate, type Landmarks } from './align/templates';
import { compareFaceTemplates } from './compare';
import { createDetector, type DetectorChoice } from './detect/cascade';
import { SkipDetector } from './detect/skip';
import type { FaceBox, FaceDetection, FaceDetector } from './detect/types';
import { checkSimilarityThreshold, DISTANCE_METRICS, type CalibratedThreshold, type DistanceMetric } from './embed/card';
import { l2NormalizeRows, type Embedding, type FaceEmbedder } from './embed/embedder';
import { modelTemplate } from './embed/model-template';
import { createEmbedder } from './embed/registry';
import { resolveModels, type ModelChoice, type ModelMember, type ResolvedModels } from './ensemble';
import { FaceNotDetectedError, FaceTemplateMismatchError } from './errors';
import { checkRecognizerOptions } from './options';
import { sha256 } from './runtime/load-model';
import { checkFaceTemplate, faceTemplateId, type FaceTemplate } from './template';

/** An image: a file path, a `data:image/...;base64,` URL, encoded bytes, or decoded pixels. */
export type FaceInput = string | Buffer | Uint8Array | RasterImage;

export interface FaceRecognizerOptions extends DetectorChoice {
  /** A model name, an ensemble card, a card path, or several models with weights. Default 'dlib-resnet'. */
  readonly models?: string | readonly ModelChoice[];
  /** Align with a similarity transform onto each model's template (default), or crop the box upright. */
  readonly align?: boolean;
  /**
   * Test-time augmentation: also embed the mirrored crop and average the two (about twice the
   * embedding cost; raises TAR at low FMR). Default false.
   */
  readonly flip?: boolean;
  /** Widen the face region by this percentage before cropping (deepface's expand_percentage), 0-200. */
  readonly expandPercentage?: number;
  /** Detector candidates below this confidence (0..1) are dropped; default: each detector's own. */
  readonly minConfidence?: number;
  /**
   * Faces smaller than this (pixels, shorter box side) are ignored. Default 20 with a detector;
   * the `skip` detector (the image is the face) applies it only when given, and then refuses a
   * smaller image as a failure to acquire.
   */
  readonly minFaceSize?: number;
  readonly maxFaces?: number;
  /** When false, an image without a detected face is embedded whole instead of failing. Default true. */
  readonly enforceDetection?: boolean;
  /** Images above this many pixels are refused (default 40 MP). */
  readonly maxPixels?: number;
}

export interface RepresentedFace {
  readonly template: FaceTemplate;
  readonly facialArea: FaceBox;
  readonly confidence: number;
  readonly landmarks: Landmarks;
  /** The detector (and landmark stage) that found the face; 'none' when enforceDetection is off and none was found. */
  readonly detector: string;
}

export interface VerifyOptions {
  readonly metric?: DistanceMetric;
  /** On the similarity scale; default: the calibrated threshold at FMR = 1e-3 from the model card. */
  readonly threshold?: number;
}

export interface VerifyResult {
  readonly verified: boolean;
  readonly similarity: number;
  readonly distance: number;
  readonly metric: DistanceMetric;
  readonly threshold: number;
  readonly thresholdSource: 'calibrated' | 'given';
  readonly model: string;
  readonly detector: string;
  readonly facialAreas: readonly [FaceBox | undefined, FaceBox | undefined];
  /**
   * Wall-clock time of the call, and the time this call spent detecting and embedding, summed
   * over both images: they are processed at once, so the two stage times can add up to more than
   * the total. Calls running concurrently on the same recognizer do not add their own stage times
   * to them (though sharing the CPU, they may slow this call's).
   */
  readonly timings: { readonly totalMs: number; readonly detectMs: number; readonly embedMs: number };
}

interface LoadedMember extends ModelMember {
  readonly embedder: FaceEmbedder;
  /** The landmark template of the model's crops, with `expandPercentage` applied. */
  readonly template: LandmarkTemplate;
}

/**
 * The face pipeline: decode, detect, align per model, embed, fuse. Build it once with
 * `FaceRecognizer.create` (models load on first use and are shared); then `represent`,
 * `verify`, or hand it to a gallery.
 */
export class FaceRecognizer {
  private modelsDigest: Promise<string> | undefined;

  private constructor(
    private readonly models: ResolvedModels,
    private readonly members: readonly LoadedMember[],
    private readonly detector: FaceDetector,
    private readonly options: FaceRecognizerOptions,
  ) {}

  static async create(options: FaceRecognizerOptions = {}): Promise<FaceRecognizer> {
    // Before any model loads: a bad option fails fast, with the option named.
    checkRecognizerOptions(options as Readonly<Record<string, unknown>>, 'face recognizer options');
    const models = await resolveModels(options.models ?? 'dlib-resnet');
    const members: LoadedMember[] = [];
    const expand = options.expandPercentage ?? 0;
    for (const m of models.members) {
      members.push({ ...m, embedder: await createEmbedder(m.card), template: expandTemplate(modelTemplate(m.card), expand) });
    }
    return new FaceRecognizer(models, members, createDetector(options), options);
  }

  /** Names the configuration: models and weights, alignment, detector. Templates carry it, with the models' digest. */
  get modelId(): string {
    const align = this.options.align === false ? 'upright' : 'aligned';
    const expand = this.options.expandPercentage ? `+${this.options.expandPercentage}%` : '';
    return `${this.models.id}/${align}${expand}${this.options.flip ? '+flip' : ''}`;
  }

  /**
   * `modelId` with a digest of what makes its embeddings beyond the names in it: each model's
   * card fields and weights (model-digest.ts) and its weight in the fusion. What a gallery
   * records, so that one enrolled with a model retrained or replaced under the same name is
   * refused rather than searched with embeddings of another space. Templates record it too
   * (`model` and `digest`), and compare only with templates of the same. Computed once (10-40 ms
   * for a shipped model, 1-3 ms per MB of a user's weights).
   */
  async embeddingId(): Promise<string> {
    return faceTemplateId({ model: this.modelId, digest: await this.digest() });
  }

  /** The digest part of `embeddingId`: 16 hex digits. */
  private digest(): Promise<string> {
    this.modelsDigest ??= (async () => {
      const parts: [number, string][] = [];
      for (const m of this.members) parts.push([m.weight, await m.embedder.digest()]);
      return sha256(JSON.stringify(parts)).slice(0, 16);
    })().catch((err: unknown) => {
      // Not kept: a missing file reported now is reported again, not cached.
      this.modelsDigest = undefined;
      throw err;
    });
    return this.modelsDigest;
  }

  /** The configuration thresholds are calibrated for: `modelId` and the detector. */
  get configurationId(): string {
    return `${this.modelId}@${this.detector.name}`;
  }

  /**
   * What besides `modelId` decides a file's template: which face is found (detector, minimum
   * confidence and size) and what happens without one. A gallery keys enrolled files by it
   * too, so that changing these re-enrols them instead of skipping them as unchanged.
   */
  get acquisitionSettings(): string {
    const o = this.options;
    return JSON.stringify({ detector: this.detector.name, minConfidence: o.minConfidence ?? null, minFaceSize: o.minFaceSize ?? null, enforceDetection: o.enforceDetection ?? true });
  }

  /** Length of this configuration's embeddings. */
  get dims(): number {
    return this.members.reduce((s, m) => s + m.card.embeddingSize, 0);
  }

  get detectorName(): string {
    return this.detector.name;
  }

  /** Thresholds calibrated for exactly this configuration, if any. */
  get thresholds(): Partial<Record<DistanceMetric, CalibratedThreshold>> | undefined {
    return this.models.thresholds?.[this.configurationId];
  }

  get cardPath(): string | undefined {
    return this.models.cardPath;
  }

  async loadImage(input: FaceInput): Promise<RasterImage> {
    if (isRaster(input)) return checkRasterImage(input, { maxPixels: this.options.maxPixels, name: 'pixel data' });
    // From JavaScript or a request body: null was a TypeError inside the decoder (an internal error).
    if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
      throw new ImageDecodeError('unsupported_format', `not an image: give a file path, a data URL, encoded bytes or { width, height, channels, data } pixels, got ${input === null ? 'null' : typeof input}`);
    }
    const source = typeof input === 'string' && input.startsWith('data:') ? bytesFromDataUrl(input) : input;
    return decodeImage(source, { maxPixels: this.options.maxPixels });
  }

  /** Faces in an image, largest first. Throws FaceNotDetectedError when there is none and detection is enforced. */
  async detect(input: FaceInput, what = describe(input)): Promise<FaceDetection[]> {
    const image = await this.loadImage(input);
    return this.detectIn(image, what);
  }

  private async detectIn(image: RasterImage, what: string): Promise<FaceDetection[]> {
    const t0 = performance.now();
    const skip = this.detector.wholeImage === true;
    // The default drops a detector's tiny boxes (more often noise than faces). A pre-cropped
    // face is no detector's guess: it is refused only for a minimum the caller set, so small
    // crops (LFW-style chips, low-resolution studies) keep working by default.
    const minFaceSize = this.options.minFaceSize ?? (skip ? undefined : DEFAULT_MIN_FACE_SIZE);
    const faces = await this.detector.detect(image, { minConfidence: this.options.minConfidence, minFaceSize, maxFaces: this.options.maxFaces });
    const clock = stageClock.getStore();
    if (clock) clock.detectMs += performance.now() - t0;
    if (faces.length > 0) return faces;
    if (this.options.enforceDetection !== false) {
      if (skip) throw new AcquisitionError('face_too_small', `${what}: the face crop is ${image.width} x ${image.height} pixels, under minFaceSize ${minFaceSize} (the ${this.detector.name} detector takes the whole image as the face)`);
      throw new FaceNotDetectedError(what, this.detector.name);
    }
    const [whole] = await new SkipDetector().detect(image);
    return [{ ...whole, confidence: 0, detector: 'none' }];
  }

  /** One template per face found (largest first), as deepface's `represent`. */
  async represent(input: FaceInput): Promise<RepresentedFace[]> {
    const image = await this.loadImage(input);
    const what = describe(input);
    const faces = await this.detectIn(image, what);
    const templates = await this.embedFaces(image, faces, what);
    return faces.map((face, i) => represented(face, templates[i]));
  }

  /**
   * The largest face's template, the only one embedded: what enrolment, identification and the
   * modality's extract use. Through `represent` they embedded every face and kept the first (a
   * 12-face group photo: 6.1 s instead of 1.3 s).
   */
  async representLargest(input: FaceInput): Promise<RepresentedFace> {
    const image = await this.loadImage(input);
    const what = describe(input);
    const [face] = await this.detectIn(image, what);
    const [template] = await this.embedFaces(image, [face], what);
    return represented(face, template);
  }

  /** Embeds given faces of one image, one batch per model. `source` names the image in errors (its file, where it has one). */
  embedFaces(image: RasterImage, faces: readonly FaceDetection[], source?: string): Promise<FaceTemplate[]> {
    return this.embedBatch(faces.map((face) => ({ image, face, source })));
  }

  /**
   * Embeds faces of many images in one batch per model (the fast path for galleries and
   * benchmarks). An item's `source` names its image in errors.
   */
  async embedBatch(items: readonly { readonly image: RasterImage; readonly face: FaceDetection; readonly source?: string }[]): Promise<FaceTemplate[]> {
    if (items.length === 0) return [];
    const t0 = performance.now();
    const perModel: Embedding[][] = [];
    for (const member of this.members) {
      const crops = items.map(({ image, face }) => this.cropFor(member, image, face));
      const sources = items.map((item) => item.source);
      if (!this.options.flip) {
        perModel.push(checkEmbeddings(member, await member.embedder.embed(crops), sources));
        continue;
      }
      // The mirrored crops follow the crops: embedding i + n is item i's.
      const both = checkEmbeddings(member, await member.embedder.embed([...crops, ...crops.map(mirror)]), [...sources, ...sources]);
      perModel.push(crops.map((_, i) => meanDirection(both[i], both[i + crops.length])));
    }
    const clock = stageClock.getStore();
    if (clock) clock.embedMs += performance.now() - t0;
    // After the models loaded: each gives the digest of the bytes it loaded, without reading them again.
    const digest = await this.digest();
    return items.map((_, f) => this.fuse(perModel.map((embeddings) => embeddings[f]), digest));
  }

  private cropFor(member: LoadedMember, image: RasterImage, face: FaceDetection): FaceCrop {
    if (this.options.align === false) {
      const { width, height } = member.card.input;
      return uprightCrop(image, face.box, width, height, this.options.expandPercentage ?? 0);
    }
    return alignFace(image, face.landmarks, member.template);
  }

  /** Weighted concatenation: sqrt(w) * unit embedding per model, so cosines average with weights w. */
  private fuse(embeddings: readonly Embedding[], digest: string): FaceTemplate {
    const offsets = new Uint32Array(embeddings.length + 1);
    for (let m = 0; m < embeddings.length; m++) offsets[m + 1] = offsets[m] + embeddings[m].vector.length;
    const embedding = new Float32Array(offsets[embeddings.length]);
    const norms = new Float32Array(embeddings.length);
    for (let m = 0; m < embeddings.length; m++) {
      const scale = Math.sqrt(this.members[m].weight);
      const { vector, norm } = embeddings[m];
      norms[m] = norm;
      for (let i = 0; i < vector.length; i++) embedding[offsets[m] + i] = vector[i] * scale;
    }
    return { model: this.modelId, digest, embedding, norms, offsets };
  }

  /**
   * Wraps a precomputed embedding (a template's, or the models' raw outputs concatenated) for
   * comparison with this configuration: each model's part is normalised and weighted as
   * `represent` does, and its length kept as that model's norm (the euclidean metric's scale).
   * Asynchronous since templates record the models' digest, which is read once from their files.
   */
  async templateFromEmbedding(values: ArrayLike<number>): Promise<FaceTemplate> {
    const dims = this.dims;
    if (values.length !== dims) {
      throw new TemplateFormatError(`embedding has ${values.length} values; ${this.modelId} makes ${dims}`);
    }
    const all = Float32Array.from(values);
    let start = 0;
    const embeddings = this.members.map((member) => {
      const size = member.card.embeddingSize;
      const [embedding] = l2NormalizeRows(all.subarray(start, (start += size)), size);
      if (!(embedding.norm > 0 && Number.isFinite(embedding.norm))) {
        throw new TemplateFormatError(`embedding of ${member.card.name}: ${embedding.norm === 0 ? 'all zeros' : 'values that are not finite numbers'}`);
      }
      return embedding;
    });
    return this.fuse(embeddings, await this.digest());
  }

  /**
   * 1:1 verification. Several faces in an image: every pair is compared and the most similar
   * pair decides, as deepface does. Precomputed templates or embeddings skip detection.
   */
  async verify(a: FaceInput | FaceTemplate | Float32Array | readonly number[], b: FaceInput | FaceTemplate | Float32Array | readonly number[], options: VerifyOptions = {}): Promise<VerifyResult> {
    const metric = options.metric ?? 'cosine';
    if (!DISTANCE_METRICS.includes(metric)) throw new ConfigError(`metric must be one of ${DISTANCE_METRICS.join(', ')}, got ${JSON.stringify(metric)}`);
    if (options.threshold !== undefined) checkSimilarityThreshold(metric, options.threshold);
    const calibrated = this.thresholds?.[metric];
    if (options.threshold === undefined && !calibrated) {
      const known = Object.keys(this.models.thresholds ?? {});
      throw new ConfigError(
        `no calibrated ${metric} threshold for ${this.configurationId}` +
          (known.length ? ` (the card has: ${known.join(', ')})` : '') +
          ': run "biofuse face calibrate" or pass a threshold',
      );
    }
    const threshold = options.threshold ?? calibrated!.atFmr1e3;
    const t0 = performance.now();
    const clock: StageClock = { detectMs: 0, embedMs: 0 };
    const [left, right] = await stageClock.run(clock, () => Promise.all([this.facesOf(a), this.facesOf(b)]));
    let best: { similarity: number; distance: number; i: number; j: number } | undefined;
    for (let i = 0; i < left.length; i++) {
      for (let j = 0; j < right.length; j++) {
        const c = compareFaceTemplates(left[i].template, right[j].template, metric);
        if (!best || c.similarity > best.similarity) best = { ...c, i, j };
      }
    }
    const chosen = best!;
    return {
      verified: chosen.similarity >= threshold,
      similarity: chosen.similarity,
      distance: chosen.distance,
      metric,
      threshold,
      thresholdSource: options.threshold === undefined ? 'calibrated' : 'given',
      model: this.modelId,
      detector: this.detector.name,
      facialAreas: [left[chosen.i].facialArea, right[chosen.j].facialArea],
      timings: { totalMs: performance.now() - t0, ...clock },
    };
  }

  private async facesOf(x: FaceInput | FaceTemplate | Float32Array | readonly number[]): Promise<{ template: FaceTemplate; facialArea?: FaceBox }[]> {
    if (isTemplate(x)) {
      // A caller's object, not decoded bytes: checked as decoding checks, since one five times
      // too long compared as a perfect match with anyone of its direction and a NaN with no one.
      checkFaceTemplate(x);
      // Made by this configuration, or its threshold says nothing about the template: two
      // templates of another model (or of one since retrained) were judged by this one's.
      const own = await this.embeddingId();
      if (faceTemplateId(x) !== own) {
        throw new FaceTemplateMismatchError(faceTemplateId(x), own, `a template given to verify was made by "${faceTemplateId(x)}", this recognizer is "${own}": its threshold does not apply; extract the template again with this recognizer, or verify with the one that made it`);
      }
      return [{ template: x }];
    }
    if (x instanceof Float32Array || Array.isArray(x)) return [{ template: await this.templateFromEmbedding(x as ArrayLike<number>) }];
    return this.represent(x as FaceInput);
  }
}

/**
 * A model's embeddings, refused when one is no direction: all zeros (a black crop through a
 * model without biases) or not finite (an overflow in a user's model). Kept, it made a template
 * whose similarity to anything was 0 or NaN, and verify answered "different people" without a
 * word. It is this face that failed, so it fails to acquire (counted, never dropped), with its
 * image named (`sources[i]`, the i-th embedding's) as a missing face is.
 */
function checkEmbeddings(member: LoadedMember, embeddings: Embedding[], sources: readonly (string | undefined)[]): Embedding[] {
  for (const [i, { vector, norm }] of embeddings.entries()) {
    const finite = Number.isFinite(norm) && vector.every(Number.isFinite);
    if (finite && norm > 0) continue;
    const what = finite ? 'an embedding of zeros' : 'an embedding with values that are not finite numbers';
    const source = sources[i];
    throw new AcquisitionError('embedding_invalid', `${source === undefined ? '' : `${source}: `}model ${member.card.name} gave ${what} for this face; it has no template`);
  }
  return embeddings;
}

function represented(face: FaceDetection, template: FaceTemplate): RepresentedFace {
  return { template, facialArea: face.box, confidence: face.confidence, landmarks: face.landmarks, detector: face.detector };
}

/** The time one call spends detecting and embedding. */
interface StageClock {
  detectMs: number;
  embedMs: number;
}

/**
 * The clock of the verify call a stage runs for. Per call, not per recognizer: concurrent
 * verifications on one recognizer (a server's requests) each report their own stages.
 */
const stageClock = new AsyncLocalStorage<StageClock>();

/** Faces below this many pixels (shorter box side) are dropped when the caller sets no minimum and a detector runs. */
const DEFAULT_MIN_FACE_SIZE = 20;

/** The crop mirrored left-right. */
function mirror(crop: FaceCrop): FaceCrop {
  const { width, height, pixels } = crop;
  const out = new Float32Array(pixels.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + (width - 1 - x)) * 3;
      const to = (y * width + x) * 3;
      out[to] = pixels[from];
      out[to + 1] = pixels[from + 1];
      out[to + 2] = pixels[from + 2];
    }
  }
  return { ...crop, pixels: out };
}

/** The mean of two embeddings' directions (normalised) and of their norms. */
function meanDirection(a: Embedding, b: Embedding): Embedding {
  const vector = new Float32Array(a.vector.length);
  let length = 0;
  for (let i = 0; i < vector.length; i++) {
    vector[i] = a.vector[i] + b.vector[i];
    length += vector[i] * vector[i];
  }
  length = Math.sqrt(length);
  if (length > 0) for (let i = 0; i < vector.length; i++) vector[i] /= length;
  return { vector, norm: (a.norm + b.norm) / 2 };
}

function isRaster(x: unknown): x is RasterImage {
  return typeof x === 'object' && x !== null && 'data' in x && 'width' in x && 'channels' in x && !(x instanceof Uint8Array);
}

function isTemplate(x: unknown): x is FaceTemplate {
  return typeof x === 'object' && x !== null && 'embedding' in x && 'model' in x;
}

function describe(input: FaceInput): string {
  if (typeof input === 'string') return input.startsWith('data:') ? 'data URL image' : input;
  return isRaster(input) ? `${input.width} x ${input.height} image` : 'image buffer';
}
