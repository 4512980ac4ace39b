import { checkSeed, ConfigError, seededRandom, type Random } from '@biofuse/core';
import type { FingerprintImage } from '../image/fingerprint-image';
import { binomialBlur5 } from './blur';
import { binariseRidges } from './clean-ridges';
import { areaMask, areaRadius, drawFingerprintArea, type FingerprintArea } from './fingerprint-area';
import { drawFingerprintClass, FINGERPRINT_CLASSES, type FingerprintClass } from './fingerprint-class';
import { GaborBank, type GaborBankOptions } from './gabor-bank';
import { growRidges, type RidgeGrowthOptions } from './grow-ridges';
import { orientationField, type OrientationField, type SamplingGrid } from './orientation-field';
import { upsample2Cubic } from './resample';
import { ridgePeriodMap, type RidgePeriodMap } from './ridge-frequency';
import { placeSingularPoints, type SingularPoint } from './singular-points';

/**
 * A master fingerprint: the clean ridge pattern of one synthetic finger at 500 dpi, ridges
 * dark (0) on white (255), white outside the fingerprint area, with the truth it was made from.
 */
export interface SyntheticMaster extends FingerprintImage {
  readonly seed: number;
  readonly fingerprintClass: FingerprintClass;
  /** Cores and deltas, master pixels. */
  readonly singularPoints: readonly SingularPoint[];
  readonly area: FingerprintArea;
  /** Ridge orientation (rad, [0, pi), image coordinates) on a half-resolution grid. */
  readonly orientation: OrientationField;
  /** Mean ridge period of the finger (px). */
  readonly basePeriodPx: number;
}

export interface MasterFingerprintOptions {
  /** Forces the class; the class draw still consumes its number, so the rest of the finger is the same. */
  readonly fingerprintClass?: FingerprintClass;
  /** Relative class frequencies; NATURAL_CLASS_FREQUENCIES by default. */
  readonly classFrequencies?: Readonly<Partial<Record<FingerprintClass, number>>>;
}

/** Tuned constants of the master stage. */
export const MASTER_PARAMS = Object.freeze({
  dpi: 500,
  gabor: Object.freeze<GaborBankOptions>({
    orientations: 32,
    minPeriodPx: 6,
    maxPeriodPx: 13,
    periodStepPx: 0.25,
    sigmaPerPeriod: 0.42,
    cutoffSigmas: 2.2,
  }),
  growth: Object.freeze<RidgeGrowthOptions>({ gain: 3, maxIterations: 40, tolerance: 0.02 }),
  /** Ridges are grown a little beyond the area so they run out of it instead of ending at its border. */
  workRadius: 1.04,
  /** Area of the silhouette per growth seed (px^2). */
  seedSpacingPx2: 4500,
  minRidgePx: 25,
  minValleyPx: 25,
});

/** Canvas margin around the area: room for the Gabor kernels at the border. */
const MARGIN_PX = Math.ceil(MASTER_PARAMS.gabor.cutoffSigmas * MASTER_PARAMS.gabor.sigmaPerPeriod * MASTER_PARAMS.gabor.maxPeriodPx) + 4;

/**
 * Generates one master print, SFinGe's steps in order: class, fingerprint area, singular
 * points, orientation field, ridge frequency map, ridge growth by iterated Gabor filtering,
 * binarisation and cleaning.
 */
export function synthesizeMasterFingerprint(seed: number, opts: MasterFingerprintOptions = {}): SyntheticMaster {
  // The generator keeps 32 bits: 1.5 or 2 ** 32 + 1 would give seed 1's print under another name.
  checkSeed(seed, 'master fingerprint seed');
  if (opts.fingerprintClass !== undefined && !FINGERPRINT_CLASSES.includes(opts.fingerprintClass)) {
    throw new ConfigError(`unknown fingerprint class ${String(opts.fingerprintClass)}`);
  }
  const P = MASTER_PARAMS;
  const rng = seededRandom(seed);
  const drawn = drawFingerprintClass(rng, opts.classFrequencies);
  const cls = opts.fingerprintClass ?? drawn;
  const { area, width, height } = drawFingerprintArea(rng, MARGIN_PX);
  const singularPoints = placeSingularPoints(cls, area, rng);
  // The ridges grow at half resolution (a period of about 4.5 px there): a quarter of the
  // pixels and kernels a quarter the size. Their smooth last response upsamples cleanly.
  const grid: SamplingGrid = { width: Math.ceil(width / 2), height: Math.ceil(height / 2), step: 2 };
  const orientation = orientationField(cls, area, singularPoints, grid, rng);
  const periods = ridgePeriodMap(singularPoints, grid, rng);
  const response = growRidgePattern(area, orientation, periods, rng);
  const field = upsample2Cubic(response, grid.width, grid.height, width, height);
  const ridges = binariseRidges(field, areaMask(area, width, height), width, height, P.minRidgePx, P.minValleyPx);
  return {
    width,
    height,
    dpi: P.dpi,
    pixels: renderMaster(ridges, width, height),
    seed,
    fingerprintClass: cls,
    singularPoints,
    area,
    orientation,
    basePeriodPx: periods.basePeriodPx,
  };
}

/** Ridge growth over the area, on the grid of the orientation and period maps (step 2). */
function growRidgePattern(area: FingerprintArea, orientation: OrientationField, periods: RidgePeriodMap, rng: Random): Float32Array {
  const { width, height, step } = orientation;
  const bank = new GaborBank(width, scaleBank(MASTER_PARAMS.gabor, 1 / step));
  const kernelIndex = new Uint16Array(width * height);
  const work = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      kernelIndex[i] = bank.index(orientation.theta[i], periods.period[i] / step);
      work[i] = areaRadius(area, x * step, y * step) < MASTER_PARAMS.workRadius ? 1 : 0;
    }
  }
  return growRidges(kernelIndex, work, width, height, bank, growthSeeds(area, orientation, rng), MASTER_PARAMS.growth).response;
}

/** Random seed points inside the area, one per `seedSpacingPx2` of its surface, as 3 x 3 discs on the grid. */
function growthSeeds(area: FingerprintArea, grid: SamplingGrid, rng: Random): Float32Array {
  const { width: hw, height: hh, step } = grid;
  const surface = (Math.PI / 4) * (area.left + area.right) * (area.top + area.bottom) + (area.left + area.right) * area.band;
  const n = Math.max(3, Math.round(surface / MASTER_PARAMS.seedSpacingPx2));
  const start = new Float32Array(hw * hh);
  for (let placed = 0; placed < n; ) {
    const x = area.cx - area.left + (area.left + area.right) * rng.next();
    const y = area.cy - area.band / 2 - area.top + (area.top + area.band + area.bottom) * rng.next();
    if (areaRadius(area, x, y) >= 0.95) continue;
    placed++;
    const value = rng.next() < 0.5 ? 1 : -1;
    const cx = Math.round(x / step);
    const cy = Math.round(y / step);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        if (cx + dx >= 0 && cy + dy >= 0 && cx + dx < hw && cy + dy < hh) start[(cy + dy) * hw + cx + dx] = value;
      }
    }
  }
  return start;
}

function scaleBank(g: GaborBankOptions, k: number): GaborBankOptions {
  return { ...g, minPeriodPx: g.minPeriodPx * k, maxPeriodPx: g.maxPeriodPx * k, periodStepPx: g.periodStepPx * k };
}

/** Ridge 1 -> 0 (black), valley 0 -> 255, with anti-aliased edges. */
function renderMaster(ridges: Uint8Array, width: number, height: number): Uint8Array {
  const soft = binomialBlur5(Float32Array.from(ridges), width, height);
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(255 * (1 - soft[i]));
  return pixels;
}
