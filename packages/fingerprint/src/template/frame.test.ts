import { describe, expect, it } from 'vitest';
import { checkFingerprintTemplate } from './encode';
import { frameHolding } from './frame';
import { MINUTIA_ENDING, minutiaSet } from './minutiae';

const at = (...points: [number, number][]) => minutiaSet(points.map(([x, y]) => ({ x, y, angle: 1, kind: MINUTIA_ENDING, quality: 50 })));

describe('frameHolding', () => {
  it('keeps a frame that holds the set, and grows one that does not just enough for the checks to pass', () => {
    expect(frameHolding(at([10, 20], [-0.5, 0]), { width: 300, height: 400 })).toEqual({ width: 300, height: 400 });
    const minutiae = at([299, 10], [5, 400.5], [-0.9, -0.9]);
    const frame = frameHolding(minutiae, { width: 300, height: 400 });
    expect(frame).toEqual({ width: 300, height: 401 });
    expect(() => checkFingerprintTemplate({ ...frame, dpi: 500, quality: 0, minutiae })).not.toThrow();
    expect(() => checkFingerprintTemplate({ ...frame, width: 299, dpi: 500, quality: 0, minutiae })).toThrow('lies outside');
    expect(() => checkFingerprintTemplate({ ...frame, height: 400, dpi: 500, quality: 0, minutiae })).toThrow('lies outside');
  });

  it('refuses a minutia left of or above the image, which no frame holds', () => {
    expect(() => frameHolding(at([10, 10], [-1, 5]), { width: 300, height: 400 })).toThrow('minutia 1 at (-1, 5) lies left of or above the image');
    expect(() => frameHolding(at([4, -3]), { width: 1, height: 1 })).toThrow(RangeError);
  });
});
