/**
 * A bank of even-symmetric Gabor kernels quantised by orientation and ridge period, each kept
 * as its taps inside a circle, row by row: row r starts at flat offset `rowOffsets[r]` (relative
 * to the centre, in an image of the bank's row stride) and runs `rowLengths[r]` pixels, with
 * its weights next in `weights`. Kernels are built on first use, so a print pays only for the
 * orientations and periods it has.
 */
export interface GaborKernel {
  readonly rowOffsets: Int32Array;
  readonly rowLengths: Int32Array;
  readonly weights: Float32Array;
}

export interface GaborBankOptions {
  /** Orientation steps over [0, pi). */
  readonly orientations: number;
  /** Shortest and longest period (px) and the step between quantised periods. */
  readonly minPeriodPx: number;
  readonly maxPeriodPx: number;
  readonly periodStepPx: number;
  /** Gaussian envelope width as a fraction of the period. */
  readonly sigmaPerPeriod: number;
  /** Taps beyond this many sigmas are dropped. */
  readonly cutoffSigmas: number;
}

export class GaborBank {
  readonly periods: number;
  /** Largest tap distance from the centre, in pixels: images are padded by this much. */
  readonly radius: number;
  /** Row stride of the padded image the offsets index: width + 2 radius. */
  readonly stride: number;
  private readonly kernels: (GaborKernel | undefined)[];

  constructor(
    width: number,
    readonly opts: GaborBankOptions,
  ) {
    this.periods = Math.round((opts.maxPeriodPx - opts.minPeriodPx) / opts.periodStepPx) + 1;
    this.radius = Math.ceil(opts.cutoffSigmas * opts.sigmaPerPeriod * opts.maxPeriodPx);
    this.stride = width + 2 * this.radius;
    this.kernels = new Array(opts.orientations * this.periods);
  }

  /** Index of the kernel nearest to orientation `theta` (rad, [0, pi)) and period (px). */
  index(theta: number, periodPx: number): number {
    const n = this.opts.orientations;
    let o = Math.round((theta / Math.PI) * n) % n;
    if (o < 0) o += n;
    const p = Math.round((periodPx - this.opts.minPeriodPx) / this.opts.periodStepPx);
    return o * this.periods + Math.max(0, Math.min(this.periods - 1, p));
  }

  kernel(index: number): GaborKernel {
    let k = this.kernels[index];
    if (!k) {
      k = this.build(index);
      this.kernels[index] = k;
    }
    return k;
  }

  /**
   * w(x, y) = env(x, y) [cos(2 pi u / P) - m], u the distance across the ridge direction; the
   * mean m is removed so flat regions stay flat, and the kernel is scaled so that an ideal
   * sinusoid of unit amplitude at the kernel's period and orientation answers 1.
   */
  private build(index: number): GaborKernel {
    const { orientations, minPeriodPx, periodStepPx, sigmaPerPeriod, cutoffSigmas } = this.opts;
    const theta = (Math.floor(index / this.periods) * Math.PI) / orientations;
    const period = minPeriodPx + (index % this.periods) * periodStepPx;
    const sigma = sigmaPerPeriod * period;
    const r = Math.min(this.radius, Math.ceil(cutoffSigmas * sigma));
    const r2max = cutoffSigmas * sigma * cutoffSigmas * sigma;
    const s = Math.sin(theta);
    const c = Math.cos(theta);
    const rowOffsets: number[] = [];
    const rowLengths: number[] = [];
    const env: number[] = [];
    const wave: number[] = [];
    for (let dy = -r; dy <= r; dy++) {
      const half = Math.floor(Math.sqrt(Math.max(0, r2max - dy * dy)));
      if (dy * dy > r2max) continue;
      rowOffsets.push(dy * this.stride - half);
      rowLengths.push(2 * half + 1);
      for (let dx = -half; dx <= half; dx++) {
        env.push(Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)));
        wave.push(Math.cos((2 * Math.PI * (-dx * s + dy * c)) / period));
      }
    }
    let sumEnv = 0;
    let sumW = 0;
    for (let t = 0; t < env.length; t++) {
      sumEnv += env[t];
      sumW += env[t] * wave[t];
    }
    const mean = sumW / sumEnv;
    const weights = new Float32Array(env.length);
    let gain = 0;
    for (let t = 0; t < env.length; t++) {
      weights[t] = env[t] * (wave[t] - mean);
      gain += weights[t] * wave[t];
    }
    for (let t = 0; t < weights.length; t++) weights[t] /= gain;
    return { rowOffsets: Int32Array.from(rowOffsets), rowLengths: Int32Array.from(rowLengths), weights };
  }
}
