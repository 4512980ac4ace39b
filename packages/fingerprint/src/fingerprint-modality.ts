import { ImageDecodeError, readSampleFile, TemplateFormatError, type Modality, type Score } from '@biofuse/core';
import { FingerprintAcquisitionError } from './errors';
import { extractFingerprint } from './extract/extract';
import { lowQualityReason } from './extract/quality';
import { DEFAULT_EXTRACTION_PARAMS, type ExtractionParams } from './extract/params';
import type { FingerprintImage } from './image/fingerprint-image';
import { FINGERPRINT_IMAGE_FORMATS, isForeignFormat, loadFingerprintImage } from './image/load';
import { centredFingerprintVector, compareFingerprints, prepareTemplate, type PreparedTemplate } from './match/index';
import { parseFingerprintParams, type FingerprintParams } from './params';
import { checkFingerprintTemplate, decodeFingerprintTemplate, encodeFingerprintTemplate, isBiofuseFingerprintTemplate } from './template/encode';
import type { FingerprintTemplate } from './template/fingerprint-template';
import { isIsoTemplate, readIsoTemplate } from './template/iso19794-2';
import { reframeTemplate } from './template/reframe';

/** An image to extract from, or a template stored earlier (ours or an ISO/IEC 19794-2 record). */
export type FingerprintSample = FingerprintImage | FingerprintTemplate;

/**
 * Fingerprint recognition as a biofuse modality: samples are grey images, templates are
 * minutiae sets, two templates compare by Minutia Cylinder-Code with LSS-R consolidation
 * (similarity in [0, 1]), and `embed` gives the fixed-length vector for fusion and 1:N
 * pre-selection; `quality` reports the sample's image quality for quality-weighted fusion. Each template is prepared for matching once and kept while it lives. Template
 * files (ours or ISO/IEC 19794-2, told by their magic bytes) load as samples too, so cross-vendor
 * comparisons run through the same pipeline.
 */
export class FingerprintModality implements Modality<FingerprintSample, FingerprintTemplate> {
  readonly name = 'fingerprint' as const;
  private readonly extraction: ExtractionParams;
  private readonly prepared = new WeakMap<FingerprintTemplate, PreparedTemplate>();

  constructor(readonly params: FingerprintParams = {}) {
    // Parameters built in code meet parseFingerprintParams' checks: a NaN minQuality let every
    // print through, an isoImageSize of [0, 0] put every ISO minutia at (0, 0).
    parseFingerprintParams(params as Readonly<Record<string, unknown>>);
    this.extraction = params.maxMinutiae === undefined ? DEFAULT_EXTRACTION_PARAMS : { ...DEFAULT_EXTRACTION_PARAMS, maxMinutiae: params.maxMinutiae };
  }

  async load(input: Buffer | string): Promise<FingerprintSample> {
    const path = typeof input === 'string' ? input : undefined;
    const bytes = typeof input === 'string' ? await readSampleFile(input) : input;
    const named = (message: string) => (path === undefined ? message : `${path}: ${message}`);
    try {
      // Templates are told from images by their magic bytes, whatever the file is called.
      if (isBiofuseFingerprintTemplate(bytes)) return decodeFingerprintTemplate(bytes);
      if (isIsoTemplate(bytes)) {
        const iso = readIsoTemplate(bytes);
        const size = this.params.isoImageSize;
        if (!size) return iso;
        // Mapped onto the original image, the record takes that image's resolution too.
        return { ...reframeTemplate(iso, size[0], size[1]), dpi: this.params.dpi ?? iso.dpi };
      }
    } catch (err) {
      if (err instanceof TemplateFormatError) throw new TemplateFormatError(named(err.message));
      throw err;
    }
    try {
      return await loadFingerprintImage(bytes, { dpi: this.params.dpi, name: path });
    } catch (err) {
      // Neither a template nor a readable image format: say what this modality reads, templates included.
      if (!isForeignFormat(err, bytes)) throw err;
      throw new ImageDecodeError('unsupported_format', named(`not a fingerprint image (${FINGERPRINT_IMAGE_FORMATS}) or template (.bfp, ISO/IEC 19794-2 record)`), { cause: err });
    }
  }

  async extract(sample: FingerprintSample): Promise<FingerprintTemplate> {
    if ('minutiae' in sample) {
      checkFingerprintTemplate(sample);
      // A stored template is held to the extractor's own minimum: with fewer minutiae every
      // comparison is 0 and every fixed-length vector the same, a silent non-result.
      const least = this.extraction.minMinutiae;
      if (sample.minutiae.count < least) throw new FingerprintAcquisitionError('too_few_minutiae', `the template holds ${sample.minutiae.count} minutiae (at least ${least} are needed)`);
      return sample;
    }
    const { template, qualityFeatures } = extractFingerprint(sample, { params: this.extraction });
    const min = this.params.minQuality;
    if (min !== undefined && template.quality < min) {
      const why = lowQualityReason(qualityFeatures, min);
      const message = `quality ${template.quality} is below the minimum of ${min}${why ? `: ${why}` : ''}`;
      throw new FingerprintAcquisitionError('low_quality', message, sample.source);
    }
    return template;
  }

  compare(a: FingerprintTemplate, b: FingerprintTemplate): Score {
    const result = compareFingerprints(this.prepare(a), this.prepare(b));
    const d = result.details;
    return {
      similarity: result.similarity,
      // Minutiae near the print's edge get no cylinder, so these counts can be below the templates'.
      details: d ? { minutiaeWithCylinderA: d.minutiaeA, minutiaeWithCylinderB: d.minutiaeB, candidatePairs: d.candidatePairs, scorePairs: d.scorePairs } : undefined,
    };
  }

  encode(t: FingerprintTemplate): Uint8Array {
    return encodeFingerprintTemplate(t);
  }

  decode(b: Uint8Array): FingerprintTemplate {
    return decodeFingerprintTemplate(b);
  }

  /** The minutia-pair vector, centred on a synthetic population and at unit length (cosine = dot product). */
  embed(t: FingerprintTemplate): Float32Array {
    return centredFingerprintVector(this.prepare(t));
  }

  /** The template's NFIQ-like image quality (ISO records: their finger quality), 0-100, as [0, 1]. */
  quality(t: FingerprintTemplate): number {
    checkFingerprintTemplate(t);
    return Math.min(1, Math.max(0, t.quality / 100));
  }

  private prepare(t: FingerprintTemplate): PreparedTemplate {
    let p = this.prepared.get(t);
    if (!p) {
      // prepareTemplate checks the template (one built in code meets what decoding would refuse).
      p = prepareTemplate(t);
      this.prepared.set(t, p);
    }
    return p;
  }
}
