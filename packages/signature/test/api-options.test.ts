import { ConfigError, TemplateFormatError } from '@biofuse/core';
import { thrownBy } from '@biofuse/core/testing';
import { describe, expect, it } from 'vitest';
import { dtwDistance } from '../src/compare/dtw';
import { combineDistances, enrolUser, scoreAgainstUser } from '../src/compare/user-model';
import { GLOBAL_FEATURES } from '../src/features/global-features';
import { DEFAULT_SIGNATURE_PARAMS, parseSignatureParams, type LocalCombination } from '../src/params';
import type { PenTrajectory } from '../src/pen-trajectory';
import { resampleTrajectory, smoothTrajectory } from '../src/preprocess';
import { parseSvc2004 } from '../src/read/svc2004-text';
import { parseSignatureBytes, readSignature } from '../src/read/read-signature';
import { SignatureModality } from '../src/signature-modality';
import { extractSignatureTemplate, type TemplateOptions } from '../src/template';
import { inkedSvcRows, svcFile } from './inked-rows';

/** A loop written in 200 samples at 100 Hz, pen down throughout. */
function loop(n = 200, wobble = 10): PenTrajectory {
  return {
    x: Float64Array.from({ length: n }, (_, k) => 100 * Math.cos(k / wobble) + k),
    y: Float64Array.from({ length: n }, (_, k) => 50 * Math.sin(k / 7)),
    t: Float64Array.from({ length: n }, (_, k) => 10 * k),
    penDown: new Uint8Array(n).fill(1),
    pressure: new Float64Array(n).fill(500),
    azimuth: new Float64Array(n).fill(Number.NaN),
    altitude: new Float64Array(n).fill(Number.NaN),
    warnings: [],
  };
}

describe('extractSignatureTemplate options', () => {
  it('are checked as parseSignatureParams checks them, not crashed on or skipped while the recipe records them', () => {
    // An unknown function was a TypeError (all[name] is not a function), a smoothing of Infinity
    // a RangeError; resampling to 1 point or a NaN smoothing was skipped while the template
    // recorded it (a NaN recipe then refused the template's own copy), keepPenUp 'no' kept pen-up samples.
    const cases: [TemplateOptions, string][] = [
      [{ functions: ['pressur' as never] }, 'functions must be a non-empty list of x, y'],
      [{ functions: [] }, 'functions must be a non-empty list'],
      [{ smoothingSamples: Number.POSITIVE_INFINITY }, 'smoothingSamples must be in [0, 20]'],
      [{ smoothingSamples: Number.NaN }, 'smoothingSamples must be in [0, 20]'],
      [{ resamplePoints: 1 }, 'resamplePoints must be 0 or an integer in [10, 20000], got 1'],
      [{ resamplePoints: 1e10 }, 'resamplePoints must be 0 or an integer in [10, 20000], got 10000000000'],
      [{ keepPenUp: 'no' as never }, 'keepPenUp must be true or false'],
    ];
    for (const [opts, message] of cases) {
      const err = thrownBy(() => extractSignatureTemplate(loop(), opts));
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain(message);
    }
    // Valid options (the parameters' own, with their extra keys) still make templates.
    expect(extractSignatureTemplate(loop(), DEFAULT_SIGNATURE_PARAMS).local.dims).toBe(DEFAULT_SIGNATURE_PARAMS.functions.length);
    expect(extractSignatureTemplate(loop(), { resamplePoints: 50, smoothingSamples: 1.5 }).local.length).toBe(50);
  });

  it('smoothTrajectory and resampleTrajectory refuse what they cannot do instead of returning the input or a RangeError', () => {
    for (const sigma of [Number.NaN, -1, Number.POSITIVE_INFINITY]) expect(() => smoothTrajectory(loop(), sigma)).toThrow(ConfigError);
    for (const count of [1, 2.5, 1e10]) expect(() => resampleTrajectory(loop(), count)).toThrow(ConfigError);
    // A kernel wider than the trajectory is cut to its length: same values, no 6e6-tap loop.
    const short = loop(30);
    const wide = smoothTrajectory(short, 1e6);
    expect(wide.x.every(Number.isFinite)).toBe(true);
    expect(wide.x[0]).toBeCloseTo(wide.x[29], 6);
  });
});

describe('dtwDistance options', () => {
  const a = extractSignatureTemplate(loop()).local;
  const b = extractSignatureTemplate(loop(180, 9)).local;
  it('refuses a band, frame distance or cutoff it cannot honour', () => {
    // band NaN returned Infinity, what an abandoned alignment returns, for any two signatures;
    // 'L1' ran as Euclidean; -1 ran as 0.
    expect(() => dtwDistance(a, b, { band: Number.NaN })).toThrow(ConfigError);
    expect(() => dtwDistance(a, b, { band: -1 })).toThrow(ConfigError);
    expect(() => dtwDistance(a, b, { frameDistance: 'L1' as never })).toThrow('DTW frameDistance must be euclidean or manhattan, got "L1"');
    expect(() => dtwDistance(a, b, { abandonAbove: Number.NaN })).toThrow(ConfigError);
    expect(dtwDistance(a, b, { band: 0.15, frameDistance: 'euclidean' })).toBe(dtwDistance(a, b));
  });
  it('refuses a matrix whose values do not fill its frames instead of returning NaN', () => {
    expect(() => dtwDistance({ ...a, values: a.values.slice(0, 10) }, b)).toThrow(TemplateFormatError);
  });
});

describe('user models', () => {
  const refs = [loop(200, 10), loop(190, 10.5), loop(210, 9.5)].map((p) => extractSignatureTemplate(p, DEFAULT_SIGNATURE_PARAMS));
  const probe = extractSignatureTemplate(loop(205, 10.2), DEFAULT_SIGNATURE_PARAMS);
  it('refuse a population spread that is not finite numbers >= 0 instead of scoring NaN or dropping the feature', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -1]) {
      const spread = new Array<number>(GLOBAL_FEATURES.length).fill(0.1);
      spread[3] = bad;
      expect(() => enrolUser(refs, DEFAULT_SIGNATURE_PARAMS, spread)).toThrow(`the population spread of global feature 3 is ${bad}`);
    }
    const score = scoreAgainstUser(enrolUser(refs, DEFAULT_SIGNATURE_PARAMS, new Array<number>(GLOBAL_FEATURES.length).fill(0.1)), probe, DEFAULT_SIGNATURE_PARAMS);
    expect(Number.isFinite(score.similarity)).toBe(true);
  });
  it('combineDistances refuses no distances, NaN and an unknown rule instead of NaN or min-mean', () => {
    expect(() => combineDistances([], 'min-mean')).toThrow(ConfigError);
    expect(() => combineDistances([1, Number.NaN], 'mean')).toThrow(ConfigError);
    expect(() => combineDistances([1, 4], 'median' as LocalCombination)).toThrow('localCombination must be min, mean, min-mean, got "median"');
    expect(combineDistances([1, 4], 'min-mean')).toBeCloseTo(Math.sqrt(2.5));
  });
  it('SignatureModality checks parameters built in code as parseSignatureParams does', () => {
    // localScaleExponent NaN scored every probe NaN.
    expect(() => new SignatureModality({ ...DEFAULT_SIGNATURE_PARAMS, localScaleExponent: Number.NaN })).toThrow(ConfigError);
    expect(() => new SignatureModality({ ...DEFAULT_SIGNATURE_PARAMS, dtwBand: Number.NaN })).toThrow('dtwBand must be in (0, 1]');
    expect(() => parseSignatureParams([])).toThrow('signature parameters must be an object, got an array');
  });
});

describe('a value that is not what a parameter takes', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  it('is named by parseSignatureParams, never printed as undefined nor crashed on', () => {
    // JSON.stringify printed a function and a symbol as undefined and threw a TypeError on a BigInt.
    const cases: [unknown, string][] = [[() => 1, 'a function'], [5n, 'bigint 5'], [Symbol('s'), 'symbol Symbol(s)'], ['fast', '"fast"'], [3, 'number 3'], [true, 'boolean true'], [[], 'an array']];
    for (const [raw, described] of cases) expect(thrownBy(() => parseSignatureParams(raw)), described).toEqual(new ConfigError(`signature parameters must be an object, got ${described}`));
    expect(thrownBy(() => parseSignatureParams({ resamplePoints: 50n }))).toEqual(new ConfigError('resamplePoints must be 0 or an integer in [10, 20000], got bigint 50'));
  });
  it('is named within the parameters, where String() threw on an object without a prototype', () => {
    const matrix = extractSignatureTemplate(loop()).local;
    for (const bad of [Object.create(null) as unknown, cyclic]) {
      const expectations: [() => unknown, string][] = [
        [() => parseSignatureParams({ smoothingSamples: bad }), 'smoothingSamples must be in [0, 20], got an object'],
        [() => parseSignatureParams({ resamplePoints: bad }), 'resamplePoints must be 0 or an integer in [10, 20000], got an object'],
        [() => dtwDistance(matrix, matrix, { band: bad as number }), 'DTW band must be a number >= 0 (a share of the longer signature), got an object'],
        [() => combineDistances([1], bad as LocalCombination), 'localCombination must be min, mean, min-mean, got an object'],
        [() => smoothTrajectory(loop(), bad as number), 'smoothing sigma must be a finite number of samples >= 0 (0 = none), got an object'],
        [() => resampleTrajectory(loop(), bad as number), 'resampling needs a whole number of points in [2, 20000], got an object'],
      ];
      for (const [call, message] of expectations) expect(thrownBy(call)).toEqual(new ConfigError(message));
    }
  });
});

describe('reading options', () => {
  // The clock steps back 2990 ms at line 3; the rows after it give readSignature its ink.
  const text = svcFile(['1 2 3000 1 0 0 5', '2 3 10 1 0 0 5', ...inkedSvcRows(undefined, 4000)]);
  it('refuse a maxBackstepMs that would repair any backward step, and a misspelt key', async () => {
    // NaN compared false with every step: the clock going back 2990 ms was "repaired" as a glitch.
    await expect(readSignature(Buffer.from(text), { maxBackstepMs: Number.NaN })).rejects.toThrow(ConfigError);
    expect(() => parseSvc2004(text, 'u.txt', { maxBackstepMs: Number.NaN })).toThrow(ConfigError);
    await expect(readSignature(Buffer.from(text), { maxBackstep: 5000 } as never)).rejects.toThrow('unknown signature reading option "maxBackstep"');
    // The default still refuses the step, and a stated limit still repairs it.
    expect(() => parseSignatureBytes(Buffer.from(text), 'u.txt')).toThrow('u.txt:3: timestamp 10 goes back 2990 ms');
    expect(parseSignatureBytes(Buffer.from(text), 'u.txt', { maxBackstepMs: 5000 }).warnings).toHaveLength(1);
    expect((await readSignature(Buffer.from(text), { path: 'u.txt', maxBackstepMs: 5000 })).t[1]).toBe(3000);
  });
});
