import { ConfigError } from '@biofuse/core';
import { applyRunScalar, gaborRunKernel, type GaborRunKernel } from './gabor-run-kernel';
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
 *
 * Consecutive pixels of a row that share a filter and whose taps stay inside the frame form a
 * run, filtered by the WebAssembly SIMD kernel (or its scalar twin, with the same numbers:
 * `implementation` 'scalar' forces the twin); pixels nearer the frame read it mirrored.
 */
export function gaborEnhance(
  normalised: Float32Array,
  field: OrientationField,
  seg: Segmentation,
  periods: Float32Array,
  opts: GaborOptions,
  implementation: 'auto' | 'scalar' = 'auto',
): Float32Array {
  const { width, height } = field;
  const bank = filterBank(opts);
  const { ids, used } = filterIds(field, seg, periods, opts, bank);
  const out = new Float32Array(width * height);
  const runs = runFilter(normalised, width, height, used, bank, implementation === 'auto' ? gaborRunKernel() : null);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; ) {
      const i = y * width + x;
      const id = ids[i];
      if (id < 0) {
        x++;
        continue;
      }
      const kernel = bank[id] as GaborKernel;
      const reach = kernel.reach;
      if (y < reach || y >= height - reach || x < reach || x >= width - reach) {
        out[i] = mirroredPixel(normalised, width, height, x, y, kernel);
        x++;
        continue;
      }
      let end = x + 1;
      while (end < width - reach && ids[i + end - x] === id) end++;
      runs(out, i, end - x, id);
      x = end;
    }
  }
  return out;
}

/** Filters `length` pixels from index `start` with filter `id`, into `out`. */
type RunFilter = (out: Float32Array, start: number, length: number, id: number) => void;

/**
 * The run filter for this image: with WebAssembly, the image and this image's tap tables are
 * copied into the kernel's memory once; without, the scalar twin reads them in place.
 */
function runFilter(
  image: Float32Array,
  width: number,
  height: number,
  used: readonly number[],
  bank: readonly (GaborKernel | undefined)[],
  kernel: GaborRunKernel | null,
): RunFilter {
  const offsets = new Map<number, Int32Array>();
  for (const id of used) {
    const { dx, dy } = bank[id] as GaborKernel;
    offsets.set(id, Int32Array.from(dx, (v, k) => dy[k] * width + v));
  }
  if (!kernel) {
    return (out, start, length, id) => {
      const { weight, centre } = bank[id] as GaborKernel;
      applyRunScalar(image, out, start, length, offsets.get(id) as Int32Array, weight, centre);
    };
  }
  // Memory: the image between margins (a run's last lane group may read up to 3 pixels past
  // the run, whose taps then reach just past the image), the output, then the tap tables.
  const n = width * height;
  const margin = align16(4 * (width + 4));
  const srcByte = margin;
  const dstByte = align16(srcByte + 4 * n + margin);
  const tableByte = new Map<number, number>();
  let next = align16(dstByte + 4 * (n + 4));
  for (const id of used) {
    tableByte.set(id, next);
    next += 8 * (offsets.get(id) as Int32Array).length;
  }
  const buffer = kernel.memory(next);
  new Float32Array(buffer, srcByte, n).set(image);
  const words = new Int32Array(buffer);
  const floats = new Float32Array(buffer);
  for (const id of used) {
    const o = offsets.get(id) as Int32Array;
    const w = (bank[id] as GaborKernel).weight;
    const base = (tableByte.get(id) as number) >> 2;
    for (let k = 0; k < o.length; k++) {
      words[base + 2 * k] = 4 * o[k];
      floats[base + 2 * k + 1] = w[k];
    }
  }
  return (out, start, length, id) => {
    const k = bank[id] as GaborKernel;
    kernel.run(srcByte + 4 * start, dstByte, (length + 3) >> 2, tableByte.get(id) as number, k.weight.length, k.centre);
    out.set(floats.subarray(dstByte >> 2, (dstByte >> 2) + length), start);
  };
}

const align16 = (bytes: number) => (bytes + 15) & ~15;

/** The filter bank for these options (kernels are built as pixels ask for them). */
function filterBank(opts: GaborOptions): (GaborKernel | undefined)[] {
  // Filter ids (bin x PERIOD_SLOTS + slot) are kept in an Int16Array.
  if (!(Number.isInteger(opts.orientations) && opts.orientations >= 1 && opts.orientations <= 255)) {
    throw new ConfigError(`Gabor orientations must be a whole number in 1..255, got ${opts.orientations}`);
  }
  const key = `${opts.orientations}/${opts.sigmaAcross}/${opts.sigmaAlong}`;
  let bank = bankCache.get(key);
  if (!bank) {
    bank = [];
    bankCache.set(key, bank);
  }
  return bank;
}

/**
 * Each pixel's filter (orientation bin x period step), building missing ones; -1 = not
 * filtered. Also lists the filters this image uses.
 */
function filterIds(
  field: OrientationField,
  seg: Segmentation,
  periods: Float32Array,
  opts: GaborOptions,
  bank: (GaborKernel | undefined)[],
): { ids: Int16Array; used: number[] } {
  const { width, height, orientation } = field;
  const { blockSize: bs, blocksX: bx, mask } = seg;
  const bins = opts.orientations;
  const ids = new Int16Array(width * height).fill(-1);
  const seen = new Uint8Array(bins * PERIOD_SLOTS);
  const used: number[] = [];
  for (let y = 0; y < height; y++) {
    const blockRow = Math.floor(y / bs) * bx;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      const step = Math.round(periods[blockRow + Math.floor(x / bs)] / PERIOD_STEP);
      if (step <= 0) continue;
      const bin = Math.round((orientation[i] / Math.PI) * bins) % bins;
      // Periods past the last slot share its filter, built for the slot's period (not for whichever image came first).
      const slot = Math.min(step, PERIOD_SLOTS - 1);
      const id = bin * PERIOD_SLOTS + slot;
      if (!seen[id]) {
        seen[id] = 1;
        used.push(id);
        bank[id] ??= gaborKernel((bin * Math.PI) / bins, slot * PERIOD_STEP, opts);
      }
      ids[i] = id;
    }
  }
  return { ids, used };
}

/** One pixel near the frame, reading the image mirrored at its edges (the scalar twin's arithmetic). */
function mirroredPixel(image: Float32Array, width: number, height: number, x: number, y: number, kernel: GaborKernel): number {
  const f = Math.fround;
  const { dx, dy, weight } = kernel;
  let acc = f(kernel.centre * image[y * width + x]);
  for (let k = 0; k < weight.length; k++) {
    acc = f(acc + f(weight[k] * f(mirrored(image, width, height, x + dx[k], y + dy[k]) + mirrored(image, width, height, x - dx[k], y - dy[k]))));
  }
  return acc;
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
    centre: Math.fround(w[half] / energy),
    dx: Int16Array.from(dx.slice(0, half)),
    dy: Int16Array.from(dy.slice(0, half)),
    weight: Float32Array.from(w.slice(0, half), (v) => v / energy),
  };
}
