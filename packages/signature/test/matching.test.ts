import { describe, expect, it } from 'vitest';
import { TemplateFormatError } from '@biofuse/core';
import { unsealedTemplate } from '@biofuse/core/testing';
import { dtwDistance } from '../src/compare/dtw';
import { combineDistances, dtwLocalDistance, enrolUser, scoreAgainstUser } from '../src/compare/user-model';
import { timeFunctions } from '../src/features/time-functions';
import { DEFAULT_SIGNATURE_PARAMS, parseSignatureParams } from '../src/params';
import { SignatureAcquisitionError } from '../src/errors';
import type { PenTrajectory } from '../src/pen-trajectory';
import { SignatureModality } from '../src/signature-modality';
import { decodeSignatureTemplate, encodeSignatureTemplate, extractSignatureTemplate, signatureRecipe, type SignatureTemplate } from '../src/template';

/** As biofuse wrote templates before they were sealed: version 2, no checksum (still read, guarded by the decoder's own checks). */
const version2 = (t: SignatureTemplate): Uint8Array => unsealedTemplate(encodeSignatureTemplate(t), 4, 2);

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
  it('give zeros for pen angles the tablet does not report', () => {
    const f = timeFunctions(stroke(50), { functions: ['azimuth', 'dAltitude'] });
    expect(f.dims).toBe(2);
    expect(Array.from(f.values).every((v) => v === 0)).toBe(true);
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
    expect(dtwDistance(a, b)).toBe(dtwDistance(b, a));
    // Exactly, at every pair of lengths: the band's rounding is not symmetric, the distance is.
    for (let n = 20; n < 60; n += 7) {
      for (let m = 21; m < 70; m += 9) {
        const p = f(stroke(n));
        const q = f(stroke(m, { wobble: 5 }));
        expect(dtwDistance(p, q, { band: 0.1 })).toBe(dtwDistance(q, p, { band: 0.1 }));
      }
    }
  });
  it('on positions, absorbs a change of writing rhythm far better than a change of shape', () => {
    const pos = (p: PenTrajectory) => timeFunctions(p, { functions: ['x', 'y'] });
    const a = pos(stroke(200));
    const retimed = pos(stroke(230, { speed: 1.15 }));
    const forged = pos(stroke(200, { wobble: 40, phase: 1.5 }));
    expect(dtwDistance(a, retimed)).toBeLessThan(dtwDistance(a, forged) / 2);
  });
  it('costs a frame pair by Euclidean or city-block distance', () => {
    // Two frames each; the diagonal path costs |(1,1) - (2,0)|: sqrt 2 (L2) or 2 (L1), over n + m = 4.
    const a = { length: 2, dims: 2, values: Float32Array.from([0, 0, 1, 1]) };
    const b = { length: 2, dims: 2, values: Float32Array.from([0, 0, 2, 0]) };
    expect(dtwDistance(a, b)).toBeCloseTo(Math.SQRT2 / 4, 10);
    expect(dtwDistance(a, b, { frameDistance: 'manhattan' })).toBeCloseTo(0.5, 10);
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

describe('partial score normalisation', () => {
  // One-frame, one-dimensional templates: DTW between them is |a - b| / 2.
  const one = (v: number): SignatureTemplate => ({ local: { length: 1, dims: 1, values: Float32Array.from([v]) }, global: new Float32Array(1), recipe: signatureRecipe({ functions: ['x'] }) });
  const refs = [0, 2, 6].map(one); // pairwise 1, 3, 2; each one's nearest other: 1, 1, 2, mean 4/3
  it('divides the nearest reference distance by the user scale to the chosen power', () => {
    const probe = one(10); // distances 5, 4, 2: nearest 2
    for (const [exponent, expected] of [[1, 1.5], [0.5, 2 / Math.sqrt(4 / 3)], [0, 2]] as const) {
      const params = parseSignatureParams({ frameDistance: 'manhattan', localCombination: 'min', localNormalisation: 'mean-nearest', localScaleExponent: exponent });
      const model = enrolUser(refs, params);
      expect(model.localScale).toBeCloseTo(4 / 3, 10);
      expect(scoreAgainstUser(model, probe, params).details?.local).toBeCloseTo(expected, 10);
    }
  });
  it('combines the distances to the references by the nearest, the mean, or the geometric mean of both', () => {
    const probe = one(10); // distances 5, 4, 2
    const local = (localCombination: string) => {
      const params = parseSignatureParams({ frameDistance: 'manhattan', localCombination, localScaleExponent: 0 });
      return scoreAgainstUser(enrolUser(refs, params), probe, params).details?.local;
    };
    expect(local('min')).toBeCloseTo(2, 10);
    expect(local('mean')).toBeCloseTo(11 / 3, 10);
    expect(local('min-mean')).toBeCloseTo(Math.sqrt(22 / 3), 10);
    expect(combineDistances([1, 4, 4], 'min-mean')).toBeCloseTo(Math.sqrt(3), 10);
  });
  it('refuses an exponent outside [0, 2] and an unknown frame distance', () => {
    expect(() => parseSignatureParams({ localScaleExponent: -0.1 })).toThrow(/localScaleExponent/);
    expect(() => parseSignatureParams({ frameDistance: 'cosine' })).toThrow(/frameDistance/);
  });
});

describe('templates and parameters', () => {
  it('round-trip through the versioned binary form and refuse damaged bytes', () => {
    const t = extractSignatureTemplate(stroke(120), DEFAULT_SIGNATURE_PARAMS);
    const sealed = encodeSignatureTemplate(t);
    for (const bytes of [sealed, version2(t)]) {
      const back = decodeSignatureTemplate(bytes);
      expect(back.local.length).toBe(t.local.length);
      expect(Array.from(back.local.values)).toEqual(Array.from(t.local.values));
      expect(Array.from(back.global)).toEqual(Array.from(t.global));
    }
    // Sealed (version 3): any flipped bit is refused, even the lowest of a value, which version 2 decoded as another signature.
    const low = sealed.slice();
    low[sealed.length - 8] ^= 1;
    expect(() => decodeSignatureTemplate(low)).toThrow(`signature template damaged: its checksum does not match its ${sealed.length} bytes (changed or cut short since it was written)`);
    expect(() => decodeSignatureTemplate(sealed.slice(0, sealed.length - 4))).toThrow(/damaged: its checksum does not match/);
    // The decoder's own checks, on version-2 bytes (which nothing else guards).
    const bytes = version2(t);
    const lowV2 = bytes.slice();
    lowV2[bytes.length - 4] ^= 1;
    expect(decodeSignatureTemplate(lowV2).global.at(-1)).not.toBe(t.global.at(-1));
    expect(() => decodeSignatureTemplate(bytes.slice(0, bytes.length - 4))).toThrow(/truncated/);
    expect(() => decodeSignatureTemplate(bytes.slice(0, 8))).toThrow(TemplateFormatError);
    const wrongVersion = bytes.slice();
    wrongVersion[4] = 9;
    expect(() => decodeSignatureTemplate(wrongVersion)).toThrow(/version 9 is newer than this build/);
    expect(() => decodeSignatureTemplate(new Uint8Array(64))).toThrow(/bad magic/);
    // Bytes that still decode as floats, one of them NaN: refused, or every score would be NaN.
    const nan = bytes.slice();
    const floatsAt = bytes.length - 4 * (t.local.values.length + t.global.length);
    new DataView(nan.buffer).setFloat32(floatsAt + 4 * 7, Number.NaN, true);
    expect(() => decodeSignatureTemplate(nan)).toThrow(/time-function value 7 is NaN, not a finite number/);
    // One flipped exponent bit: a finite value no z-normalised column can hold (it scored -1.5e36 instead of about -1.5).
    const flipped = bytes.slice();
    flipped[floatsAt + 4 * 7 + 3] ^= 0x40;
    expect(() => decodeSignatureTemplate(flipped)).toThrow(/time-function value 7 is .*e\+\d+, beyond what z-normalising 120 frames gives/);
    const global = bytes.slice();
    new DataView(global.buffer).setFloat32(bytes.length - 4, Number.POSITIVE_INFINITY, true);
    expect(() => decodeSignatureTemplate(global)).toThrow(/global feature \d+ is Infinity/);
    // The encoder refuses what the decoder would.
    expect(() => encodeSignatureTemplate({ ...t, local: { ...t.local, values: t.local.values.map((v, k) => (k === 3 ? Number.NaN : v)) } })).toThrow(/cannot encode .* value 3 is NaN/);
    expect(() => encodeSignatureTemplate({ ...t, local: { ...t.local, values: t.local.values.map((v, k) => (k === 3 ? 1e39 : v)) } })).toThrow(/value 3 is Infinity/);
    expect(() => encodeSignatureTemplate({ ...t, local: { ...t.local, values: t.local.values.slice(1) } })).toThrow(/values for 120 frames of 9/);
    expect(() => encodeSignatureTemplate({ ...t, global: t.global.slice(0, 3) })).toThrow(/3 global features/);
    expect(() => encodeSignatureTemplate({ ...t, recipe: { ...t.recipe, smoothingSamples: -1 } })).toThrow(/options this build does not support \(smoothingSamples must be in \[0, 20\], got -1\)/);
    // A header of no frames: every DTW distance would be infinite.
    const empty = bytes.slice();
    new DataView(empty.buffer).setUint32(8, 0, true);
    expect(() => decodeSignatureTemplate(empty)).toThrow(/0 frames of 9 time functions, nothing to compare/);
    expect(() => encodeSignatureTemplate({ ...t, local: { length: 0, dims: t.local.dims, values: new Float32Array(0) } })).toThrow(/cannot encode a signature template with 0 frames/);
  });

  it('record how they were made, and refuse to compare templates made differently', () => {
    const params = parseSignatureParams({ functions: ['x', 'y', 'pressure'], keepPenUp: false, smoothingSamples: 1.5, resamplePoints: 80 });
    const t = extractSignatureTemplate(stroke(120), params);
    const back = decodeSignatureTemplate(encodeSignatureTemplate(t));
    expect(back.recipe).toEqual({ functions: ['x', 'y', 'pressure'], keepPenUp: false, smoothingSamples: 1.5, resamplePoints: 80 });
    // A smoothing that float32 cannot hold exactly still matches its own template read back.
    const odd = parseSignatureParams({ ...params, smoothingSamples: 0.7 });
    const o = extractSignatureTemplate(stroke(120), odd);
    expect(new SignatureModality(odd).compare(o, decodeSignatureTemplate(encodeSignatureTemplate(o))).distance).toBe(0);
    expect(() => dtwLocalDistance(params)(t, { ...t, recipe: undefined as unknown as typeof t.recipe })).toThrow(/records no recipe/);
    // The same number of columns, other functions: DTW would run and return a meaningless distance.
    const other = parseSignatureParams({ ...params, functions: ['x', 'y', 'dAngle'] });
    const u = extractSignatureTemplate(stroke(120), other);
    expect(u.local.dims).toBe(t.local.dims);
    expect(() => dtwLocalDistance(params)(t, u)).toThrow(/time functions x,y,pressure vs x,y,dAngle/);
    expect(() => enrolUser([t, u], params)).toThrow(TemplateFormatError);
    // A second reference that is not t again (copies are refused, see DuplicateEnrolmentError).
    const other2 = extractSignatureTemplate(stroke(120, { wobble: 2 }), params);
    const model = enrolUser([back, other2], params);
    expect(() => scoreAgainstUser(model, u, params)).toThrow(/differ in how they were made \(time functions/);
    expect(() => scoreAgainstUser(model, extractSignatureTemplate(stroke(120), { ...params, keepPenUp: true }), params)).toThrow(/pen-up samples dropped vs kept/);
    // A modality refuses stored templates its parameters would not have made.
    const modality = new SignatureModality(params);
    expect(modality.compare(t, back).distance).toBe(0);
    expect(() => modality.compare(t, u)).toThrow(/this modality's parameters/);
    expect(() => new SignatureModality().compare(t, back)).toThrow(/time functions/);
    expect(() => modality.compareEnrolled(modality.enrol([back, other2]), u)).toThrow(TemplateFormatError);
    // Version 1 did not record any of this; an unknown function number is from a newer build or damage.
    const bytes = version2(t);
    const v1 = bytes.slice();
    v1[4] = 1;
    expect(() => decodeSignatureTemplate(v1)).toThrow(/version 1 does not record how it was made/);
    const unknown = bytes.slice();
    unknown[16 + 9 + 2] = 200;
    expect(() => decodeSignatureTemplate(unknown)).toThrow(/time function number 200 is unknown/);
    const twice = bytes.slice();
    twice[16 + 9 + 2] = twice[16 + 9];
    expect(() => decodeSignatureTemplate(twice)).toThrow(/name one twice/);
    expect(() => encodeSignatureTemplate({ ...t, recipe: { ...t.recipe, functions: ['x'] } })).toThrow(/3 time-function columns but a recipe of 1/);
    expect(() => encodeSignatureTemplate({ ...t, recipe: { ...t.recipe, functions: ['x', 'x', 'y'] } })).toThrow(/a time function named twice/);
  });

  it('refuses, at extraction, trajectories that would make a NaN template', () => {
    const s = stroke(50);
    const hovering = { ...s, penDown: new Uint8Array(50) };
    expect(() => extractSignatureTemplate(hovering, DEFAULT_SIGNATURE_PARAMS)).toThrow(SignatureAcquisitionError);
    expect(() => extractSignatureTemplate(hovering, DEFAULT_SIGNATURE_PARAMS)).toThrow(/0 pen-down point\(s\)/);
    expect(() => extractSignatureTemplate({ ...s, pressure: s.pressure.slice(0, 49) }, DEFAULT_SIGNATURE_PARAMS)).toThrow(/50 x values but 49 pressure values/);
    const nan = Float64Array.from(s.y);
    nan[7] = Number.NaN;
    expect(() => extractSignatureTemplate({ ...s, y: nan }, DEFAULT_SIGNATURE_PARAMS)).toThrow(/sample 8 has a position, time or pressure that is not a finite number/);
    const back = Float64Array.from(s.t);
    back[9] = back[8] - 1;
    expect(() => extractSignatureTemplate({ ...s, t: back }, DEFAULT_SIGNATURE_PARAMS)).toThrow(/sample 10 is earlier than the one before it/);
    // A clock that never advances, a pen that never moves, coordinates near the float limit, an endless trace.
    expect(() => extractSignatureTemplate({ ...s, t: new Float64Array(50).fill(7) }, DEFAULT_SIGNATURE_PARAMS)).toThrow(/every sample has the same time stamp/);
    expect(() => extractSignatureTemplate({ ...s, x: new Float64Array(50).fill(3), y: new Float64Array(50).fill(4) }, DEFAULT_SIGNATURE_PARAMS)).toThrow(/the pen never moves/);
    expect(() => extractSignatureTemplate({ ...s, x: Float64Array.from(s.x, (v) => v * 1e300), y: Float64Array.from(s.y, (v) => v * 1e300) }, DEFAULT_SIGNATURE_PARAMS)).toThrow(/features that are not finite numbers/);
    const long = stroke(20_001);
    expect(() => extractSignatureTemplate(long, DEFAULT_SIGNATURE_PARAMS)).toThrow(/20001 samples; a signature has at most 20000/);
  });

  it('refuses to compare templates of different shapes instead of scoring them NaN', () => {
    const t = extractSignatureTemplate(stroke(120), DEFAULT_SIGNATURE_PARAMS);
    const fewer = extractSignatureTemplate(stroke(120), { ...DEFAULT_SIGNATURE_PARAMS, functions: DEFAULT_SIGNATURE_PARAMS.functions.slice(0, 3) });
    expect(() => dtwDistance(t.local, fewer.local)).toThrow(TemplateFormatError);
    const model = enrolUser([t, extractSignatureTemplate(stroke(120, { wobble: 2 }), DEFAULT_SIGNATURE_PARAMS)], DEFAULT_SIGNATURE_PARAMS);
    const shortGlobal = { ...t, global: t.global.slice(0, 10) };
    expect(() => scoreAgainstUser(model, shortGlobal, DEFAULT_SIGNATURE_PARAMS)).toThrow(/10 global features cannot be scored against 25/);
    expect(() => enrolUser([t, shortGlobal], DEFAULT_SIGNATURE_PARAMS)).toThrow(TemplateFormatError);
    // ... nor against a population spread of another length, and such bytes do not decode.
    expect(() => enrolUser([shortGlobal, shortGlobal], DEFAULT_SIGNATURE_PARAMS, new Float64Array(25))).toThrow(/10 global features cannot use a population spread of 25/);
    expect(() => encodeSignatureTemplate(shortGlobal)).toThrow(/10 global features \(this build makes 25\)/);
    const bytes = version2(t);
    const tail = bytes.slice(0, bytes.length - 15 * 4);
    new DataView(tail.buffer).setUint32(12, 10, true);
    expect(() => decodeSignatureTemplate(tail)).toThrow(/10 global features, this build makes 25/);
  });
  it('validates parameters', () => {
    expect(parseSignatureParams({ dtwBand: 0.2 }).dtwBand).toBe(0.2);
    expect(() => parseSignatureParams({ dtwBand: 2 })).toThrow(/dtwBand/);
    expect(() => parseSignatureParams({ functions: ['nope'] })).toThrow(/functions/);
    expect(() => parseSignatureParams({ bogus: 1 })).toThrow(/unknown signature parameter "bogus"/);
    // An infinite weight would score every probe Infinity (or NaN): refused.
    expect(() => parseSignatureParams({ globalWeight: Number.POSITIVE_INFINITY })).toThrow(/globalWeight must be a finite number/);
    expect(() => parseSignatureParams({ globalSpreadFloor: Number.POSITIVE_INFINITY })).toThrow(/globalSpreadFloor must be a finite number/);
    expect(() => parseSignatureParams({ functions: ['x', 'y', 'x'] })).toThrow(/lists a time function twice/);
    // The parsed list is the parser's own copy: changing the caller's array later changes nothing.
    const mine = ['x', 'y'];
    const parsed = parseSignatureParams({ functions: mine });
    mine.push('pressure');
    expect(parsed.functions).toEqual(['x', 'y']);
    expect(Object.isFrozen(parsed.functions)).toBe(true);
  });
});
