import { seededRandom } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import { parseSignatureParams } from '../src/params';
import type { PenTrajectory } from '../src/pen-trajectory';
import { resampleTrajectory, smoothTrajectory } from '../src/preprocess';
import { extractSignatureTemplate } from '../src/template';

function noisyLine(n: number, seed: number): PenTrajectory {
  const rng = seededRandom(seed);
  return {
    x: Float64Array.from({ length: n }, (_, k) => 10 * k + 3 * rng.normal()),
    y: Float64Array.from({ length: n }, (_, k) => 50 * Math.sin(k / 15) + 3 * rng.normal()),
    t: Float64Array.from({ length: n }, (_, k) => 10 * k),
    penDown: new Uint8Array(n).fill(1),
    pressure: Float64Array.from({ length: n }, () => 500 + 20 * rng.normal()),
    azimuth: new Float64Array(n).fill(Number.NaN),
    altitude: new Float64Array(n).fill(Number.NaN),
    warnings: [],
  };
}

const roughness = (a: Float64Array) => {
  let s = 0;
  for (let k = 1; k + 1 < a.length; k++) s += (a[k + 1] - 2 * a[k] + a[k - 1]) ** 2;
  return s / (a.length - 2);
};

describe('preprocessing', () => {
  it('smoothing removes jitter and keeps the stroke', () => {
    const p = noisyLine(300, 1);
    const s = smoothTrajectory(p, 2);
    expect(roughness(s.x)).toBeLessThan(roughness(p.x) / 10);
    expect(s.x[150]).toBeCloseTo(1500, -1);
    expect(smoothTrajectory(p, 0)).toBe(p);
  });
  it('resampling gives evenly timed points from the first to the last sample', () => {
    const p = noisyLine(301, 2);
    const r = resampleTrajectory(p, 101);
    expect(r.x.length).toBe(101);
    expect(r.t[0]).toBe(0);
    expect(r.t[100]).toBe(3000);
    expect(r.t[50]).toBe(1500);
    expect(r.x[50]).toBe(p.x[150]); // falls exactly on an original sample
    expect(r.x[100]).toBe(p.x[300]);
  });
  it('is part of template extraction when the parameters ask for it', () => {
    const p = noisyLine(200, 3);
    const params = parseSignatureParams({ resamplePoints: 120, smoothingSamples: 1.5 });
    expect(extractSignatureTemplate(p, params).local.length).toBe(120);
    expect(() => parseSignatureParams({ resamplePoints: 5 })).toThrow(/resamplePoints/);
    expect(() => parseSignatureParams({ smoothingSamples: -1 })).toThrow(/smoothingSamples/);
  });
});
