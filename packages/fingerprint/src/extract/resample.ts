import type { FingerprintImage } from '../image/fingerprint-image';

/**
 * Rescales an image to the working resolution (all extraction parameters are in pixels at
 * 500 dpi). Bilinear, with a small box prefilter when shrinking by more than 25 %.
 */
export function resampleToDpi(image: FingerprintImage, targetDpi: number): { pixels: Float32Array; width: number; height: number; scale: number } {
  const scale = targetDpi / image.dpi;
  const src = image.pixels;
  if (Math.abs(scale - 1) < 1e-3) {
    const pixels = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) pixels[i] = src[i];
    return { pixels, width: image.width, height: image.height, scale: 1 };
  }
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const pixels = new Float32Array(width * height);
  const sw = image.width;
  const sh = image.height;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(sh - 1, Math.max(0, (y + 0.5) / scale - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(sw - 1, Math.max(0, (x + 0.5) / scale - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const fx = sx - x0;
      const top = src[y0 * sw + x0] * (1 - fx) + src[y0 * sw + x1] * fx;
      const bottom = src[y1 * sw + x0] * (1 - fx) + src[y1 * sw + x1] * fx;
      pixels[y * width + x] = top * (1 - fy) + bottom * fy;
    }
  }
  return { pixels, width, height, scale };
}
