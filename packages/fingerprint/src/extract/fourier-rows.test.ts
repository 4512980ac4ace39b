import { describe, expect, it } from 'vitest';
import { coarseRows } from './coarse-variation';
import { fourierRows } from './fourier-rows';

describe('fourierRows', () => {
  it('gives the numbers the ridge-period and coarse-variation tables had, from one cache', () => {
    // The two tables were built by separate code: cos(2 pi k / period) and cos(2 pi (b + 1) n / L).
    const ridge = fourierRows(40, [[1, 4], [1, 9.25]]);
    const coarse = coarseRows(40, 16);
    expect(coarse.count).toBe(2);
    for (let n = 0; n < 40; n++) {
      expect(ridge.cos[40 + n]).toBe(Math.fround(Math.cos((2 * Math.PI * n) / 9.25)));
      expect(ridge.sin[n]).toBe(Math.fround(Math.sin((2 * Math.PI * n) / 4)));
      for (let b = 0; b < 2; b++) {
        expect(coarse.cos[b * 40 + n]).toBe(Math.fround(Math.cos((2 * Math.PI * (b + 1) * n) / 40)));
        expect(coarse.sin[b * 40 + n]).toBe(Math.fround(Math.sin((2 * Math.PI * (b + 1) * n) / 40)));
      }
    }
    expect(fourierRows(40, [[1, 4], [1, 9.25]])).toBe(ridge);
    expect(coarseRows(40, 16)).toBe(coarse);
    // The same waves at another length are another table.
    expect(fourierRows(41, [[1, 4], [1, 9.25]])).not.toBe(ridge);
  });
});
