import type { FingerprintImage } from '../image/fingerprint-image';

/**
 * Checks on generated images (used by the tests): the dominant ridge period of a square block
 * from its discrete Fourier power spectrum, and the normalised cross-correlation of two
 * sample vectors.
 */

/**
 * Ridge period (px) of the size x size block at (x0, y0): Hann-windowed, mean removed, the
 * strongest spatial frequency with a period between 4 and 24 px, refined by the power-weighted
 * mean radius of its 3 x 3 neighbourhood.
 */
export function blockRidgePeriod(img: FingerprintImage, x0: number, y0: number, size = 64): number {
  const block = new Float64Array(size * size);
  let mean = 0;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) mean += block[y * size + x] = img.pixels[(y0 + y) * img.width + x0 + x];
  mean /= size * size;
  for (let y = 0; y < size; y++) {
    const wy = 0.5 - 0.5 * Math.cos((2 * Math.PI * (y + 0.5)) / size);
    for (let x = 0; x < size; x++) block[y * size + x] = (block[y * size + x] - mean) * wy * (0.5 - 0.5 * Math.cos((2 * Math.PI * (x + 0.5)) / size));
  }
  const rmin = size / 24;
  const rmax = size / 4;
  const span = Math.ceil(rmax) + 1;
  const cos = Float64Array.from({ length: size }, (_, k) => Math.cos((2 * Math.PI * k) / size));
  const sin = Float64Array.from({ length: size }, (_, k) => Math.sin((2 * Math.PI * k) / size));
  // Separable DFT: along rows for kx in [-span, span], then down the columns for ky in [0, span].
  const nk = 2 * span + 1;
  const rowRe = new Float64Array(size * nk);
  const rowIm = new Float64Array(size * nk);
  for (let y = 0; y < size; y++) {
    for (let j = 0; j < nk; j++) {
      const kx = j - span;
      let re = 0;
      let im = 0;
      for (let x = 0; x < size; x++) {
        const k = (((kx * x) % size) + size) % size;
        re += block[y * size + x] * cos[k];
        im -= block[y * size + x] * sin[k];
      }
      rowRe[y * nk + j] = re;
      rowIm[y * nk + j] = im;
    }
  }
  const power = (kx: number, ky: number) => {
    const j = kx + span;
    let re = 0;
    let im = 0;
    for (let y = 0; y < size; y++) {
      const k = (ky * y) % size;
      const c = cos[k];
      const s = -sin[k];
      const a = rowRe[y * nk + j];
      const b = rowIm[y * nk + j];
      re += a * c - b * s;
      im += a * s + b * c;
    }
    return re * re + im * im;
  };
  // Half plane ky >= 0 (the spectrum of a real block is symmetric).
  const grid = new Map<string, number>();
  let best = { kx: 0, ky: 0, p: -1 };
  for (let ky = 0; ky <= span; ky++) {
    for (let kx = -span; kx <= span; kx++) {
      const r = Math.hypot(kx, ky);
      if (r > rmax + 1.5 || (ky === 0 && kx < 0)) continue;
      const p = power(kx, ky);
      grid.set(`${kx},${ky}`, p);
      if (r >= rmin && r <= rmax && p > best.p) best = { kx, ky, p };
    }
  }
  let sw = 0;
  let sr = 0;
  for (let dy = -1; dy <= 1; dy++) {
    for (let dx = -1; dx <= 1; dx++) {
      const p = grid.get(`${best.kx + dx},${best.ky + dy}`);
      if (p === undefined) continue;
      sw += p;
      sr += p * Math.hypot(best.kx + dx, best.ky + dy);
    }
  }
  return size / (sr / sw);
}

/** Pearson correlation of two equally long sample vectors (0 when either is constant). */
export function normalisedCrossCorrelation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** Bilinear sample of an image at (x, y) (pixel centres at integers); NaN outside. */
export function sampleBilinear(img: FingerprintImage, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  if (x0 < 0 || y0 < 0 || x0 >= img.width - 1 || y0 >= img.height - 1) return Number.NaN;
  const fx = x - x0;
  const fy = y - y0;
  const i = y0 * img.width + x0;
  const p = img.pixels;
  const top = p[i] + fx * (p[i + 1] - p[i]);
  const bottom = p[i + img.width] + fx * (p[i + img.width + 1] - p[i + img.width]);
  return top + fy * (bottom - top);
}
