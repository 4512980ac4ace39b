import { describe, expect, it } from 'vitest';
import { centreVectors, centredFingerprintVector, compareFingerprints, fingerprintVector, populationCentre, prepareTemplate } from './index';
import { MINUTIA_ENDING, minutiaSet } from '../template/minutiae';
import { moved, randomTemplate } from './test-templates';

describe('populationCentre', () => {
  it('hands out a copy: writing into it moves no later embedding', () => {
    const t = randomTemplate(3);
    const before = centredFingerprintVector(t);
    populationCentre().fill(1e6);
    expect(Array.from(centredFingerprintVector(t))).toEqual(Array.from(before));
  });
});

describe('centreVectors', () => {
  it('centres vectors on their mean (or a given centre) and rescales them to unit length', () => {
    const v = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const { vectors, centre } = centreVectors(v, 3);
    expect(Array.from(centre)).toEqual([2.5, 3.5, 4.5]);
    expect(vectors[0]).toBeCloseTo(-1 / Math.sqrt(3), 6);
    const again = centreVectors(Float32Array.from([2.5, 3.5, 4.5]), 3, centre).vectors;
    expect(Array.from(again)).toEqual([0, 0, 0]);
  });
});

describe('fingerprintVector', () => {
  it('is a unit vector, invariant to rotation and translation, closer for a second impression', () => {
    const base = randomTemplate(1);
    const v = fingerprintVector(base);
    expect(v.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 5);
    const p = prepareTemplate(base);
    expect(Array.from(fingerprintVector(p))).toEqual(Array.from(p.vector));
    expect(fingerprintVector(p)).not.toBe(p.vector); // a copy
    const copy = fingerprintVector(moved(base, { rotationDeg: 30, dx: 20, dy: 10, jitterPx: 2, jitterDeg: 4, dropout: 0.1, seed: 2 }));
    const others = Array.from({ length: 20 }, (_, k) => fingerprintVector(randomTemplate(50 + k)));
    // Centred on the mean of all, as a gallery would be.
    const d = v.length;
    const all = new Float32Array((others.length + 2) * d);
    [v, copy, ...others].forEach((x, i) => all.set(x, i * d));
    const c = centreVectors(all, d).vectors;
    const row = (i: number) => c.subarray(i * d, (i + 1) * d);
    const cos = (x: Float32Array, y: Float32Array) => x.reduce((s, a, k) => s + a * y[k], 0);
    const mate = cos(row(0), row(1));
    for (let i = 2; i < others.length + 2; i++) expect(mate).toBeGreaterThan(cos(row(0), row(i)));
    expect(compareFingerprints(p, p).similarity).toBeGreaterThan(0.9);
  });

  it('centred on the synthetic population, stays unit length and ranks a mate above strangers', () => {
    const base = randomTemplate(3);
    const v = centredFingerprintVector(base);
    expect(v.length).toBe(fingerprintVector(base).length);
    expect(v.reduce((s, x) => s + x * x, 0)).toBeCloseTo(1, 5);
    const mate = centredFingerprintVector(moved(base, { rotationDeg: -20, dx: -15, dy: 25, jitterPx: 2, jitterDeg: 4, dropout: 0.1, seed: 9 }));
    const cos = (x: Float32Array, y: Float32Array) => x.reduce((s, a, k) => s + a * y[k], 0);
    const strangers = Array.from({ length: 20 }, (_, k) => cos(v, centredFingerprintVector(randomTemplate(200 + k))));
    expect(cos(v, mate)).toBeGreaterThan(Math.max(...strangers));
  });

  it('centred, stays all zeros for a template with no minutia pair in range, instead of one vector every such template shares', () => {
    // Six minutiae 424 px apart: no pair within the vector's 10-120 px.
    const sparse = (seed: number) => ({
      width: 2400,
      height: 2400,
      dpi: 500,
      quality: 50,
      minutiae: minutiaSet(Array.from({ length: 6 }, (_, i) => ({ x: 100 + 300 * i, y: 100 + 300 * i, angle: (seed + i) % 6, kind: MINUTIA_ENDING, quality: 0 }))),
    });
    const a = centredFingerprintVector(sparse(1));
    const b = centredFingerprintVector(sparse(4));
    expect(fingerprintVector(sparse(1)).every((x) => x === 0)).toBe(true);
    expect(a.every((x) => x === 0)).toBe(true);
    // It was -centre / |centre| for both: cosine 1 between prints with nothing in common.
    expect(a.reduce((s, x, k) => s + x * b[k], 0)).toBe(0);
  });

  it('is all zeros without minutiae pairs', () => {
    const v = fingerprintVector({ ...randomTemplate(1), minutiae: { count: 0, x: new Float32Array(0), y: new Float32Array(0), angle: new Float32Array(0), kind: new Uint8Array(0), quality: new Uint8Array(0) } });
    expect(v.every((x) => x === 0)).toBe(true);
  });
});
