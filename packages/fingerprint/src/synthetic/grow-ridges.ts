import type { GaborBank } from './gabor-bank';

export interface RidgeGrowthOptions {
  /** Amplification before clipping to [-1, 1]; above 1 so fronts grow and ridges saturate. */
  readonly gain: number;
  readonly maxIterations: number;
  /** Stop once every pixel is reached and the mean absolute change falls below this. */
  readonly tolerance: number;
}

/**
 * SFinGe's ridge growth: starting from a few seed points (`initial`, zero elsewhere),
 * repeatedly filters the image with the Gabor kernel of each pixel's orientation and period
 * (`kernelIndex` into `bank`) and clips the amplified result to [-1, 1]. Ridges spread out from
 * the seeds by about a kernel radius per pass and lock to the local orientation and period;
 * where two fronts meet out of phase a minutia forms. Only the pixels of `work` are filtered,
 * and only once a non-zero pixel lies within the kernel radius. Returns the linear response of
 * one more pass after convergence (smooth and band-limited, for resampling), row-major over
 * width x height, positive on ridges.
 */
export function growRidges(
  kernelIndex: Uint16Array,
  work: Uint8Array,
  width: number,
  height: number,
  bank: GaborBank,
  initial: Float32Array,
  opts: RidgeGrowthOptions,
): { response: Float32Array; iterations: number } {
  const r = bank.radius;
  const pw = width + 2 * r;
  const ph = height + 2 * r;
  if (bank.stride !== pw) throw new Error(`Gabor bank stride ${bank.stride} does not match the padded width ${pw}`);
  let src = new Float32Array(pw * ph);
  let dst = new Float32Array(pw * ph);

  const count = work.reduce((s, v) => s + v, 0);
  const pix = new Int32Array(count);
  const kid = new Uint16Array(count);
  for (let y = 0, n = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!work[i]) continue;
      pix[n] = (y + r) * pw + x + r;
      kid[n++] = kernelIndex[i];
    }
  }
  // All kernels in use, flattened: kernel i has rows rowStart[i] .. rowStart[i + 1] of rowOffsets
  // and rowLengths, and its weights start at weightStart[i].
  const inUse = new Uint8Array(65536);
  for (let n = 0; n < kid.length; n++) inUse[kid[n]] = 1;
  const used: number[] = [];
  const slot = new Uint16Array(65536);
  for (let k = 0; k < inUse.length; k++) {
    if (!inUse[k]) continue;
    slot[k] = used.length;
    used.push(k);
  }
  const kernels = used.map((k) => bank.kernel(k));
  const rowStart = new Int32Array(used.length + 1);
  const weightStart = new Int32Array(used.length + 1);
  kernels.forEach((k, i) => {
    rowStart[i + 1] = rowStart[i] + k.rowOffsets.length;
    weightStart[i + 1] = weightStart[i] + k.weights.length;
  });
  const rowOffsets = new Int32Array(rowStart[used.length]);
  const rowLengths = new Int32Array(rowStart[used.length]);
  const weights = new Float32Array(weightStart[used.length]);
  kernels.forEach((k, i) => {
    rowOffsets.set(k.rowOffsets, rowStart[i]);
    rowLengths.set(k.rowLengths, rowStart[i]);
    weights.set(k.weights, weightStart[i]);
  });
  for (let n = 0; n < kid.length; n++) kid[n] = slot[kid[n]];

  for (let y = 0; y < height; y++) src.set(initial.subarray(y * width, (y + 1) * width), (y + r) * pw + r);

  const reached = new Uint8Array(pw * ph);
  let allReached = false;
  let iterations = 0;
  const flat: FlatKernels = { rowStart, weightStart, rowOffsets, rowLengths, weights };
  const filter = (gain: number, clip: boolean): number => {
    const change = filterPass(src, dst, pix, kid, flat, allReached ? null : reached, gain, clip);
    const tmp = src;
    src = dst;
    dst = tmp;
    return change / pix.length;
  };
  for (let it = 0; it < opts.maxIterations; it++) {
    iterations = it + 1;
    if (!allReached) allReached = markReached(src, reached, pw, ph, r, pix);
    const change = filter(opts.gain, true);
    if (allReached && change < opts.tolerance) break;
  }
  filter(1, false);
  return { response: unpad(src, width, height, r), iterations };
}

interface FlatKernels {
  readonly rowStart: Int32Array;
  readonly weightStart: Int32Array;
  readonly rowOffsets: Int32Array;
  readonly rowLengths: Int32Array;
  readonly weights: Float32Array;
}

/** One filtering pass from src into dst over the work pixels; returns the summed absolute change. */
function filterPass(
  src: Float32Array,
  dst: Float32Array,
  pix: Int32Array,
  kid: Uint16Array,
  k: FlatKernels,
  reached: Uint8Array | null,
  gain: number,
  clip: boolean,
): number {
  const { rowStart, weightStart, rowOffsets, rowLengths, weights } = k;
  let change = 0;
  for (let n = 0; n < pix.length; n++) {
    const p = pix[n];
    if (reached !== null && reached[p] === 0) continue;
    const kn = kid[n];
    const rowEnd = rowStart[kn + 1];
    let wi = weightStart[kn];
    let s = 0;
    for (let row = rowStart[kn]; row < rowEnd; row++) {
      const base = p + rowOffsets[row];
      const end = base + rowLengths[row];
      for (let q = base; q < end; q++) s += src[q] * weights[wi++];
    }
    s *= gain;
    const v = !clip ? s : s > 1 ? 1 : s < -1 ? -1 : s;
    dst[p] = v;
    change += Math.abs(v - src[p]);
  }
  return change;
}

function unpad(padded: Float32Array, width: number, height: number, r: number): Float32Array {
  const pw = width + 2 * r;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) out.set(padded.subarray((y + r) * pw + r, (y + r) * pw + r + width), y * width);
  return out;
}

/**
 * Marks the pixels with a non-zero value within a (2r+1)^2 window (two passes of running
 * counts); returns whether every work pixel is now reached.
 */
function markReached(src: Float32Array, reached: Uint8Array, pw: number, ph: number, r: number, pix: Int32Array): boolean {
  const rows = new Uint8Array(pw * ph);
  for (let y = 0; y < ph; y++) {
    const base = y * pw;
    let run = 0;
    for (let x = 0; x < pw + r; x++) {
      if (x < pw && src[base + x] !== 0) run++;
      if (x - 2 * r - 1 >= 0 && src[base + x - 2 * r - 1] !== 0) run--;
      const c = x - r;
      if (c >= 0 && c < pw) rows[base + c] = run > 0 ? 1 : 0;
    }
  }
  for (let x = 0; x < pw; x++) {
    let run = 0;
    for (let y = 0; y < ph + r; y++) {
      if (y < ph) run += rows[y * pw + x];
      if (y - 2 * r - 1 >= 0) run -= rows[(y - 2 * r - 1) * pw + x];
      const c = y - r;
      if (c >= 0 && c < ph && run > 0) reached[c * pw + x] = 1;
    }
  }
  for (let n = 0; n < pix.length; n++) if (!reached[pix[n]]) return false;
  return true;
}
