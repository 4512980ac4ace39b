/** Sobel derivatives (x to the right, y downwards); the outermost rows and columns stay 0 (no full neighbourhood there). */
export function sobel(src: Float32Array, width: number, height: number): { gx: Float32Array; gy: Float32Array } {
  const gx = new Float32Array(src.length);
  const gy = new Float32Array(src.length);
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const a = src[i - width - 1];
      const b = src[i - width];
      const c = src[i - width + 1];
      const d = src[i - 1];
      const f = src[i + 1];
      const g = src[i + width - 1];
      const h = src[i + width];
      const k = src[i + width + 1];
      gx[i] = c + 2 * f + k - a - 2 * d - g;
      gy[i] = g + 2 * h + k - a - 2 * b - c;
    }
  }
  return { gx, gy };
}
