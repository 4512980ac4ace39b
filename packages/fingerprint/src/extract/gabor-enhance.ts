import type { OrientationField } from './orientation';
import type { Segmentation } from './segmentation';

export interface GaborOptions {
  /** Number of orientation bins in the filter bank. */
  readonly orientations: number;
  /** Envelope widths across and along the ridge, in pixels. */
  readonly sigmaAcross: number;
  readonly sigmaAlong: number;
}

/**
 * One filter of the bank as sparse taps. The even Gabor filter is point-symmetric
 * (w(dx, dy) = w(-dx, -dy)), so only the centre and one tap of each symmetric pair are kept:
 * half the multiplications per pixel.
 */
interface GaborKernel {
  /** Largest |dx| or |dy| among the taps. */
  readonly reach: number;
  readonly centre: number;
  /** One tap of each pair: (dx, dy) stands for itself and (-dx, -dy). */
  readonly dx: Int16Array;
  readonly dy: Int16Array;
  readonly weight: Float32Array;
}

const PERIOD_STEP = 0.5;
/** Kernel slot of an (orientation bin, period step) pair: periods are at most this many steps. */
const PERIOD_SLOTS = 128;
const bankCache = new Map<string, (GaborKernel | undefined)[]>();

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
    bank = [];
    bankCache.set(key, bank);
  }
  const bins = opts.orientations;
  // Kernels as offsets into this image's rows, for pixels whose kernel lies inside the frame.
  const linear: (Int32Array | undefined)[] = [];
  for (let y = 0; y < height; y++) {
    const blockRow = Math.floor(y / bs) * bx;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      const step = Math.round(periods[blockRow + Math.floor(x / bs)] / PERIOD_STEP);
      if (step <= 0) continue;
      const bin = Math.round((orientation[i] / Math.PI) * bins) % bins;
      const id = bin * PERIOD_SLOTS + Math.min(step, PERIOD_SLOTS - 1);
      let kernel = bank[id];
      if (!kernel) {
        kernel = gaborKernel((bin * Math.PI) / bins, step * PERIOD_STEP, opts);
        bank[id] = kernel;
      }
      const { dx, dy, weight, reach, centre } = kernel;
      let sum = centre * normalised[i];
      if (x >= reach && y >= reach && x < width - reach && y < height - reach) {
        let offsets = linear[id];
        if (!offsets) {
          offsets = new Int32Array(weight.length);
          for (let k = 0; k < weight.length; k++) offsets[k] = dy[k] * width + dx[k];
          linear[id] = offsets;
        }
        for (let k = 0; k < weight.length; k++) sum += weight[k] * (normalised[i + offsets[k]] + normalised[i - offsets[k]]);
      } else {
        for (let k = 0; k < weight.length; k++) {
          sum += weight[k] * (mirrored(normalised, width, height, x + dx[k], y + dy[k]) + mirrored(normalised, width, height, x - dx[k], y - dy[k]));
        }
      }
      out[i] = sum;
    }
  }
  return out;
}

/** The pixel at (x, y), mirrored at the frame so prints touching the border keep their ridges. */
function mirrored(image: Float32Array, width: number, height: number, x: number, y: number): number {
  const sx = x < 0 ? -x : x >= width ? 2 * width - x - 2 : x;
  const sy = y < 0 ? -y : y >= height ? 2 * height - y - 2 : y;
  return image[sy * width + sx];
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
  // The taps are listed row by row from (-reach, -reach): the centre sits in the middle, and the
  // taps after it mirror those before it, so the first half are one of each pair.
  const half = (w.length - 1) / 2;
  return {
    reach: Math.max(...dx.map(Math.abs), ...dy.map(Math.abs)),
    centre: w[half] / energy,
    dx: Int16Array.from(dx.slice(0, half)),
    dy: Int16Array.from(dy.slice(0, half)),
    weight: Float32Array.from(w.slice(0, half), (v) => v / energy),
  };
}
