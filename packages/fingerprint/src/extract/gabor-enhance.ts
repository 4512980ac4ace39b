import type { OrientationField } from './orientation';
import type { Segmentation } from './segmentation';

export interface GaborOptions {
  /** Number of orientation bins in the filter bank. */
  readonly orientations: number;
  /** Envelope widths across and along the ridge, in pixels. */
  readonly sigmaAcross: number;
  readonly sigmaAlong: number;
}

/** One filter of the bank as sparse taps: pixel offsets and weights. */
interface GaborKernel {
  /** Largest |dx| or |dy| among the taps. */
  readonly reach: number;
  readonly dx: Int16Array;
  readonly dy: Int16Array;
  readonly weight: Float32Array;
}

const PERIOD_STEP = 0.5;
const bankCache = new Map<string, Map<number, GaborKernel>>();

/**
 * Contextual filtering (Hong, Wan & Jain 1998): every foreground pixel is filtered by the even
 * Gabor filter tuned to its local ridge orientation and period, which joins broken ridges and
 * separates merged ones. Filters come from a bank quantised in orientation and period (built
 * once per parameter set), applied as sparse taps. Positive output = ridge.
 */
export function gaborEnhance(
  normalised: Float32Array,
  field: OrientationField,
  seg: Segmentation,
  periods: Float32Array,
  opts: GaborOptions,
): Float32Array {
  const { width, height, orientation } = field;
  const { blockSize: bs, blocksX: bx, mask } = seg;
  const out = new Float32Array(width * height);
  const key = `${opts.orientations}/${opts.sigmaAcross}/${opts.sigmaAlong}`;
  let bank = bankCache.get(key);
  if (!bank) {
    bank = new Map();
    bankCache.set(key, bank);
  }
  const bins = opts.orientations;
  // Kernels as offsets into this image's rows, for pixels whose kernel lies inside the frame.
  const linear = new Map<number, Int32Array>();
  for (let y = 0; y < height; y++) {
    const blockRow = Math.floor(y / bs) * bx;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      const period = Math.round(periods[blockRow + Math.floor(x / bs)] / PERIOD_STEP) * PERIOD_STEP;
      if (period <= 0) continue;
      const bin = Math.round((orientation[i] / Math.PI) * bins) % bins;
      const id = bin * 1000 + period * 10;
      let kernel = bank.get(id);
      if (!kernel) {
        kernel = gaborKernel((bin * Math.PI) / bins, period, opts);
        bank.set(id, kernel);
      }
      const { dx, dy, weight, reach } = kernel;
      let sum = 0;
      if (x >= reach && y >= reach && x < width - reach && y < height - reach) {
        let offsets = linear.get(id);
        if (!offsets) {
          offsets = new Int32Array(weight.length);
          for (let k = 0; k < weight.length; k++) offsets[k] = dy[k] * width + dx[k];
          linear.set(id, offsets);
        }
        for (let k = 0; k < weight.length; k++) sum += weight[k] * normalised[i + offsets[k]];
      } else {
        for (let k = 0; k < weight.length; k++) {
          let sx = x + dx[k];
          let sy = y + dy[k];
          // Mirror at the frame so prints touching the border keep their ridges.
          if (sx < 0) sx = -sx;
          else if (sx >= width) sx = 2 * width - sx - 2;
          if (sy < 0) sy = -sy;
          else if (sy >= height) sy = 2 * height - sy - 2;
          sum += weight[k] * normalised[sy * width + sx];
        }
      }
      out[i] = sum;
    }
  }
  return out;
}

function gaborKernel(theta: number, period: number, opts: GaborOptions): GaborKernel {
  const tx = Math.cos(theta);
  const ty = -Math.sin(theta);
  const nx = -ty;
  const ny = tx;
  const reach = Math.ceil(2.2 * Math.max(opts.sigmaAcross, opts.sigmaAlong));
  const dx: number[] = [];
  const dy: number[] = [];
  const w: number[] = [];
  for (let y = -reach; y <= reach; y++) {
    for (let x = -reach; x <= reach; x++) {
      const u = x * nx + y * ny;
      const v = x * tx + y * ty;
      const r = (u * u) / (opts.sigmaAcross * opts.sigmaAcross) + (v * v) / (opts.sigmaAlong * opts.sigmaAlong);
      if (r > 4.6) continue; // envelope below 0.1
      dx.push(x);
      dy.push(y);
      w.push(Math.exp(-r / 2) * Math.cos((2 * Math.PI * u) / period));
    }
  }
  // Zero mean: flat regions give no response whatever their grey level.
  const mean = w.reduce((s, v) => s + v, 0) / w.length;
  let energy = 0;
  for (let k = 0; k < w.length; k++) {
    w[k] -= mean;
    energy += Math.abs(w[k]);
  }
  return {
    reach: Math.max(...dx.map(Math.abs), ...dy.map(Math.abs)),
    dx: Int16Array.from(dx),
    dy: Int16Array.from(dy),
    weight: Float32Array.from(w, (v) => v / energy),
  };
}
