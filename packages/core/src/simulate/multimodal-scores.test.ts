import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { simulateMultimodalScores, type MultimodalSimulation } from './multimodal-scores';

const sim: MultimodalSimulation = {
  seed: 42,
  subjects: 2000,
  impostorsPerSubject: 10,
  modalities: [
    { name: 'a', genuine: { mean: 3, sd: 1 }, impostor: { mean: 0, sd: 1 }, failureRate: 0 },
    { name: 'b', genuine: { mean: 2, sd: 0.5 }, impostor: { mean: 0, sd: 0.5 }, failureRate: 0.05 },
  ],
  genuineCorrelation: [1, 0.6, 0.6, 1],
  impostorCorrelation: [1, 0.2, 0.2, 1],
};

function correlation(x: Float64Array, y: Float64Array, label: Uint8Array, want: number): number {
  let n = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (let i = 0; i < x.length; i++) {
    if (label[i] !== want || Number.isNaN(x[i]) || Number.isNaN(y[i])) continue;
    n++; sx += x[i]; sy += y[i]; sxx += x[i] * x[i]; syy += y[i] * y[i]; sxy += x[i] * y[i];
  }
  return (sxy / n - (sx / n) * (sy / n)) / Math.sqrt((sxx / n - (sx / n) ** 2) * (syy / n - (sy / n) ** 2));
}

describe('multimodal score simulator', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = simulateMultimodalScores(sim);
    const b = simulateMultimodalScores(sim);
    const c = simulateMultimodalScores({ ...sim, seed: 43 });
    expect(a.scores[0]).toEqual(b.scores[0]);
    expect(a.scores[0][5]).not.toBe(c.scores[0][5]);
  });

  it('draws one genuine and distinct impostors per subject', () => {
    const s = simulateMultimodalScores(sim);
    expect(s.label.length).toBe(2000 * 11);
    expect(s.label.reduce((acc, v) => acc + v, 0)).toBe(2000);
    const refs = new Set<number>();
    for (let i = 1; i <= 10; i++) {
      expect(s.probe[i]).toBe(0);
      expect(s.reference[i]).not.toBe(0);
      refs.add(s.reference[i]);
    }
    expect(refs.size).toBe(10);
  });

  it('reproduces the configured means, correlations and failure rates', () => {
    const s = simulateMultimodalScores(sim);
    expect(correlation(s.scores[0], s.scores[1], s.label, 1)).toBeCloseTo(0.6, 1);
    expect(correlation(s.scores[0], s.scores[1], s.label, 0)).toBeCloseTo(0.2, 1);
    const failures = s.scores[1].filter(Number.isNaN).length / s.label.length;
    expect(failures).toBeGreaterThan(0.04);
    expect(failures).toBeLessThan(0.06);
    expect(s.scores[0].every((v) => !Number.isNaN(v))).toBe(true);
    let mean = 0;
    let n = 0;
    s.label.forEach((l, i) => { if (l) { mean += s.scores[0][i]; n++; } });
    expect(mean / n).toBeCloseTo(3, 1);
  });

  it('keeps the default draws when the per-user options are left at their defaults', () => {
    const a = simulateMultimodalScores(sim);
    const b = simulateMultimodalScores({ ...sim, genuinePerSubject: 1, modalities: sim.modalities.map((m) => ({ ...m, userSpread: 0 })) });
    expect(b.scores[0]).toEqual(a.scores[0]);
    expect(b.scores[1]).toEqual(a.scores[1]);
  });

  it('draws several genuine comparisons per subject around a per-subject mean', () => {
    const s = simulateMultimodalScores({
      seed: 7,
      subjects: 400,
      impostorsPerSubject: 3,
      genuinePerSubject: 20,
      modalities: [{ name: 'a', genuine: { mean: 3, sd: 0.5 }, impostor: { mean: 0, sd: 1 }, failureRate: 0, userSpread: 1 }],
    });
    expect(s.label.length).toBe(400 * 23);
    const means = new Float64Array(400);
    s.label.forEach((l, i) => {
      if (l) means[s.reference[i]] += s.scores[0][i] / 20;
    });
    // Subject means spread by sqrt(1 + 0.5^2 / 20) = 1.006 around 3.
    const mu = means.reduce((a, b) => a + b, 0) / 400;
    const sd = Math.sqrt(means.reduce((a, b) => a + (b - mu) ** 2, 0) / 399);
    expect(mu).toBeCloseTo(3, 0);
    expect(sd).toBeGreaterThan(0.9);
    expect(sd).toBeLessThan(1.12);
    expect(() => simulateMultimodalScores({ ...sim, genuinePerSubject: 0 })).toThrow(ConfigError);
    expect(() => simulateMultimodalScores({ ...sim, modalities: [{ ...sim.modalities[0], userSpread: -1 }, sim.modalities[1]] })).toThrow(/userSpread/);
  });

  it('rejects an invalid correlation matrix', () => {
    expect(() => simulateMultimodalScores({ ...sim, genuineCorrelation: [1, 0.6, 0.5, 1] })).toThrow(/symmetric/);
    expect(() => simulateMultimodalScores({ ...sim, genuineCorrelation: [1, 1.5, 1.5, 1] })).toThrow(ConfigError);
    expect(() => simulateMultimodalScores({ ...sim, genuineCorrelation: [1, 0] })).toThrow(/4 entries/);
  });

  it('rejects counts, rates, spreads and seeds that would drop rows, draw nothing or alias another seed', () => {
    const [a, b] = sim.modalities;
    const withA = (changes: Partial<MultimodalSimulation['modalities'][number]>) => ({ ...sim, modalities: [{ ...a, ...changes }, b] });
    const bad: [string, MultimodalSimulation][] = [
      // 2.5 kept 2 impostors for some subjects and 3 for others; -1 and NaN gave no rows at all.
      ...[2.5, -1, Number.NaN].map((v): [string, MultimodalSimulation] => [`impostorsPerSubject ${v}`, { ...sim, impostorsPerSubject: v }]),
      ...[1.5, -0.5, Number.NaN].map((v): [string, MultimodalSimulation] => [`failureRate ${v}`, withA({ failureRate: v })]),
      ...[-1, Number.NaN, Infinity].map((v): [string, MultimodalSimulation] => [`sd ${v}`, withA({ genuine: { mean: 3, sd: v } })]),
      [`impostor sd -1`, withA({ impostor: { mean: 0, sd: -1 } })],
      [`mean NaN`, withA({ impostor: { mean: Number.NaN, sd: 1 } })],
      [`userSpread Infinity`, withA({ userSpread: Infinity })],
      // 1.7 and 2^32 + 1 drew exactly the scores of seed 1.
      ...[1.7, 2 ** 32 + 1, -1, Number.NaN].map((v): [string, MultimodalSimulation] => [`seed ${v}`, { ...sim, seed: v }]),
    ];
    for (const [what, config] of bad) expect(() => simulateMultimodalScores(config), what).toThrow(ConfigError);
    // The edges are valid: no impostors, no failures or only failures, a constant score, seed 0 and 2^32 - 1.
    const small = { ...sim, subjects: 5 };
    expect(simulateMultimodalScores({ ...small, impostorsPerSubject: 0 }).label.length).toBe(5);
    expect(simulateMultimodalScores({ ...small, modalities: [{ ...a, failureRate: 1, genuine: { mean: 3, sd: 0 } }, b] }).scores[0].every(Number.isNaN)).toBe(true);
    for (const seed of [0, 2 ** 32 - 1]) expect(simulateMultimodalScores({ ...small, seed }).label.length).toBe(5 * 5);
  });
});
