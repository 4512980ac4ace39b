import { ConfigError } from '@biofuse/core';
import { FingerprintAcquisitionError, type FingerprintAcquisitionFailure } from '../errors';
import { checkFingerprintImage, type FingerprintImage } from '../image/fingerprint-image';
import type { FingerprintTemplate } from '../template/fingerprint-template';
import { minutiaSet, type Minutia, type MinutiaKind } from '../template/minutiae';
import { greyImage, inkImage, minutiaeOverlay, type StageImage } from './debug-images';
import { ridgePeriods } from './frequency';
import { gaborEnhance } from './gabor-enhance';
import { detectMinutiae, type MinutiaCandidate } from './minutiae-detect';
import { removeFalseMinutiae } from './minutiae-filter';
import { normaliseContrast } from './normalise';
import { orientationField, type OrientationField } from './orientation';
import { checkExtractionParams, DEFAULT_EXTRACTION_PARAMS, type ExtractionParams } from './params';
import { CLEAR_FLOW_COHERENCE, imageQuality, type QualityFeatures } from './quality';
import { resampleToDpi } from './resample';
import { segmentFingerprint, type Segmentation } from './segmentation';
import { thinRidges } from './thinning';

export interface ExtractOptions {
  readonly params?: ExtractionParams;
  /** Keep every stage's image (at the working resolution) in the result. */
  readonly debug?: boolean;
}

export interface ExtractionResult {
  readonly template: FingerprintTemplate;
  /** What the template's quality score was computed from. */
  readonly qualityFeatures: QualityFeatures;
  /** Present with `debug`: one image per stage, in pipeline order. */
  readonly stages?: ReadonlyMap<string, StageImage>;
}

/**
 * Image to minutiae template, as a chain of small stages: resample to the working resolution,
 * orientation field, segmentation, contrast normalisation, ridge period, Gabor enhancement,
 * binarisation, thinning, minutiae by crossing number, removal of false minutiae, quality.
 * Throws FingerprintAcquisitionError (no ridges, too small, not a fingerprint, too few
 * minutiae) rather than return a template nobody should trust; with `debug`, the error carries
 * the stage images made before the failure. An image that is not one (sizes that are not whole
 * pixels, pixels short of them, a dpi no sensor has) is a ConfigError, and so are parameters
 * checkExtractionParams refuses.
 */
export function extractFingerprint(image: FingerprintImage, options: ExtractOptions = {}): ExtractionResult {
  checkFingerprintImage(image);
  // A misspelt option ("debg") was ignored.
  const unknown = Object.keys(options).find((k) => k !== 'params' && k !== 'debug');
  if (unknown !== undefined) throw new ConfigError(`unknown extraction option "${unknown}" (known: params, debug)`);
  const p = options.params ?? DEFAULT_EXTRACTION_PARAMS;
  if (p !== DEFAULT_EXTRACTION_PARAMS) checkExtractionParams(p);
  const stages = options.debug ? new Map<string, StageImage>() : undefined;
  // The stages so far go with a failure: they show where and why the print was refused.
  const failure = (reason: FingerprintAcquisitionFailure, message: string) => new FingerprintAcquisitionError(reason, message, image.source, { stages });
  const workingPixels = image.width * image.height * (p.workingDpi / image.dpi) ** 2;
  if (workingPixels > p.maxWorkingPixels) {
    const mm = (v: number) => ((v / image.dpi) * 25.4).toFixed(0);
    throw failure(
      'too_large',
      `${image.width} x ${image.height} pixels at ${image.dpi} dpi is ${mm(image.width)} x ${mm(image.height)} mm, larger than any fingerprint (is the dpi right?)`,
    );
  }
  const { pixels, width, height, scale } = resampleToDpi(image, p.workingDpi);
  stages?.set('input', greyImage(pixels, width, height, 0, 255));

  const field = orientationField(pixels, width, height, p.orientation);
  stages?.set('orientation', orientationImage(field));
  stages?.set('coherence', greyImage(field.coherence, width, height, 0, 1));

  const seg = segmentFingerprint(field, p.segmentation);
  stages?.set('segmentation', greyImage(seg.mask, width, height, 0, 1));
  const mm2PerPixel = (25.4 / p.workingDpi) ** 2;
  if (seg.area === 0) throw failure('no_ridges', 'no ridge area found: the image is blank, flat or without any ridge flow');
  if (seg.area < p.minArea) {
    throw failure('too_small', `the ridge area (${(seg.area * mm2PerPixel).toFixed(1)} mm²) is too small for a usable print`);
  }
  let coherenceSum = 0;
  let clearPixels = 0;
  for (let i = 0; i < seg.mask.length; i++) {
    if (!seg.mask[i]) continue;
    coherenceSum += field.coherence[i];
    if (field.coherence[i] >= CLEAR_FLOW_COHERENCE) clearPixels++;
  }
  const meanCoherence = coherenceSum / seg.area;

  const normalised = normaliseContrast(pixels, width, height, p.normaliseRadius);
  stages?.set('normalised', greyImage(normalised, width, height, -2.5, 2.5));
  const periodMap = ridgePeriods(normalised, field, seg, p.period);
  if (meanCoherence < p.minCoherence || periodMap.measuredShare < p.minPeriodShare) {
    throw failure(
      'not_fingerprint',
      `no regular ridge pattern (mean coherence ${meanCoherence.toFixed(2)}, ridge period measurable in ${(100 * periodMap.measuredShare).toFixed(0)} % of the area)`,
    );
  }
  // Coherent flow and a measurable period in a fifth of the area are not enough: face photos
  // (hair, striped clothes, blinds) passed both with quality 60-90. Over most of a photo the
  // grey level changes more slowly than across any ridge, and where a "period" is measured it
  // is mostly the band's coarse end, where a photo's spectrum keeps rising; a ridge train
  // peaks inside the band. Each test alone refuses the faces seen (see the params).
  if (periodMap.coarseShare > p.maxCoarseShare) {
    throw failure(
      'not_fingerprint',
      `no ridge pattern: across the flow, ${(100 * periodMap.coarseShare).toFixed(0)} % of the area varies mostly more slowly than any ridge (a photo, not a print)`,
    );
  }
  if (periodMap.bandEndShare > p.maxBandEndShare) {
    throw failure(
      'not_fingerprint',
      `no ridge period: in ${(100 * periodMap.bandEndShare).toFixed(0)} % of the blocks with one, the strongest period is an end of the ${p.period.minPeriod}-${p.period.maxPeriod} px range searched at ${p.workingDpi} dpi, not a peak inside it (a photo, not ridges; or a print at another resolution than ${image.dpi} dpi?)`,
    );
  }

  const enhanced = enhanceRidges(normalised, field, seg, periodMap.periods, p, stages);
  const binary = new Uint8Array(width * height);
  for (let i = 0; i < binary.length; i++) binary[i] = seg.mask[i] && enhanced[i] > 0 ? 1 : 0;
  stages?.set('binary', inkImage(binary, width, height));
  const skeleton = thinRidges(binary, width, height);
  stages?.set('skeleton', inkImage(skeleton, width, height));

  const candidates = detectMinutiae(skeleton, seg.mask, field, p.detect);
  const kept = removeFalseMinutiae(candidates, seg.mask, width, height, p.filter);
  const ranked = rankByQuality(kept, field).slice(0, p.maxMinutiae);
  stages?.set('minutiae', minutiaeOverlay(skeleton, width, height, ranked));
  if (ranked.length < p.minMinutiae) {
    throw failure('too_few_minutiae', `only ${ranked.length} reliable minutiae found (at least ${p.minMinutiae} are needed)`);
  }

  const back = (v: number) => (v + 0.5) / scale - 0.5;
  const minutiae: Minutia[] = ranked.map((m) => ({ x: back(m.x), y: back(m.y), angle: m.angle, kind: m.kind, quality: m.quality }));
  const qualityFeatures: QualityFeatures = { areaMm2: seg.area * mm2PerPixel, meanCoherence, clearShare: clearPixels / seg.area, periodShare: periodMap.measuredShare, minutiae: ranked.length };
  const quality = imageQuality(qualityFeatures);
  const template: FingerprintTemplate = { width: image.width, height: image.height, dpi: image.dpi, quality, minutiae: minutiaSet(minutiae) };
  return stages ? { template, qualityFeatures, stages } : { template, qualityFeatures };
}

/**
 * Contextual filtering, repeated: each pass after the first re-estimates the orientation from
 * the previous pass's output and filters that output again. One pass leaves dry prints (ridges
 * broken into dots) and creased areas with gaps that thinning turns into pairs of false
 * endings; the first pass's output has clean enough flow for a sharper orientation, and the
 * second pass closes most of those gaps.
 */
function enhanceRidges(
  normalised: Float32Array,
  field: OrientationField,
  seg: Segmentation,
  periods: Float32Array,
  p: ExtractionParams,
  stages: Map<string, StageImage> | undefined,
): Float32Array {
  const { width, height } = field;
  let enhanced = gaborEnhance(normalised, field, seg, periods, p.gabor);
  for (let pass = 2; pass <= p.enhancementPasses; pass++) {
    stages?.set(`enhanced-pass-${pass - 1}`, greyImage(enhanced, width, height, -1.5, 1.5));
    const refined = orientationField(enhanced, width, height, p.orientation);
    enhanced = gaborEnhance(enhanced, refined, seg, periods, p.gabor);
  }
  stages?.set('enhanced', greyImage(enhanced, width, height, -1.5, 1.5));
  return enhanced;
}

interface RankedMinutia {
  readonly x: number;
  readonly y: number;
  readonly angle: number;
  readonly kind: MinutiaKind;
  readonly quality: number;
}

/** Minutia quality from the clarity of the ridge flow around it; best first. */
function rankByQuality(candidates: readonly MinutiaCandidate[], field: OrientationField): RankedMinutia[] {
  return candidates
    .map((c) => ({ x: c.x, y: c.y, angle: c.angle, kind: c.kind, quality: Math.round(100 * Math.min(1, field.coherence[c.pixel] / 0.8)) }))
    .sort((a, b) => b.quality - a.quality || a.y - b.y || a.x - b.x);
}

/** Orientation as grey level (0 = horizontal ridges, mid-grey = vertical), dimmed where incoherent. */
function orientationImage(field: OrientationField): StageImage {
  const v = new Float32Array(field.orientation.length);
  for (let i = 0; i < v.length; i++) v[i] = (field.orientation[i] / Math.PI) * field.coherence[i];
  return greyImage(v, field.width, field.height, 0, 1);
}

