import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BiometricError, Gallery, ImageDecodeError, readIdentityFolders, type Candidate } from '@biofuse/core';
import type { FaceInput, FaceRecognizer } from './recognizer';
import { encodeFaceTemplate, FACE_TEMPLATE_VERSION } from './template';

export interface EnrolmentReport {
  readonly enrolled: number;
  /** Files already enrolled with the same content. */
  readonly unchanged: number;
  /** Files enrolled before with other content, now replaced. */
  readonly replaced: number;
  /** Samples that could not be enrolled, with the reason (counted as failures to enrol). */
  readonly failed: readonly { readonly source: string; readonly reason: string }[];
}

export interface IdentifyOptions {
  /** How many candidates to return. Default 5. */
  readonly k?: number;
  /** Cosine similarity a candidate needs to be accepted; default the card's threshold at FMR = 1e-3. */
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

  static async open(path: string, recognizer: FaceRecognizer): Promise<FaceGallery> {
    const gallery = await Gallery.open(path, { modality: 'face', model: recognizer.modelId, templateVersion: FACE_TEMPLATE_VERSION, dims: recognizer.dims });
    return new FaceGallery(recognizer, gallery);
  }

  get size(): number {
    return this.gallery.size;
  }

  /** Enrols each image's largest face under `identity`. Image inputs that are strings are sources. */
  async enroll(identity: string, ...images: FaceInput[]): Promise<EnrolmentReport> {
    let enrolled = 0;
    const failed: { source: string; reason: string }[] = [];
    for (const [i, image] of images.entries()) {
      const source = typeof image === 'string' && !image.startsWith('data:') ? resolve(image) : `${identity}#${i + 1}`;
      try {
        const bytes = typeof image === 'string' && !image.startsWith('data:') ? await readSample(image) : undefined;
        const [face] = await this.recognizer.represent(bytes ?? image);
        this.gallery.add(identity, source, contentHash(bytes ?? source), encodeFaceTemplate(face.template), face.template.embedding);
        enrolled++;
      } catch (error) {
        if (!(error instanceof BiometricError)) throw error;
        failed.push({ source, reason: error.message });
      }
    }
    return { enrolled, unchanged: 0, replaced: 0, failed };
  }

  /**
   * Enrols a folder with one sub-folder per identity. Files enrolled before with the same
   * content are skipped; files whose content changed replace their old record.
   */
  async enrollFolder(dir: string, onProgress?: (done: number, total: number) => void): Promise<EnrolmentReport> {
    const listing = await readIdentityFolders(dir);
    let enrolled = 0;
    let unchanged = 0;
    let replaced = 0;
    const failed: { source: string; reason: string }[] = [];
    for (const [i, sample] of listing.samples.entries()) {
      const source = resolve(join(dir, sample.path));
      try {
        const bytes = await readSample(source);
        const hash = contentHash(bytes);
        const previous = this.gallery.findBySource(source);
        if (previous && previous.contentHash === hash && previous.identity === sample.subject) {
          unchanged++;
        } else {
          const [face] = await this.recognizer.represent(bytes);
          if (previous) {
            this.gallery.removeRecord(previous.id);
            replaced++;
          }
          this.gallery.add(sample.subject, source, hash, encodeFaceTemplate(face.template), face.template.embedding);
          enrolled++;
        }
      } catch (error) {
        if (!(error instanceof BiometricError)) throw error;
        failed.push({ source, reason: error.message });
      }
      onProgress?.(i + 1, listing.samples.length);
    }
    return { enrolled, unchanged, replaced, failed };
  }

  /** Ranks enrolled identities against the largest face of the probe image. */
  async identify(image: FaceInput, options: IdentifyOptions = {}): Promise<IdentifyResult> {
    const [face] = await this.recognizer.represent(image);
    return this.identifyEmbedding(face.template.embedding, options);
  }

  identifyEmbedding(embedding: Float32Array, options: IdentifyOptions = {}): IdentifyResult {
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

/** A sample file's bytes; an unreadable file is a failure to enrol (ImageDecodeError 'unreadable'), not a crash. */
async function readSample(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new ImageDecodeError('unreadable', `${path}: cannot read the file (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
}

function contentHash(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
