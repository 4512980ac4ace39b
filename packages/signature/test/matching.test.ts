import { describe, expect, it } from 'vitest';
import { TemplateFormatError } from '@biofuse/core';
import { dtwDistance } from '../src/compare/dtw';
import { enrolUser, scoreAgainstUser } from '../src/compare/user-model';
import { timeFunctions } from '../src/features/time-functions';
import { DEFAULT_SIGNATURE_PARAMS, parseSignatureParams } from '../src/params';
import type { PenTrajectory } from '../src/pen-trajectory';
import { decodeSignatureTemplate, encodeSignatureTemplate, extractSignatureTemplate } from '../src/template';

/** A looping pen stroke; `speed` re-times it, `wobble` changes the shape. */
function stroke(n: number, opts: { speed?: number; wobble?: number; phase?: number } = {}): PenTrajectory {
  const speed = opts.speed ?? 1;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const u = ((k / n) ** speed) * 2 * Math.PI;
    x[k] = 100 * u + 30 * Math.sin(3 * u + (opts.phase ?? 0));
    y[k] = 50 * Math.cos(2 * u) + (opts.wobble ?? 0) * Math.sin(7 * u);
  }
  return {
    x,
    y,
    t: Float64Array.from({ length: n }, (_, k) => 10 * k),
    penDown: new Uint8Array(n).fill(1),
    pressure: Float64Array.from({ length: n }, (_, k) => 300 + 100 * Math.sin(k / 9)),
    azimuth: new Float64Array(n).fill(Number.NaN),
    altitude: new Float64Array(n).fill(Number.NaN),
    warnings: [],
  };
}

describe('time functions', () => {
  it('are normalised, so position and size drop out', () => {
    const a = stroke(150);
    const shifted = { ...a, x: a.x.map((v) => 3 * v + 1000), y: a.y.map((v) => 3 * v - 50) };
    const fa = timeFunctions(a);
    const fb = timeFunctions(shifted);
    for (let i = 0; i < fa.values.length; i++) expect(fb.values[i]).toBeCloseTo(fa.values[i], 4);
    let mean = 0;
    for (let k = 0; k < fa.length; k++) mean += fa.values[k * fa.dims] / fa.length;
    expect(mean).toBeCloseTo(0, 5);
  });
  it('drop pen-up samples unless asked to keep them', () => {
    const a = stroke(100);
    const up = { ...a, penDown: Uint8Array.from(a.penDown, (_, k) => (k < 10 ? 0 : 1)) };
    expect(timeFunctions(up).length).toBe(90);
    expect(timeFunctions(up, { keepPenUp: true }).length).toBe(100);
  });
});

describe('DTW', () => {
  const f = (p: PenTrajectory) => timeFunctions(p);
  it('is zero for a signature against itself and symmetric', () => {
    const a = f(stroke(200));
    const b = f(stroke(180, { wobble: 10 }));
    expect(dtwDistance(a, a)).toBe(0);
    expect(dtwDistance(a, b)).toBeCloseTo(dtwDistance(b, a), 6);
  });
  it('on positions, absorbs a change of writing rhythm far better than a change of shape', () => {
    const pos = (p: PenTrajectory) => timeFunctions(p, { functions: ['x', 'y'] });
    const a = pos(stroke(200));
    const retimed = pos(stroke(230, { speed: 1.15 }));
    const forged = pos(stroke(200, { wobble: 40, phase: 1.5 }));
    expect(dtwDistance(a, retimed)).toBeLessThan(dtwDistance(a, forged) / 2);
  });
  it('abandons early once a distance cannot stay under the bound', () => {
    const a = f(stroke(200));
    const far = f(stroke(200, { wobble: 60, phase: 2 }));
    const exact = dtwDistance(a, far);
    expect(dtwDistance(a, far, { abandonAbove: exact / 4 })).toBe(Infinity);
    expect(dtwDistance(a, far, { abandonAbove: exact * 2 })).toBeCloseTo(exact, 10);
  });
});

describe('user model', () => {
  it('scores genuine variations above forgeries, normalised by the user\'s own spread', () => {
    const params = DEFAULT_SIGNATURE_PARAMS;
    const enrol = [1, 1.05, 0.95, 1.1, 0.9].map((speed, i) => extractSignatureTemplate(stroke(190 + 5 * i, { speed, wobble: i }), params));
    const model = enrolUser(enrol, params);
    expect(model.localScale).toBeGreaterThan(0);
    const genuine = scoreAgainstUser(model, extractSignatureTemplate(stroke(205, { speed: 1.02, wobble: 2 }), params), params);
    const forgery = scoreAgainstUser(model, extractSignatureTemplate(stroke(200, { wobble: 25, phase: 0.8 }), params), params);
    expect(genuine.similarity).toBeGreaterThan(forgery.similarity);
    expect(genuine.details?.local).toBeLessThan(1.5); // about as far as the enrolment signatures are from each other
  });
});

describe('templates and parameters', () => {
  it('round-trip through the versioned binary form and refuse damaged bytes', () => {
    const t = extractSignatureTemplate(stroke(120), DEFAULT_SIGNATURE_PARAMS);
    const bytes = encodeSignatureTemplate(t);
    const back = decodeSignatureTemplate(bytes);
    expect(back.local.length).toBe(t.local.length);
    expect(Array.from(back.local.values)).toEqual(Array.from(t.local.values));
    expect(Array.from(back.global)).toEqual(Array.from(t.global));
    expect(() => decodeSignatureTemplate(bytes.slice(0, bytes.length - 4))).toThrow(/truncated/);
    expect(() => decodeSignatureTemplate(bytes.slice(0, 8))).toThrow(TemplateFormatError);
    const wrongVersion = bytes.slice();
    wrongVersion[4] = 9;
    expect(() => decodeSignatureTemplate(wrongVersion)).toThrow(/version 9/);
    expect(() => decodeSignatureTemplate(new Uint8Array(64))).toThrow(/bad magic/);
  });
  it('validates parameters', () => {
    expect(parseSignatureParams({ dtwBand: 0.2 }).dtwBand).toBe(0.2);
    expect(() => parseSignatureParams({ dtwBand: 2 })).toThrow(/dtwBand/);
    expect(() => parseSignatureParams({ functions: ['nope'] })).toThrow(/functions/);
    expect(() => parseSignatureParams({ bogus: 1 })).toThrow(/unknown signature parameter "bogus"/);
  });
});
