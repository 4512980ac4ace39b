import type { Random } from '@biofuse/core';

/**
 * Bulk uniform noise in [0, 1) for per-pixel effects: the same sfc32 generator as the core's
 * `seededRandom`, seeded from `rng` and run in a local loop, because a call per pixel through
 * the shared generator costs more than everything else an impression does with the number.
 */
export function uniformNoise(rng: Random, n: number): Float32Array {
  let a = rng.int(0x100000000) | 0;
  let b = rng.int(0x100000000) | 0;
  let c = rng.int(0x100000000) | 0;
  let d = rng.int(0x100000000) | 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    out[i] = (t >>> 0) / 4294967296;
  }
  return out;
}

/**
 * Two passes of a (2r + 1)-wide box filter in each direction (a quadratic B-spline, close to a
 * Gaussian of sigma sqrt(2 r (r + 1) / 3)), edges clamped; running sums, so the cost does not
 * grow with r.
 */
export function boxBlur2(src: Float32Array, width: number, height: number, r: number): Float32Array {
  let a = src;
  for (let pass = 0; pass < 2; pass++) {
    a = boxRows(a, width, height, r);
    a = boxColumns(a, width, height, r);
  }
  return a;
}

function boxRows(src: Float32Array, width: number, height: number, r: number): Float32Array {
  const out = new Float32Array(src.length);
  const norm = 1 / (2 * r + 1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let s = 0;
    for (let i = -r - 1; i < r; i++) s += src[row + (i < 0 ? 0 : i >= width ? width - 1 : i)];
    for (let x = 0; x < width; x++) {
      const add = x + r >= width ? width - 1 : x + r;
      const sub = x - r - 1 < 0 ? 0 : x - r - 1;
      s += src[row + add] - src[row + sub];
      out[row + x] = s * norm;
    }
  }
  return out;
}

function boxColumns(src: Float32Array, width: number, height: number, r: number): Float32Array {
  const out = new Float32Array(src.length);
  const norm = 1 / (2 * r + 1);
  const sum = new Float64Array(width);
  for (let i = -r - 1; i < r; i++) {
    const row = (i < 0 ? 0 : i >= height ? height - 1 : i) * width;
    for (let x = 0; x < width; x++) sum[x] += src[row + x];
  }
  for (let y = 0; y < height; y++) {
    const add = (y + r >= height ? height - 1 : y + r) * width;
    const sub = (y - r - 1 < 0 ? 0 : y - r - 1) * width;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      sum[x] += src[add + x] - src[sub + x];
      out[row + x] = sum[x] * norm;
    }
  }
  return out;
}
