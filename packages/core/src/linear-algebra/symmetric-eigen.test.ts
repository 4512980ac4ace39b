import { describe, expect, it } from 'vitest';
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
});
