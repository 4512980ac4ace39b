import { describe, expect, it } from 'vitest';
import { seededRandom } from '@biofuse/core';
import { coarseRows, coarseVariationShare } from './coarse-variation';

const signature = (f: (k: number) => number) => Float32Array.from({ length: 40 }, (_, k) => f(k));
const coarse = coarseRows(40, 16);

describe('coarseVariationShare', () => {
  it('is about 0 across ridges and about 1 across a slow swing, by Parseval', () => {
    expect(coarseVariationShare(signature((k) => Math.sin((2 * Math.PI * k) / 9)), coarse)).toBeLessThan(0.05);
    expect(coarseVariationShare(signature((k) => Math.sin((2 * Math.PI * k) / 20)), coarse)).toBeCloseTo(1, 5);
    expect(coarseVariationShare(signature((k) => 3 + Math.cos((2 * Math.PI * k) / 40) + 0.5 * Math.sin((2 * Math.PI * k) / 20)), coarse)).toBeCloseTo(1, 5);
    // White noise spreads its variance evenly: 2 of the 20 bins are coarser than 16 px.
    const random = seededRandom(3);
    let sum = 0;
    for (let trial = 0; trial < 200; trial++) sum += coarseVariationShare(signature(() => random.normal()), coarse);
    expect(sum / 200).toBeGreaterThan(0.07);
    expect(sum / 200).toBeLessThan(0.14);
  });

  it('is 0 for a flat signature (nothing to judge)', () => {
    expect(coarseVariationShare(signature(() => 2), coarse)).toBe(0);
    expect(coarseVariationShare(signature((k) => 0.01 * k), coarse)).toBe(0);
  });
});
