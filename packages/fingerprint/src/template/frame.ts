import type { MinutiaSet } from './minutiae';

/**
 * Whether a minutia at (x, y) belongs to a width x height image. Positions mapped back from the
 * working resolution may fall before the first pixel's centre (half a pixel, more after
 * rounding): anything within one pixel of the frame is this image's.
 */
export function inFrame(x: number, y: number, width: number, height: number): boolean {
  return x > -1 && x < width && y > -1 && y < height;
}

/**
 * The smallest frame, at least `least`, that holds every minutia of the set (inFrame). Growing
 * to the right and bottom cannot hold a minutia left of or above the image: that throws.
 */
export function frameHolding(m: MinutiaSet, least: { readonly width: number; readonly height: number }): { width: number; height: number } {
  let { width, height } = least;
  for (let i = 0; i < m.count; i++) {
    // The smallest whole size beyond the position.
    width = Math.max(width, Math.floor(m.x[i]) + 1);
    height = Math.max(height, Math.floor(m.y[i]) + 1);
  }
  for (let i = 0; i < m.count; i++) {
    if (!inFrame(m.x[i], m.y[i], width, height)) throw new RangeError(`minutia ${i} at (${m.x[i]}, ${m.y[i]}) lies left of or above the image, where no frame holds it`);
  }
  return { width, height };
}
