import { ConfigError, enrolFolder, enrolSamples, Gallery, StaleGalleryError, type Candidate, type EnrolmentReport, type GalleryIdentity, type GalleryOpenOptions } from '@biofuse/core';
import { checkSimilarityThreshold } from './embed/card';
import type { FaceInput, FaceRecognizer } from './recognizer';
import { encodeFaceTemplate, FACE_TEMPLATE_VERSION, OLDEST_FACE_TEMPLATE_VERSION } from './template';

export interface IdentifyOptions {
  /** How many candidates to return. Default 5. */
  readonly k?: number;
  /** Cosine similarity (in [-1, 1]) a candidate needs to be accepted; default the card's threshold at FMR = 1e-3. */
  readonly threshold?: number;
}

export interface IdentifyResult {
  readonly candidates: readonly (Candidate & { readonly accepted: boolean })[];
  /** The decision threshold, or undefined when neither given nor calibrated (ranking only). */
  readonly threshold?: number;
  readonly model: string;
}

/**
 * 1:N face identification: a Gallery (SQLite records + in-memory index) filled by one
 * FaceRecognizer configuration. Opening a gallery with another configuration fails (stale),
 * and so does one whose models kept their names but not their weights or cards
 * (`embeddingId`).
 */
export class FaceGallery {
  private constructor(
    readonly recognizer: FaceRecognizer,
    private readonly gallery: Gallery,
  ) {}

  static async open(path: string, recognizer: FaceRecognizer, opts: GalleryOpenOptions = {}): Promise<FaceGallery> {
    const spec = { modality: 'face', model: await recognizer.embeddingId(), templateVersion: FACE_TEMPLATE_VERSION, oldestTemplateVersion: OLDEST_FACE_TEMPLATE_VERSION, dims: recognizer.dims };
    try {
      return new FaceGallery(recognizer, await Gallery.open(path, spec, opts));
    } catch (err) {
      if (err instanceof StaleGalleryError && recordsNameOnly(err, { ...spec, model: recognizer.modelId })) {
        throw new StaleGalleryError(
          `gallery ${path} was enrolled before galleries recorded which model weights made their embeddings (it records only "${recognizer.modelId}"), ` +
            'so they cannot be checked against this model\'s: enrol its images again into a new gallery (or delete this one)',
        );
      }
      throw err;
    }
  }

  get size(): number {
    return this.gallery.size;
  }

  /** Enrols each image's largest face under `identity`. Image inputs that are strings are sources. */
  async enroll(identity: string, ...images: FaceInput[]): Promise<EnrolmentReport> {
    return enrolSamples(
      this.gallery,
      identity,
      images,
      async (image) => {
        const face = await this.recognizer.representLargest(image);
        return { template: encodeFaceTemplate(face.template), embedding: face.template.embedding };
      },
      (image) => (typeof image === 'string' && !image.startsWith('data:') ? image : undefined),
      this.recognizer.acquisitionSettings,
    );
  }

  /**
   * Enrols a folder with one sub-folder per identity. Files enrolled before with the same
   * content and acquisition settings (detector, minimum face size...) are skipped; files whose
   * content changed replace their old record.
   */
  async enrollFolder(dir: string, onProgress?: (done: number, total: number) => void): Promise<EnrolmentReport> {
    return enrolFolder(
      this.gallery,
      dir,
      async (bytes) => {
        const face = await this.recognizer.representLargest(bytes);
        return { template: encodeFaceTemplate(face.template), embedding: face.template.embedding };
      },
      onProgress,
      this.recognizer.acquisitionSettings,
    );
  }

  /** Ranks enrolled identities against the largest face of the probe image. */
  async identify(image: FaceInput, options: IdentifyOptions = {}): Promise<IdentifyResult> {
    // Checked before the probe is embedded: a bad k or threshold fails without the work.
    checkIdentifyOptions(options);
    const face = await this.recognizer.representLargest(image);
    return this.rank(face.template.embedding, options);
  }

  /**
   * Ranks enrolled identities against a precomputed embedding: a template's, or the models' raw
   * outputs concatenated, normalised and weighted as verify takes them (the index scores by inner
   * product, so an embedding of length 5 scored five times its cosine and passed any threshold).
   */
  async identifyEmbedding(embedding: Float32Array, options: IdentifyOptions = {}): Promise<IdentifyResult> {
    checkIdentifyOptions(options);
    return this.rank((await this.recognizer.templateFromEmbedding(embedding)).embedding, options);
  }

  /** Ranks against a template's embedding (unit length, each model's part weighted); `options` were checked by the caller, before any work. */
  private rank(embedding: Float32Array, options: IdentifyOptions): IdentifyResult {
    const threshold = options.threshold ?? this.recognizer.thresholds?.cosine?.atFmr1e3;
    const candidates = this.gallery.search(embedding, options.k ?? 5).map((c) => ({ ...c, accepted: threshold !== undefined && c.score >= threshold }));
    return { candidates, threshold, model: this.recognizer.modelId };
  }

  remove(identity: string): number {
    return this.gallery.remove(identity);
  }

  list(): { identity: string; samples: number }[] {
    return this.gallery.list();
  }

  close(): void {
    this.gallery.close();
  }
}

/**
 * Checks identify's options, before any work (the probe's detection and embedding took a second
 * before a k of 0 was refused). The index ranks by cosine: a threshold out of its range (say 5)
 * accepted no one, silently.
 */
function checkIdentifyOptions(options: IdentifyOptions): void {
  const { k, threshold } = options;
  if (k !== undefined && !(Number.isInteger(k) && k > 0)) throw new ConfigError(`identify returns a whole positive number of candidates, got k = ${k}`);
  if (threshold !== undefined) checkSimilarityThreshold('cosine', threshold);
}

/**
 * Whether a stale gallery records `spec` as galleries did before they recorded model digests
 * (the model's name only). Its template version does not matter: either way it is enrolled again.
 */
function recordsNameOnly(err: StaleGalleryError, spec: GalleryIdentity): boolean {
  const { recorded } = err;
  return recorded !== undefined && (['modality', 'model', 'dims'] as const).every((k) => recorded[k] === String(spec[k]));
}
