import { seededRandom } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import { centreVectors, compareFingerprints, fingerprintVector, preselect, prepareTemplate } from './index';
import { moved, randomTemplate } from './test-templates';

describe('preselect', () => {
  it('returns the k best rows by dot product, best first', () => {
    const r = seededRandom(5);
    const d = 16;
    const n = 500;
    const gallery = Float32Array.from({ length: n * d }, () => r.normal());
    const probe = Float32Array.from({ length: d }, () => r.normal());
    const dots = Array.from({ length: n }, (_, i) => gallery.subarray(i * d, (i + 1) * d).reduce((s, v, k) => s + v * probe[k], 0));
    const expected = dots.map((s, i) => [s, i] as const).sort((x, y) => y[0] - x[0]).slice(0, 20).map(([, i]) => i);
    const { indices, scores } = preselect(probe, gallery, 20);
    expect(Array.from(indices)).toEqual(expected);
    for (let k = 1; k < scores.length; k++) expect(scores[k]).toBeLessThanOrEqual(scores[k - 1]);
    expect(preselect(probe, gallery, 0).indices.length).toBe(0);
    expect(preselect(probe, gallery, 10 * n).indices.length).toBe(n);
    expect(() => preselect(probe, gallery.subarray(0, 17), 3)).toThrow(RangeError);
  });

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

  it('is all zeros without minutiae pairs', () => {
    const v = fingerprintVector({ ...randomTemplate(1), minutiae: { count: 0, x: new Float32Array(0), y: new Float32Array(0), angle: new Float32Array(0), kind: new Uint8Array(0), quality: new Uint8Array(0) } });
    expect(v.every((x) => x === 0)).toBe(true);
  });
});
