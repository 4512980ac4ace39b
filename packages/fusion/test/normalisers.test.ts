import { describe, expect, it } from 'vitest';
import { FusionError } from '../src/errors';
import { fitNormaliser, hampelEstimates, normaliserFromParams, NORMALISER_KINDS, type NormaliserKind } from '../src/normalise/normalisers';

const scores = Float64Array.from([0, 2, 4, 6, 8, 10, NaN]);
const labels = Uint8Array.from([0, 0, 0, 1, 1, 1, 1]);

describe('normalisers', () => {
  it('min-max maps the training range onto [0, 1]', () => {
    const n = fitNormaliser('min-max', scores, labels);
    expect(n.params).toEqual({ min: 0, max: 10 });
    expect(n.apply(5)).toBe(0.5);
    expect(n.apply(12)).toBeCloseTo(1.2, 12); // new scores may leave the range: no clipping
  });

  it('z-score and median-MAD centre and scale', () => {
    const z = fitNormaliser('z-score', scores, labels);
    expect(z.params.mean).toBe(5);
    expect(z.params.sd).toBeCloseTo(Math.sqrt(70 / 6), 12);
    const m = fitNormaliser('median-mad', scores, labels);
    expect(m.params).toEqual({ median: 5, mad: 3 });
    expect(m.apply(8)).toBe(1);
  });

  it('tanh uses Hampel estimates of the genuine scores', () => {
    const t = fitNormaliser('tanh', scores, labels);
    expect(t.params.location).toBeCloseTo(8, 12);
    expect(t.apply(t.params.location)).toBe(0.5);
    // An outlier barely moves Hampel's location, unlike the mean.
    const h = hampelEstimates(Float64Array.from([10, 10.5, 9.5, 10.2, 9.8, 10.1, 9.9, 10.3, 9.7, 10, 1000]));
    expect(h.location).toBeGreaterThan(9.9);
    expect(h.location).toBeLessThan(10.1);
  });

  it('double sigmoid is 0.5 at the EER threshold and monotone', () => {
    const d = fitNormaliser('double-sigmoid', scores, labels);
    expect(d.apply(d.params.t)).toBe(0.5);
    let previous = -Infinity;
    for (let s = -5; s <= 15; s += 0.5) {
      const v = d.apply(s);
      expect(v).toBeGreaterThanOrEqual(previous);
      previous = v;
    }
  });

  it('llr gives a log-likelihood ratio that rises with the score', () => {
    const s = Float64Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const l = Uint8Array.from([0, 0, 0, 1, 0, 1, 0, 1, 1, 1]);
    const n = fitNormaliser('llr', s, l);
    expect(n.params.slope).toBeGreaterThan(0);
    expect(n.apply(9)).toBeGreaterThan(n.apply(0));
  });

  it('keeps missing scores missing and round-trips through its parameters', () => {
    for (const kind of NORMALISER_KINDS) {
      const n = fitNormaliser(kind, scores, labels);
      expect(Number.isNaN(n.apply(Number.NaN))).toBe(true);
      const back = normaliserFromParams(kind, JSON.parse(JSON.stringify(n.params)) as Record<string, number>);
      expect(back.apply(3.3)).toBe(n.apply(3.3));
    }
  });

  it('refuses constant training scores', () => {
    const flat = Float64Array.from([1, 1, 1, 1]);
    const l = Uint8Array.from([0, 0, 1, 1]);
    for (const kind of ['min-max', 'z-score', 'median-mad', 'tanh'] as const) {
      expect(() => fitNormaliser(kind, flat, l), kind).toThrow(FusionError);
    }
  });

  it('tanh falls back to the standard deviation when most genuine scores tie', () => {
    // Hampel's scale is 0 here (the 2 is weighted out): "the genuine training scores are constant" was false.
    const g = Float64Array.from([1, 1, 1, 1, 1, 1, 2, 0, 0.5]);
    const l = Uint8Array.from([1, 1, 1, 1, 1, 1, 1, 0, 0]);
    expect(hampelEstimates(g.subarray(0, 7)).scale).toBe(0);
    const t = fitNormaliser('tanh', g, l);
    expect(t.params.location).toBe(1);
    expect(t.params.scale).toBeCloseTo(Math.sqrt(6) / 7, 12); // sd of six 1s and a 2
    expect(t.apply(2)).toBeGreaterThan(t.apply(1));
    expect(() => fitNormaliser('tanh', Float64Array.from([1, 1, 1, 0]), Uint8Array.from([1, 1, 1, 0]))).toThrow(/tanh: the genuine training scores are constant/);
  });

  it('refuses kinds that are not its own and parameters it cannot score with', () => {
    for (const kind of ['toString', 'constructor', 'hasOwnProperty']) {
      expect(() => fitNormaliser(kind as NormaliserKind, scores, labels), kind).toThrow(new RegExp(`unknown normaliser "${kind}"`));
      expect(() => normaliserFromParams(kind as NormaliserKind, {}), kind).toThrow(FusionError);
    }
    expect(() => normaliserFromParams('median-mad', { median: 1, mad: Number.NaN })).toThrow(/median-mad normaliser: "mad" must be a finite number above 0, got NaN/);
    expect(() => normaliserFromParams('llr', { slope: 1 })).toThrow(/llr normaliser: "offset" must be a finite number, got nothing/);
    // A BigInt threw a TypeError inside the message (JSON.stringify), an object printed as JSON.
    expect(() => normaliserFromParams('llr', { slope: 1, offset: 10n } as unknown as Record<string, number>)).toThrow(/llr normaliser: "offset" must be a finite number, got bigint 10/);
    expect(() => normaliserFromParams('llr', { slope: 1, offset: { value: 2 } } as unknown as Record<string, number>)).toThrow(/"offset" must be a finite number, got an object/);
    expect(() => normaliserFromParams('log', { offset: Number.POSITIVE_INFINITY })).toThrow(/"offset" must be a finite number, got Infinity/);
    expect(normaliserFromParams('llr', { slope: -0.5, offset: 2 }).apply(2)).toBe(1); // a fitted slope may be 0 or negative
  });
});

describe('the log normaliser below the training minimum', () => {
  it('keeps scores far below the minimum in order instead of tying them', () => {
    const ln = fitNormaliser('log', Float64Array.from([0, 1, 2, 5]), Uint8Array.from([0, 0, 1, 1]));
    const out = [0, -0.5, -0.999999, -1, -2, -50].map((s) => ln.apply(s));
    for (let k = 1; k < out.length; k++) expect(out[k]).toBeLessThan(out[k - 1]);
    for (const v of out) expect(Number.isFinite(v)).toBe(true);
    // Continuous at the floor.
    expect(ln.apply(-1 + 1e-6)).toBeCloseTo(Math.log(1e-6), 9);
  });
});
