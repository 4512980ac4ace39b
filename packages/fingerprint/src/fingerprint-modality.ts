import type { Modality, Score } from '@biofuse/core';
import { extractFingerprint } from './extract/extract';
import { DEFAULT_EXTRACTION_PARAMS, type ExtractionParams } from './extract/params';
import type { FingerprintImage } from './image/fingerprint-image';
import { loadFingerprintImage } from './image/load';
import { compareFingerprints, fingerprintVector, prepareTemplate, type PreparedTemplate } from './match/index';
import type { FingerprintParams } from './params';
import { decodeFingerprintTemplate, encodeFingerprintTemplate } from './template/encode';
import type { FingerprintTemplate } from './template/fingerprint-template';

/**
 * Fingerprint recognition as a biofuse modality: samples are grey images, templates are
 * minutiae sets, two templates compare by Minutia Cylinder-Code with LSS-R consolidation
 * (similarity in [0, 1]), and `embed` gives the fixed-length vector for fusion and 1:N
 * pre-selection. Each template is prepared for matching once and kept while it lives.
 */
export class FingerprintModality implements Modality<FingerprintImage, FingerprintTemplate> {
  readonly name = 'fingerprint' as const;
  private readonly extraction: ExtractionParams;
  private readonly prepared = new WeakMap<FingerprintTemplate, PreparedTemplate>();

  constructor(readonly params: FingerprintParams = {}) {
    this.extraction = params.maxMinutiae === undefined ? DEFAULT_EXTRACTION_PARAMS : { ...DEFAULT_EXTRACTION_PARAMS, maxMinutiae: params.maxMinutiae };
  }

  load(input: Buffer | string): Promise<FingerprintImage> {
    return loadFingerprintImage(input, { dpi: this.params.dpi });
  }

  async extract(sample: FingerprintImage): Promise<FingerprintTemplate> {
    return extractFingerprint(sample, { params: this.extraction }).template;
  }

  compare(a: FingerprintTemplate, b: FingerprintTemplate): Score {
    const result = compareFingerprints(this.prepare(a), this.prepare(b));
    const d = result.details;
    return {
      similarity: result.similarity,
      details: d ? { minutiaeA: d.minutiaeA, minutiaeB: d.minutiaeB, pairedMinutiae: d.scorePairs } : undefined,
    };
  }

  encode(t: FingerprintTemplate): Uint8Array {
    return encodeFingerprintTemplate(t);
  }

  decode(b: Uint8Array): FingerprintTemplate {
    return decodeFingerprintTemplate(b);
  }

  embed(t: FingerprintTemplate): Float32Array {
    return fingerprintVector(this.prepare(t));
  }

  private prepare(t: FingerprintTemplate): PreparedTemplate {
    let p = this.prepared.get(t);
    if (!p) {
      p = prepareTemplate(t);
      this.prepared.set(t, p);
    }
    return p;
  }
}
