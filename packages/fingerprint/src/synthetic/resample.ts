/** Catmull-Rom bicubic upsampling by 2 (pixel centres aligned), clamped at the edges. */
export function upsample2Cubic(src: Float32Array, sw: number, sh: number, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  // Output pixel x sits at source coordinate (x + 0.5) / 2 - 0.5: fractions 0.75 and 0.25 alternate.
  const wts = (f: number) => [((-f + 2) * f - 1) * f * 0.5, ((3 * f - 5) * f * f + 2) * 0.5, ((-3 * f + 4) * f + 1) * f * 0.5, (f - 1) * f * f * 0.5];
  const cx = (v: number, n: number) => (v < 0 ? 0 : v >= n ? n - 1 : v);
  const tmp = new Float32Array(width * sh);
  for (let x = 0; x < width; x++) {
    const u = (x + 0.5) / 2 - 0.5;
    const x0 = Math.floor(u);
    const w = wts(u - x0);
    const xa = cx(x0 - 1, sw);
    const xb = cx(x0, sw);
    const xc = cx(x0 + 1, sw);
    const xd = cx(x0 + 2, sw);
    for (let y = 0; y < sh; y++) {
      const row = y * sw;
      tmp[y * width + x] = w[0] * src[row + xa] + w[1] * src[row + xb] + w[2] * src[row + xc] + w[3] * src[row + xd];
    }
  }
  for (let y = 0; y < height; y++) {
    const v = (y + 0.5) / 2 - 0.5;
    const y0 = Math.floor(v);
    const w = wts(v - y0);
    const ra = cx(y0 - 1, sh) * width;
    const rb = cx(y0, sh) * width;
    const rc = cx(y0 + 1, sh) * width;
    const rd = cx(y0 + 2, sh) * width;
    for (let x = 0; x < width; x++) out[y * width + x] = w[0] * tmp[ra + x] + w[1] * tmp[rb + x] + w[2] * tmp[rc + x] + w[3] * tmp[rd + x];
  }
  return out;
}
