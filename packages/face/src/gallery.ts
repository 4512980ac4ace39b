import { enrolFolder, enrolSamples, Gallery, type Candidate, type EnrolmentReport, type GalleryOpenOptions } from '@biofuse/core';
import { checkSimilarityThreshold } from './embed/card';
import type { FaceInput, FaceRecognizer } from './recognizer';
import { encodeFaceTemplate, FACE_TEMPLATE_VERSION } from './template';

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
 * FaceRecognizer configuration. Opening a gallery with another configuration fails (stale).
 */
export class FaceGallery {
  private constructor(
    readonly recognizer: FaceRecognizer,
    private readonly gallery: Gallery,
  ) {}

  static async open(path: string, recognizer: FaceRecognizer, opts: GalleryOpenOptions = {}): Promise<FaceGallery> {
    const gallery = await Gallery.open(path, { modality: 'face', model: recognizer.modelId, templateVersion: FACE_TEMPLATE_VERSION, dims: recognizer.dims }, opts);
    return new FaceGallery(recognizer, gallery);
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
    // Checked before the probe is embedded: a bad threshold fails without the work.
    if (options.threshold !== undefined) checkSimilarityThreshold('cosine', options.threshold);
    const face = await this.recognizer.representLargest(image);
    return this.rank(face.template.embedding, options);
  }

  /**
   * Ranks enrolled identities against a precomputed embedding: a template's, or the models' raw
   * outputs concatenated, normalised and weighted as verify takes them (the index scores by inner
   * product, so an embedding of length 5 scored five times its cosine and passed any threshold).
   */
  identifyEmbedding(embedding: Float32Array, options: IdentifyOptions = {}): IdentifyResult {
    return this.rank(this.recognizer.templateFromEmbedding(embedding).embedding, options);
  }

  /** Ranks against a template's embedding (unit length, each model's part weighted). */
  private rank(embedding: Float32Array, options: IdentifyOptions): IdentifyResult {
    // The index ranks by cosine: a threshold out of its range (say 5) accepted no one, silently.
    if (options.threshold !== undefined) checkSimilarityThreshold('cosine', options.threshold);
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
