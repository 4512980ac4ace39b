import { boxBlur } from './blur';
import type { FingerprintImage } from '../image/fingerprint-image';

/**
 * Rescales an image to the working resolution (all extraction parameters are in pixels at
 * 500 dpi). Bilinear; when shrinking by more than 25 % (a 1,000 dpi scan), a box prefilter
 * about one output pixel wide first, so that ridges finer than the new grid do not alias.
 */
export function resampleToDpi(image: FingerprintImage, targetDpi: number): { pixels: Float32Array; width: number; height: number; scale: number } {
  const scale = targetDpi / image.dpi;
  if (Math.abs(scale - 1) < 1e-3) {
    return { pixels: Float32Array.from(image.pixels), width: image.width, height: image.height, scale: 1 };
  }
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const pixels = new Float32Array(width * height);
  const sw = image.width;
  const sh = image.height;
  const src = scale < 0.75 ? boxBlur(Float32Array.from(image.pixels), sw, sh, Math.max(1, Math.round(1 / (2 * scale) - 0.5))) : image.pixels;
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
