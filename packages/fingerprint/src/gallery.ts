import { byCodeUnits, ConfigError, DatasetError, enrolFolder, enrolSamples, Gallery, TemplateFormatError, type Candidate, type EnrolmentReport, type GalleryOpenOptions, type GalleryRecord } from '@biofuse/core';
import type { FingerprintModality, FingerprintSample } from './fingerprint-modality';
import { populationCentre } from './match/population-centre';
import { PREPARED_TEMPLATE_VERSION } from './match/prepared-template';
import { FINGERPRINT_TEMPLATE_VERSION, isBiofuseFingerprintTemplate, OLDEST_FINGERPRINT_TEMPLATE_VERSION } from './template/encode';
import type { FingerprintTemplate } from './template/fingerprint-template';

export interface FingerprintIdentifyOptions {
  /** How many candidates to return. Default 5. */
  readonly k?: number;
  /** Identities shortlisted by the fixed-length vector before full minutiae comparison. Default 100. */
  readonly shortlist?: number;
}

/**
 * A gallery candidate as every modality's gallery returns it (identity, score, and the record
 * and source of the enrolled print behind the score), with the minutiae similarity, in [0, 1],
 * as its score.
 */
export interface FingerprintCandidate extends Candidate {
  /** The identity's cosine similarity in the vector pre-selection. */
  readonly vectorScore: number;
}

/**
 * 1:N fingerprint identification: records in a Gallery (SQLite + in-memory vector index), a
 * shortlist by the population-centred fixed-length vector, then every enrolled print of each
 * shortlisted identity compared by the minutiae matcher, which decides the ranking. Decoded
 * templates are kept in memory after their first comparison.
 */
export class FingerprintGallery {
  private readonly decoded = new Map<number, FingerprintTemplate>();

  private constructor(
    readonly modality: FingerprintModality,
    private readonly gallery: Gallery,
  ) {}

  static async open(path: string, modality: FingerprintModality, opts: GalleryOpenOptions = {}): Promise<FingerprintGallery> {
    const spec = { modality: 'fingerprint', model: `biofuse-mcc/prepared-v${PREPARED_TEMPLATE_VERSION}`, templateVersion: FINGERPRINT_TEMPLATE_VERSION, oldestTemplateVersion: OLDEST_FINGERPRINT_TEMPLATE_VERSION, dims: populationCentre().length } as const;
    const gallery = await Gallery.open(path, spec, opts);
    return new FingerprintGallery(modality, gallery);
  }

  get size(): number {
    return this.gallery.size;
  }

  /** Enrols prints (image or template files, or their bytes) under one identity. */
  enroll(identity: string, ...samples: (string | Buffer)[]): Promise<EnrolmentReport> {
    return this.changing(enrolSamples(this.gallery, identity, samples, (sample) => this.templateRecord(sample), (s) => (typeof s === 'string' ? s : undefined), this.settings()));
  }

  /** Enrols a folder with one sub-folder per identity; unchanged files are skipped on a re-run. */
  enrollFolder(dir: string, onProgress?: (done: number, total: number) => void): Promise<EnrolmentReport> {
    return this.changing(enrolFolder(this.gallery, dir, (bytes) => this.templateRecord(bytes), onProgress, this.settings()));
  }

  async identify(sample: string | Buffer | FingerprintSample, options: FingerprintIdentifyOptions = {}): Promise<FingerprintCandidate[]> {
    const loaded = typeof sample === 'string' || Buffer.isBuffer(sample) ? await this.modality.load(sample) : sample;
    return this.identifyTemplate(await this.modality.extract(loaded), options);
  }

  identifyTemplate(probe: FingerprintTemplate, options: FingerprintIdentifyOptions = {}): FingerprintCandidate[] {
    const k = options.k ?? 5;
    const shortlistSize = options.shortlist ?? 100;
    // A negative k sliced candidates off the end, a fraction or 0 was quietly replaced.
    if (!(Number.isInteger(k) && k > 0)) throw new ConfigError(`an identification returns a whole positive number of candidates, got k = ${k}`);
    if (!(Number.isInteger(shortlistSize) && shortlistSize > 0)) throw new ConfigError(`the shortlist is a whole positive number of identities, got ${shortlistSize}`);
    const shortlist = this.gallery.search(this.modality.embed(probe), Math.max(shortlistSize, k));
    const ranked: FingerprintCandidate[] = [];
    for (const c of shortlist) {
      let best = { score: -1, recordId: -1, source: '' };
      for (const record of this.gallery.records(c.identity)) {
        const score = this.modality.compare(probe, this.template(record)).similarity;
        if (score > best.score) best = { score, recordId: record.id, source: record.source };
      }
      ranked.push({ identity: c.identity, ...best, vectorScore: c.score });
    }
    // Ties by code unit, not localeCompare: the order must not depend on the machine's locale.
    return ranked.sort((a, b) => b.score - a.score || byCodeUnits(a.identity, b.identity)).slice(0, k);
  }

  remove(identity: string): number {
    const removed = this.gallery.remove(identity);
    this.forgetRemovedRecords();
    return removed;
  }

  list(): { identity: string; samples: number }[] {
    return this.gallery.list();
  }

  close(): void {
    this.gallery.close();
  }

  /** What besides a file's bytes shapes its template: a file enrolled at another resolution or quality gate is extracted again. */
  private settings(): string {
    const { dpi, minQuality, maxMinutiae, isoImageSize } = this.modality.params;
    return JSON.stringify({ dpi: dpi ?? null, minQuality: minQuality ?? null, maxMinutiae: maxMinutiae ?? null, isoImageSize: isoImageSize ?? null });
  }

  /** Runs an enrolment, then forgets the decoded templates of records it replaced or removed. */
  private async changing<T>(enrolment: Promise<T>): Promise<T> {
    try {
      return await enrolment;
    } finally {
      this.forgetRemovedRecords();
    }
  }

  /**
   * Drops decoded templates whose records are gone (they stayed in memory as long as the gallery
   * was open); the others, and the modality's prepared forms of them, are kept. Ids are never
   * reused (AUTOINCREMENT), so an id still present is still its record.
   */
  private forgetRemovedRecords(): void {
    const live = new Set(this.gallery.recordSources().map((r) => r.id));
    for (const id of this.decoded.keys()) if (!live.has(id)) this.decoded.delete(id);
  }

  /** A record's template, decoded once; a damaged one names the gallery and the record, to be enrolled again. */
  private template(record: GalleryRecord): FingerprintTemplate {
    let t = this.decoded.get(record.id);
    if (!t) {
      try {
        t = this.modality.decode(record.template);
      } catch (err) {
        if (!(err instanceof TemplateFormatError)) throw err;
        const what = `record ${record.id} (${record.identity}, from ${record.source})`;
        // Written by a newer build while this one had the gallery open: not damage, and not to be removed.
        if (isBiofuseFingerprintTemplate(record.template) && record.template[4] > FINGERPRINT_TEMPLATE_VERSION) {
          throw new DatasetError(`${what} holds a template of version ${record.template[4]}, newer than this build of biofuse reads (${FINGERPRINT_TEMPLATE_VERSION}): upgrade biofuse`, this.gallery.path);
        }
        throw new DatasetError(`${what} holds a damaged template (${err.message}): remove it, or enrol its print again`, this.gallery.path);
      }
      this.decoded.set(record.id, t);
    }
    return t;
  }

  private async templateRecord(sample: string | Buffer): Promise<{ template: Uint8Array; embedding: Float32Array }> {
    const template = await this.modality.extract(await this.modality.load(sample));
    return { template: this.modality.encode(template), embedding: this.modality.embed(template) };
  }
}
