import { ConfigError } from '@biofuse/core';
import { isSensorDpi, MAX_SENSOR_DPI, MIN_SENSOR_DPI } from '../image/fingerprint-image';
import type { DetectOptions } from './minutiae-detect';
import type { FilterOptions } from './minutiae-filter';
import type { GaborOptions } from './gabor-enhance';
import type { OrientationOptions } from './orientation';
import type { RidgePeriodOptions } from './frequency';
import type { SegmentationOptions } from './segmentation';

/** Every extraction parameter, in pixels at `workingDpi`. */
export interface ExtractionParams {
  /** Images are resampled to this resolution before extraction; minutiae are mapped back. */
  readonly workingDpi: number;
  readonly normaliseRadius: number;
  readonly orientation: OrientationOptions;
  readonly segmentation: SegmentationOptions;
  readonly period: RidgePeriodOptions;
  readonly gabor: GaborOptions;
  /** Passes of contextual filtering; each after the first re-estimates the orientation from the last (see enhanceRidges). */
  readonly enhancementPasses: number;
  readonly detect: DetectOptions;
  readonly filter: FilterOptions;
  /** The best minutiae (by quality) kept per template. */
  readonly maxMinutiae: number;
  /** Fewer reliable minutiae than this is a failure to acquire. */
  readonly minMinutiae: number;
  /** Larger images (pixels at the working resolution) are refused before any work: no finger is that big. */
  readonly maxWorkingPixels: number;
  /** Ridge area below this (square pixels) is too small to be a usable print (100 x 100 px at 500 dpi is 5 x 5 mm). */
  readonly minArea: number;
  /** Mean ridge coherence below this is not a fingerprint. */
  readonly minCoherence: number;
  /** A print shows a regular ridge period in at least this share of its area (a photo or text does not). */
  readonly minPeriodShare: number;
  /**
   * At most this share of the ridge area may vary across the flow mostly more slowly than any
   * ridge (RidgePeriodMap.coarseShare): cheeks, collars, hairlines do; ridges do not.
   */
  readonly maxCoarseShare: number;
  /**
   * At most this share of the blocks with a measured period may have it at an end of the
   * period band (RidgePeriodMap.bandEndShare): ridges peak inside the band, photos do not.
   */
  readonly maxBandEndShare: number;
}

/**
 * Defaults, set while developing on FVC2002 DB1_B (see the fingerprint README section). Two
 * later changes were chosen by leave-one-DB-out on the four FVC2002 B sets (for each DB, the
 * candidate with the lowest mean EER on the other three): the second enhancement pass (every
 * fold chose it), then, among 25 single changes of the detection and false-minutia options,
 * a border margin of 3 px instead of 6 (chosen in the DB1, DB3 and DB4 folds; the DB2 fold
 * chose margin 4 with fewer direction steps, which leaves DB2 where it was): with two passes
 * the rim of the ridge area is clean enough that the wider margin dropped true minutiae.
 */
export const DEFAULT_EXTRACTION_PARAMS: ExtractionParams = deepFreeze({
  workingDpi: 500,
  normaliseRadius: 8,
  orientation: { tensorRadius: 6, smoothingRadius: 12 },
  segmentation: { blockSize: 8, relativeEnergy: 0.08, minCoherence: 0.25 },
  period: { window: 40, minPeriod: 4.5, maxPeriod: 16, minPeriodicity: 0.5 },
  gabor: { orientations: 16, sigmaAcross: 3.2, sigmaAlong: 4.2 },
  enhancementPasses: 2,
  detect: { directionSteps: 10, branchReach: 16 },
  filter: { borderMargin: 3, rimReach: 20, shortLink: 12, breakGap: 14, clusterRadius: 10, clusterSize: 3 },
  maxMinutiae: 100,
  minMinutiae: 5,
  maxWorkingPixels: 2048 * 2048,
  minArea: 100 * 100,
  minCoherence: 0.3,
  minPeriodShare: 0.2,
  // The next two were measured with the defaults above, on every FVC2002 B print (320) and
  // every LFW face photo (2,086; 9 of them passed the coherence and period-share tests as
  // prints of quality 63-90). Coarse share: FVC at most 0.10 (99 % at most 0.05), LFW at least
  // 0.33 (99 % at least 0.56), so 0.2 leaves twice the FVC maximum and refuses every photo.
  maxCoarseShare: 0.2,
  // Band-end share, a second opinion: FVC at most 0.024, LFW 99 % above 0.18 (median 0.50),
  // so 0.15 is six times the FVC maximum. FVC prints resized by 0.8, 1.2 or 1.4, as if their
  // dpi were wrong: 1 of 180 above either threshold.
  maxBandEndShare: 0.15,
});

/**
 * Throws ConfigError unless `p` has the shape of DEFAULT_EXTRACTION_PARAMS (every key, no
 * other, finite numbers >= 0), a sensor's working resolution and whole numbers of passes and
 * minutiae. Unchecked, a partial object was an untyped TypeError, a NaN working resolution
 * came out as "no ridge area found" (a caller's bug counted as a failure to acquire), a
 * misspelt key was ignored and 0 enhancement passes ran one.
 */
export function checkExtractionParams(p: ExtractionParams): void {
  checkShape(p, DEFAULT_EXTRACTION_PARAMS, 'extraction parameters');
  if (!isSensorDpi(p.workingDpi)) throw new ConfigError(`extraction parameter workingDpi must be a sensor's resolution, ${MIN_SENSOR_DPI}-${MAX_SENSOR_DPI}, got ${p.workingDpi}`);
  for (const [name, least] of [['enhancementPasses', 1], ['maxMinutiae', 1], ['minMinutiae', 0]] as const) {
    if (!(Number.isInteger(p[name]) && p[name] >= least)) throw new ConfigError(`extraction parameter ${name} must be a whole number >= ${least}, got ${p[name]}`);
  }
}

function checkShape(value: unknown, model: object, path: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${path} must be an object like DEFAULT_EXTRACTION_PARAMS's, got ${JSON.stringify(value)}`);
  const v = value as Record<string, unknown>;
  const unknown = Object.keys(v).find((k) => !Object.hasOwn(model, k));
  if (unknown !== undefined) throw new ConfigError(`unknown extraction parameter ${path === 'extraction parameters' ? '' : `${path}.`}${unknown} (known: ${Object.keys(model).join(', ')})`);
  for (const [key, expected] of Object.entries(model)) {
    const name = path === 'extraction parameters' ? key : `${path}.${key}`;
    if (typeof expected === 'object') checkShape(v[key], expected as object, name);
    else if (!(typeof v[key] === 'number' && Number.isFinite(v[key]) && (v[key] as number) >= 0)) {
      throw new ConfigError(`extraction parameter ${name} must be a finite number >= 0, got ${typeof v[key] === 'number' ? String(v[key]) : (JSON.stringify(v[key]) ?? 'nothing')}`);
    }
  }
}

/** Freezes an object and the objects it holds: defaults that nobody can change by accident. */
function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) deepFreeze(v);
  return Object.freeze(o);
}
