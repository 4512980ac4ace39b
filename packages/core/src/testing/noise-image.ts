import type { RasterImage } from '../image/decode';

/**
 * An RGB image of seeded uniform noise (a fixed LCG, so every run and every caller draws the
 * same pixels): what a detector must find nothing in.
 */
export function seededNoiseImage(width: number, height: number, seed: number): RasterImage {
  let s = seed >>> 0;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s >>> 24;
  }
  return { width, height, channels: 3, data };
}
