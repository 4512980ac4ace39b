import { ConfigError, seededRandom } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import { SignatureAcquisitionError } from '../src/errors';
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

  it('refuses a signature that keeps fewer than two frames once resampled without its pen-up samples', () => {
    // 300 samples at 100 Hz, the pen down only for samples 141-160 (a short stroke after a long
    // hover): the 10 resampled points (nearest samples 134 and 167 around it) all fall on pen-up
    // samples, and the template had 0 frames.
    const p = noisyLine(300, 4);
    const dot = { ...p, penDown: Uint8Array.from(p.penDown, (_, k) => (k >= 140 && k < 160 ? 1 : 0)) };
    const params = parseSignatureParams({ keepPenUp: false, resamplePoints: 10 });
    let err: unknown;
    try {
      extractSignatureTemplate(dot, params);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SignatureAcquisitionError);
    expect((err as SignatureAcquisitionError).reason).toBe('too_short');
    expect((err as Error).message).toBe('the signature keeps 0 frame(s) after resampling to 10 points and dropping pen-up samples; at least 2 are needed');
    // Not resampled, it keeps its 20 pen-down frames.
    expect(extractSignatureTemplate(dot, parseSignatureParams({ keepPenUp: false })).local.length).toBe(20);
  });
  it('resamples to at most as many points as a recording may hold', () => {
    // 1e10 failed with an untyped RangeError, 100,000 made templates past MAX_SAMPLES (20,000).
    for (const resamplePoints of [1e10, 100_000, 20_001]) {
      expect(() => parseSignatureParams({ resamplePoints })).toThrow(ConfigError);
      expect(() => parseSignatureParams({ resamplePoints })).toThrow(`resamplePoints must be 0 or an integer in [10, 20000], got ${resamplePoints}`);
    }
    expect(parseSignatureParams({ resamplePoints: 20_000 }).resamplePoints).toBe(20_000);
  });
});
