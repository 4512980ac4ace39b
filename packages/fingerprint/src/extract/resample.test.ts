import { describe, expect, it } from 'vitest';
import { resampleToDpi } from './resample';

/** Vertical stripes, dark-dark-light, every 3 pixels: finer than a 500 dpi grid when scanned at 1,000 dpi. */
function stripes(width: number, height: number, dpi: number) {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = x % 3 === 2 ? 255 : 0;
  return { width, height, dpi, pixels };
}

function rowSpread(pixels: Float32Array, width: number, y: number): number {
  let mean = 0;
  for (let x = 4; x < width - 4; x++) mean += pixels[y * width + x] / (width - 8);
  let variance = 0;
  for (let x = 4; x < width - 4; x++) variance += (pixels[y * width + x] - mean) ** 2 / (width - 8);
  return Math.sqrt(variance);
}

describe('resampleToDpi', () => {
  it('copies an image already at the working resolution', () => {
    const image = stripes(30, 10, 500);
    const r = resampleToDpi(image, 500);
    expect(r).toMatchObject({ width: 30, height: 10, scale: 1 });
    expect(Array.from(r.pixels)).toEqual(Array.from(image.pixels));
  });

  it('filters before halving a 1,000 dpi scan, so stripes finer than the new grid blur to grey instead of aliasing', () => {
    const r = resampleToDpi(stripes(120, 20, 1000), 500);
    expect(r).toMatchObject({ width: 60, height: 10, scale: 0.5 });
    // Sampling alone would give a false period-3 pattern of 0 / 128 / 128 (spread 60); the mean is 85.
    expect(rowSpread(r.pixels, r.width, 5)).toBeLessThan(5);
    expect(r.pixels[5 * r.width + 30]).toBeCloseTo(85, 0);
  });

  it('keeps ridges at 569 dpi (FVC2002 DB2): a mild shrink needs no prefilter', () => {
    const r = resampleToDpi(stripes(90, 10, 569), 500);
    expect(r.width).toBe(79);
    expect(rowSpread(r.pixels, r.width, 5)).toBeGreaterThan(60);
  });
});
