import { describe, expect, it } from 'vitest';
import { choleskyFactor, choleskySolve } from './cholesky';

describe('Cholesky', () => {
  it('factors and solves a positive-definite system', () => {
    const a = [4, 2, 0.4, 2, 5, 1, 0.4, 1, 3];
    const l = choleskyFactor(a, 3);
    expect(l).toBeDefined();
    // L L^T reproduces A
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += l![i * 3 + k] * l![j * 3 + k];
        expect(s).toBeCloseTo(a[i * 3 + j], 12);
      }
    }
    const x = choleskySolve(l!, [1, 2, 3], 3);
    for (let i = 0; i < 3; i++) expect(a[i * 3] * x[0] + a[i * 3 + 1] * x[1] + a[i * 3 + 2] * x[2]).toBeCloseTo(i + 1, 12);
  });
  it('says when a matrix is not positive definite', () => {
    expect(choleskyFactor([1, 2, 2, 1], 2)).toBeUndefined();
    expect(choleskyFactor([0, 0, 0, 0], 2)).toBeUndefined();
  });
});
