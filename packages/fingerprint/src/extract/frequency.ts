import { coarseRows, coarseVariationShare } from './coarse-variation';
import { fourierRows, rowPower, type FourierRows } from './fourier-rows';
import { signatureMoments, isFlatSignature, type SignatureMoments } from './signature-moments';
import type { OrientationField } from './orientation';
import type { Segmentation } from './segmentation';

export interface RidgePeriodOptions {
  /** Length of the signature taken across the ridges (pixels). */
  readonly window: number;
  /** Plausible ridge periods at the working resolution (pixels). */
  readonly minPeriod: number;
  readonly maxPeriod: number;
  /** Least share of the signature's variance at its strongest period for a block to count as a ridge train. */
  readonly minPeriodicity: number;
}

/** Ridge period (pixels between ridge centres) per segmentation block; 0 outside the print. */
export interface RidgePeriodMap {
  readonly periods: Float32Array;
  /** Share of foreground blocks where a period was measured rather than interpolated. */
  readonly measuredShare: number;
  /**
   * Share of the measured blocks whose strongest period is an end of the plausible band
   * (`minPeriod` or `maxPeriod`): power still rising beyond the band, not a peak inside it.
   * Ridges put a peak at their period; photographs, whose spectra fall steadily with
   * frequency, put most of their strongest periods at the coarse end.
   */
  readonly bandEndShare: number;
  /**
   * Share of foreground blocks whose grey levels across the flow vary mostly (at least
   * COARSE_DOMINANT of the variance) more slowly than any ridge period: see coarse-variation.ts.
   */
  readonly coarseShare: number;
}

/** A block is dominated by coarse variation when at least this share of its signature's variance lies there. */
const COARSE_DOMINANT = 0.5;

/**
 * Ridge period by the oriented signature (Hong, Wan & Jain 1998): grey levels are averaged
 * along the ridge and sampled across it; the mean distance between the signature's peaks is
 * the period. Blocks without a clean signature take the mean of measured neighbours, and the
 * map is smoothed, because the true period changes slowly over a finger.
 */
export function ridgePeriods(pixels: Float32Array, field: OrientationField, seg: Segmentation, opts: RidgePeriodOptions): RidgePeriodMap {
  const { width, height, orientation } = field;
  const { blockSize: bs, blocksX: bx, blocksY: by, blocks } = seg;
  const measured = new Float32Array(bx * by);
  const L = opts.window;
  const along = Math.round(bs / 2);
  const signature = new Float32Array(L);
  let foreground = 0;
  let measuredCount = 0;
  let bandEndCount = 0;
  let coarseCount = 0;
  // Both tables are looked up once an image, not once a block.
  const band = periodGrid(opts.minPeriod, opts.maxPeriod);
  const rows = fourierRows(L, band.map((period) => [1, period] as const));
  const coarse = coarseRows(L, opts.maxPeriod);
  const grid = Float32Array.from(band);
  const finest = grid[0];
  const coarsest = grid[grid.length - 1];
  for (let j = 0; j < by; j++) {
    for (let i = 0; i < bx; i++) {
      if (!blocks[j * bx + i]) continue;
      foreground++;
      const cx = Math.min(width - 1, i * bs + bs / 2);
      const cy = Math.min(height - 1, j * bs + bs / 2);
      const theta = orientation[Math.round(cy) * width + Math.round(cx)];
      // Unit vectors along the ridge (t) and across it (n), in image coordinates (y down).
      const tx = Math.cos(theta);
      const ty = -Math.sin(theta);
      const nx = -ty;
      const ny = tx;
      for (let k = 0; k < L; k++) {
        const u = k - L / 2;
        let sum = 0;
        let n = 0;
        for (let v = -along; v <= along; v++) {
          const x = Math.round(cx + u * nx + v * tx);
          const y = Math.round(cy + u * ny + v * ty);
          if (x < 0 || y < 0 || x >= width || y >= height) continue;
          sum += pixels[y * width + x];
          n++;
        }
        signature[k] = n > 0 ? sum / n : 0;
      }
      const moments = signatureMoments(signature);
      if (coarseVariationShare(signature, coarse, moments) >= COARSE_DOMINANT) coarseCount++;
      const period = signaturePeriod(signature, rows, grid, opts.minPeriodicity, moments);
      if (period > 0) {
        measured[j * bx + i] = period;
        measuredCount++;
        if (period === finest || period === coarsest) bandEndCount++;
      }
    }
  }
  const periods = fillAndSmooth(measured, blocks, bx, by);
  return {
    periods,
    measuredShare: foreground > 0 ? measuredCount / foreground : 0,
    bandEndShare: measuredCount > 0 ? bandEndCount / measuredCount : 0,
    coarseShare: foreground > 0 ? coarseCount / foreground : 0,
  };
}

/**
 * The strongest period of the signature in the plausible band, by evaluating its Fourier sum on
 * a fine grid of periods (a block holds only 3-8 ridges, too few for integer DFT bins). Peak
 * counting fails on capacitive prints whose ridges show as hollow outlines (two peaks per
 * ridge); the spectrum still puts most power at the ridge period. Returns 0 when the power at
 * that period is too small a share of the signature's variance: no regular ridge train.
 */
function signaturePeriod(s: Float32Array, rows: FourierRows, periods: Float32Array, minPeriodicity: number, moments: SignatureMoments): number {
  const L = s.length;
  if (isFlatSignature(moments, L)) return 0;
  const { mean, sumSquares } = moments;
  let bestPower = 0;
  let bestPeriod = 0;
  for (let f = 0; f < rows.count; f++) {
    const power = rowPower(s, mean, rows, f);
    if (power > bestPower) {
      bestPower = power;
      bestPeriod = periods[f];
    }
  }
  // A pure sinusoid puts (L/2) * its sum of squared deviations into its own frequency: share = 1.
  const share = (2 * bestPower) / (L * sumSquares);
  return share >= minPeriodicity ? bestPeriod : 0;
}

const PERIOD_GRID_STEP = 0.25;

/** The periods the signature's power is evaluated at: minPeriod to maxPeriod in steps of PERIOD_GRID_STEP. */
function periodGrid(minPeriod: number, maxPeriod: number): number[] {
  const periods: number[] = [];
  for (let period = minPeriod; period <= maxPeriod + 1e-9; period += PERIOD_GRID_STEP) periods.push(period);
  return periods;
}

function fillAndSmooth(measured: Float32Array, blocks: Uint8Array, bx: number, by: number): Float32Array {
  let values = Float32Array.from(measured);
  let sum = 0;
  let count = 0;
  for (let k = 0; k < values.length; k++) {
    if (values[k] > 0) {
      sum += values[k];
      count++;
    }
  }
  const fallback = count > 0 ? sum / count : 0;
  // Grow measured values into unmeasured foreground blocks, a ring at a time.
  for (let round = 0; round < Math.max(bx, by); round++) {
    let changed = false;
    const next = Float32Array.from(values);
    for (let j = 0; j < by; j++) {
      for (let i = 0; i < bx; i++) {
        const k = j * bx + i;
        if (!blocks[k] || values[k] > 0) continue;
        const mean = measuredMean(values, bx, by, i, j, 1);
        if (mean > 0) {
          next[k] = mean;
          changed = true;
        }
      }
    }
    values = next;
    if (!changed) break;
  }
  const out = new Float32Array(values.length);
  for (let j = 0; j < by; j++) {
    for (let i = 0; i < bx; i++) {
      const k = j * bx + i;
      if (blocks[k]) out[k] = measuredMean(values, bx, by, i, j, 2) || fallback;
    }
  }
  return out;
}

/** Mean of the positive (measured) values in the (2r+1)-square of blocks around (i, j); 0 when none. */
function measuredMean(values: Float32Array, bx: number, by: number, i: number, j: number, r: number): number {
  let s = 0;
  let n = 0;
  for (let jj = Math.max(0, j - r); jj <= Math.min(by - 1, j + r); jj++) {
    for (let ii = Math.max(0, i - r); ii <= Math.min(bx - 1, i + r); ii++) {
      const v = values[jj * bx + ii];
      if (v > 0) {
        s += v;
        n++;
      }
    }
  }
  return n > 0 ? s / n : 0;
}
