/** Separable binomial blur [1 4 6 4 1] / 16 (sigma about 1 px), edges clamped; returns a new array. */
export function binomialBlur5(src: Float32Array, width: number, height: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  const at = (v: number, n: number) => (v < 0 ? 0 : v >= n ? n - 1 : v);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      tmp[row + x] =
        (src[row + at(x - 2, width)] + 4 * src[row + at(x - 1, width)] + 6 * src[row + x] + 4 * src[row + at(x + 1, width)] + src[row + at(x + 2, width)]) / 16;
    }
  }
  for (let y = 0; y < height; y++) {
    const r0 = at(y - 2, height) * width;
    const r1 = at(y - 1, height) * width;
    const r2 = y * width;
    const r3 = at(y + 1, height) * width;
    const r4 = at(y + 2, height) * width;
    for (let x = 0; x < width; x++) out[r2 + x] = (tmp[r0 + x] + 4 * tmp[r1 + x] + 6 * tmp[r2 + x] + 4 * tmp[r3 + x] + tmp[r4 + x]) / 16;
  }
  return out;
}

/** Separable Gaussian blur with the given sigma (px), edges clamped; sigma <= 0 returns a copy. */
export function gaussianBlur(src: Float32Array, width: number, height: number, sigma: number): Float32Array {
  if (!(sigma > 0)) return src.slice();
  const r = Math.max(1, Math.ceil(2.5 * sigma));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const tmp = new Float32Array(src.length);
  const row = new Float32Array(width + 2 * r);
  for (let y = 0; y < height; y++) {
    const base = y * width;
    row.set(src.subarray(base, base + width), r);
    row.fill(src[base], 0, r);
    row.fill(src[base + width - 1], r + width);
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let i = 0; i < k.length; i++) s += k[i] * row[x + i];
      tmp[base + x] = s;
    }
  }
  const out = new Float32Array(src.length);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    for (let i = -r; i <= r; i++) {
      const yy = y + i < 0 ? 0 : y + i >= height ? height - 1 : y + i;
      const w = k[i + r];
      const t = yy * width;
      for (let x = 0; x < width; x++) out[o + x] += w * tmp[t + x];
    }
  }
  return out;
}
