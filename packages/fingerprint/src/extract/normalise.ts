import { boxBlur } from './blur';

/**
 * Local contrast normalisation: each pixel's distance from its neighbourhood mean in units of
 * the neighbourhood's standard deviation, sign flipped so ridges (dark) are positive. Uneven
 * pressure, dry patches and sensor shading then look alike to the later stages.
 */
export function normaliseContrast(pixels: Float32Array, width: number, height: number, radius: number): Float32Array {
  const mean = boxBlur(pixels, width, height, radius, 2);
  const sq = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) sq[i] = (pixels[i] - mean[i]) ** 2;
  const variance = boxBlur(sq, width, height, radius, 2);
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = (mean[i] - pixels[i]) / Math.sqrt(variance[i] + 25);
  return out;
}
