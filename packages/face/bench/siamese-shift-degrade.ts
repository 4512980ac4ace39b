/**
 * The reproducible domain shift of the Siamese shift benchmark (issue 7, target b): a stand-in
 * for surveillance or NIR cameras, applied to the ALIGNED face chip (the model's input, e.g.
 * 150 x 150 RGB for dlib-resnet) after normal detection and alignment on the original image.
 *   - 'low-res':    grey, area-downscale to size x size, + Gaussian noise, bilinear back up;
 *   - 'blur-noise': grey, Gaussian blur (sigma `blur` px at chip scale), + Gaussian noise.
 * The noise is seeded per image (shift seed + image name), so the shift does not depend on
 * which worker process embeds which image.
 */
import { createHash } from 'node:crypto';
import { seededRandom } from '@biofuse/core';

export type ShiftKind = 'low-res' | 'blur-noise';
export const SHIFT_KINDS: readonly ShiftKind[] = ['low-res', 'blur-noise'];

export interface ShiftOptions {
  readonly kind: ShiftKind;
  /** low-res: side of the grey thumbnail (default 24). */
  readonly size: number;
  /** Standard deviation of the additive Gaussian noise, in grey levels 0..255. */
  readonly noise: number;
  /** blur-noise: Gaussian blur sigma in chip pixels. */
  readonly blur: number;
  readonly seed: number;
}

export interface Chip {
  readonly width: number;
  readonly height: number;
  /** Interleaved RGB, 0..255. */
  readonly pixels: Float32Array;
}

/** A 32-bit seed from the shift seed and the image name. */
export function imageSeed(seed: number, image: string): number {
  return createHash('sha1').update(`${seed}|${image}`).digest().readUInt32LE(0);
}

export function grey(chip: Chip): Float32Array {
  const n = chip.width * chip.height;
  const out = new Float32Array(n);
  const p = chip.pixels;
  for (let i = 0; i < n; i++) out[i] = 0.299 * p[i * 3] + 0.587 * p[i * 3 + 1] + 0.114 * p[i * 3 + 2];
  return out;
}

/** Area-average downscale (box filter over the source footprint of each target pixel). */
export function areaResize(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const out = new Float32Array(dw * dh);
  const fx = sw / dw;
  const fy = sh / dh;
  for (let y = 0; y < dh; y++) {
    const y0 = y * fy;
    const y1 = y0 + fy;
    for (let x = 0; x < dw; x++) {
      const x0 = x * fx;
      const x1 = x0 + fx;
      let sum = 0;
      let area = 0;
      for (let sy = Math.floor(y0); sy < Math.min(sh, Math.ceil(y1)); sy++) {
        const wy = Math.min(y1, sy + 1) - Math.max(y0, sy);
        for (let sx = Math.floor(x0); sx < Math.min(sw, Math.ceil(x1)); sx++) {
          const w = wy * (Math.min(x1, sx + 1) - Math.max(x0, sx));
          sum += w * src[sy * sw + sx];
          area += w;
        }
      }
      out[y * dw + x] = sum / area;
    }
  }
  return out;
}

/** Bilinear resize with pixel-centre alignment (as cv2.INTER_LINEAR). */
function bilinearResize(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const out = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * (sh / dh) - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, sh - 1);
    const ty = fy - y0;
    for (let x = 0; x < dw; x++) {
      const fx = Math.min(Math.max((x + 0.5) * (sw / dw) - 0.5, 0), sw - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, sw - 1);
      const tx = fx - x0;
      const top = src[y0 * sw + x0] * (1 - tx) + src[y0 * sw + x1] * tx;
      const bottom = src[y1 * sw + x0] * (1 - tx) + src[y1 * sw + x1] * tx;
      out[y * dw + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/** Separable Gaussian blur, edges clamped. */
function gaussianBlur(src: Float32Array, w: number, h: number, sigma: number): Float32Array {
  if (!(sigma > 0)) return src.slice();
  const r = Math.ceil(3 * sigma);
  const kernel = new Float32Array(2 * r + 1);
  let total = 0;
  for (let i = -r; i <= r; i++) total += kernel[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i] /= total;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += kernel[k + r] * src[y * w + Math.min(w - 1, Math.max(0, x + k))];
      tmp[y * w + x] = s;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += kernel[k + r] * tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x];
      out[y * w + x] = s;
    }
  }
  return out;
}

/** The degraded chip, same size as the input, grey replicated into RGB, clamped to 0..255. */
export function degradeChip(chip: Chip, shift: ShiftOptions, image: string): Chip {
  const { width, height } = chip;
  const rng = seededRandom(imageSeed(shift.seed, image));
  let g = grey(chip);
  if (shift.kind === 'low-res') {
    const small = areaResize(g, width, height, shift.size, shift.size);
    for (let i = 0; i < small.length; i++) small[i] += shift.noise * rng.normal();
    g = bilinearResize(small, shift.size, shift.size, width, height);
  } else {
    g = gaussianBlur(g, width, height, shift.blur);
    for (let i = 0; i < g.length; i++) g[i] += shift.noise * rng.normal();
  }
  const pixels = new Float32Array(width * height * 3);
  for (let i = 0; i < g.length; i++) {
    const v = Math.min(255, Math.max(0, g[i]));
    pixels[i * 3] = v;
    pixels[i * 3 + 1] = v;
    pixels[i * 3 + 2] = v;
  }
  return { width, height, pixels };
}
