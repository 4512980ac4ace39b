import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { symmetricEigen } from './symmetric-eigen';

describe('symmetric eigen-decomposition', () => {
  it('finds eigenvalues and orthonormal eigenvectors that rebuild the matrix', () => {
    const a = [4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 1];
    const n = 3;
    const { values, vectors } = symmetricEigen(a, n);
    expect(values[0]).toBeGreaterThanOrEqual(values[1]);
    expect(values[1]).toBeGreaterThanOrEqual(values[2]);
    expect(values[0] + values[1] + values[2]).toBeCloseTo(8, 10); // trace
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rebuilt = 0;
        let dot = 0;
        for (let k = 0; k < n; k++) {
          rebuilt += vectors[i * n + k] * values[k] * vectors[j * n + k];
          dot += vectors[k * n + i] * vectors[k * n + j];
        }
        expect(rebuilt).toBeCloseTo(a[i * n + j], 10);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });
  it('handles a diagonal matrix', () => {
    expect(Array.from(symmetricEigen([1, 0, 0, 5], 2).values)).toEqual([5, 1]);
  });

  it('gives the same decomposition in any unit (an absolute threshold returned [1e-12, 1e-12] for the second matrix)', () => {
    for (const scale of [1, 1e-6, 1e-12, 1e-200, 1e6, 1e200]) {
      const { values, vectors } = symmetricEigen([1, 0.9, 0.9, 1].map((x) => x * scale), 2);
      expect(values[0] / scale).toBeCloseTo(1.9, 12);
      expect(values[1] / scale).toBeCloseTo(0.1, 12);
      expect(Math.abs(vectors[0])).toBeCloseTo(Math.SQRT1_2, 12); // first component along (1, 1)
      expect(Math.abs(vectors[2])).toBeCloseTo(Math.SQRT1_2, 12);
    }
    // A power of two changes nothing but the values' unit, to the bit.
    const a = [4, 1, 2, 1, 3, 0.5, 2, 0.5, 5];
    const ref = symmetricEigen(a, 3);
    const scaled = symmetricEigen(a.map((x) => x * 2 ** -30), 3);
    expect(Array.from(scaled.vectors)).toEqual(Array.from(ref.vectors));
    expect(Array.from(scaled.values, (v) => v * 2 ** 30)).toEqual(Array.from(ref.values));
    // Not a power of two: the same to rounding (the 3 x 3 at 1e-8 was wrong in the 8th digit).
    const small = symmetricEigen(a.map((x) => x * 1e-8), 3);
    small.values.forEach((v, i) => expect(Math.abs(v / 1e-8 - ref.values[i])).toBeLessThan(1e-13));
  });

  it('throws ConfigError for a size that does not fit, or an entry that is not a finite number', () => {
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/a 2 x 2 matrix has 4 values, got 3/);
    expect(() => symmetricEigen([1, 2, 3, 4, 5], 2)).toThrow(ConfigError);
    for (const n of [1.5, -1, Number.NaN]) expect(() => symmetricEigen([1], n)).toThrow(/n must be a whole number/);
    expect(() => symmetricEigen([1, 0, 0, Number.NaN], 2)).toThrow(/entry \(1, 1\) is NaN/);
    expect(() => symmetricEigen([1, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 1], 2)).toThrow(ConfigError);
    expect(() => symmetricEigen([1], 1, { maxSweeps: 0 })).toThrow(/maxSweeps/);
    expect(symmetricEigen([], 0).values.length).toBe(0);
    expect(Array.from(symmetricEigen([0, 0, 0, 0], 2).values)).toEqual([0, 0]);
  });
});
