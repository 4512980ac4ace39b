import type { RasterImage } from '@biofuse/core';
import { affineScale, invertAffine, type Affine } from './similarity';

export type BorderMode = 'replicate' | 'constant';

export interface WarpOptions {
  /** How pixels outside the source are filled: edge replication (default) or a constant grey. */
  readonly border?: BorderMode;
  readonly borderValue?: number;
}

/**
 * Resamples `image` into a `width x height` RGB crop, where `toCrop` maps source pixel
 * coordinates to crop coordinates (pixel centres at integer + 0.5). Bilinear interpolation;
 * when the crop shrinks the source by more than 2x, the source is first box-averaged so
 * that fine texture does not alias. Output values are 0..255 floats, interleaved RGB.
 */
export function warpAffine(image: RasterImage, toCrop: Affine, width: number, height: number, options: WarpOptions = {}): Float32Array {
  const shrink = Math.floor(1 / Math.max(affineScale(toCrop), 1e-9));
  if (shrink >= 2) {
    const reduced = boxReduce(image, shrink);
    // The reduced image's pixel (u, v) covers source pixels [u*shrink, (u+1)*shrink).
    const fromReduced: Affine = [
      toCrop[0] * shrink, toCrop[1] * shrink, toCrop[2],
      toCrop[3] * shrink, toCrop[4] * shrink, toCrop[5],
    ];
    return sample(reduced, fromReduced, width, height, options);
  }
  return sample(image, toCrop, width, height, options);
}

function sample(image: RasterImage, toCrop: Affine, width: number, height: number, options: WarpOptions): Float32Array {
  const inverse = invertAffine(toCrop);
  const { width: sw, height: sh, channels, data } = image;
  const out = new Float32Array(width * height * 3);
  const constant = options.border === 'constant';
  const fill = options.borderValue ?? 0;
  const [a, b, c, d, e, f] = inverse;
  for (let y = 0; y < height; y++) {
    const cy = y + 0.5;
    for (let x = 0; x < width; x++) {
      const cx = x + 0.5;
      // Source position in pixel-centre coordinates.
      const sx = a * cx + b * cy + c - 0.5;
      const sy = d * cx + e * cy + f - 0.5;
      const o = (y * width + x) * 3;
      if (constant && (sx < -0.5 || sy < -0.5 || sx > sw - 0.5 || sy > sh - 0.5)) {
        out[o] = fill;
        out[o + 1] = fill;
        out[o + 2] = fill;
        continue;
      }
      const x0f = Math.floor(sx);
      const y0f = Math.floor(sy);
      const wx = sx - x0f;
      const wy = sy - y0f;
      const x0 = x0f < 0 ? 0 : x0f >= sw ? sw - 1 : x0f;
      const x1 = x0f + 1 < 0 ? 0 : x0f + 1 >= sw ? sw - 1 : x0f + 1;
      const y0 = y0f < 0 ? 0 : y0f >= sh ? sh - 1 : y0f;
      const y1 = y0f + 1 < 0 ? 0 : y0f + 1 >= sh ? sh - 1 : y0f + 1;
      const w00 = (1 - wx) * (1 - wy);
      const w01 = wx * (1 - wy);
      const w10 = (1 - wx) * wy;
      const w11 = wx * wy;
      const i00 = (y0 * sw + x0) * channels;
      const i01 = (y0 * sw + x1) * channels;
      const i10 = (y1 * sw + x0) * channels;
      const i11 = (y1 * sw + x1) * channels;
      if (channels === 3) {
        for (let k = 0; k < 3; k++) out[o + k] = w00 * data[i00 + k] + w01 * data[i01 + k] + w10 * data[i10 + k] + w11 * data[i11 + k];
      } else {
        const v = w00 * data[i00] + w01 * data[i01] + w10 * data[i10] + w11 * data[i11];
        out[o] = v;
        out[o + 1] = v;
        out[o + 2] = v;
      }
    }
  }
  return out;
}

/** Averages `factor x factor` blocks (the last partial block averages what it has). */
function boxReduce(image: RasterImage, factor: number): RasterImage {
  const { width, height, channels, data } = image;
  const rw = Math.ceil(width / factor);
  const rh = Math.ceil(height / factor);
  const sums = new Float64Array(rw * rh * channels);
  const counts = new Uint32Array(rw * rh);
  for (let y = 0; y < height; y++) {
    const ry = Math.floor(y / factor);
    for (let x = 0; x < width; x++) {
      const r = ry * rw + Math.floor(x / factor);
      counts[r]++;
      const i = (y * width + x) * channels;
      for (let k = 0; k < channels; k++) sums[r * channels + k] += data[i + k];
    }
  }
  const out = new Uint8Array(rw * rh * channels);
  for (let r = 0; r < rw * rh; r++) for (let k = 0; k < channels; k++) out[r * channels + k] = Math.round(sums[r * channels + k] / counts[r]);
  return { width: rw, height: rh, channels, data: out };
}
