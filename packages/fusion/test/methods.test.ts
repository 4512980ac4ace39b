import { ConfigError, seededRandom } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import { FusionError } from '../src/errors';
import { fuseAll } from '../src/fusion-method';
import { fitGaussianMixture, fitGaussianMixtureBic, mixtureLogDensity, prepareComponents } from '../src/methods/gaussian-mixture';
import { LikelihoodRatioFusion, likelihoodRatioFusionFromJSON } from '../src/methods/likelihood-ratio-fusion';
import { fitLogistic } from '../src/methods/logistic';
import { DecisionFusion, type DecisionFusionOptions } from '../src/methods/decision-fusion';
import { LogisticFusion, logisticFusionFromJSON, type LogisticFusionOptions } from '../src/methods/logistic-fusion';
import { eerWeights, RuleFusion, ruleFusionFromJSON } from '../src/methods/rule-fusion';
import { validateMultiScores, type MultiScores } from '../src/multi-scores';
import { twoModalityScores } from './two-modality-scores';

/** Two modalities, Gaussian genuine N(mu_g, 1) and impostor N(0, 1) scores, independent. */
function gaussianScores(n: number, seed: number, genuineMeans = [3, 1.5]): MultiScores {
  const rng = seededRandom(seed);
  const m = genuineMeans.length;
  const scores = new Float64Array(n * m);
  const labels = new Uint8Array(n);
  const probeSubject = new Int32Array(n);
  const referenceSubject = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const genuine = i % 5 === 0;
    labels[i] = genuine ? 1 : 0;
    for (let j = 0; j < m; j++) scores[i * m + j] = (genuine ? genuineMeans[j] : 0) + rng.normal();
    probeSubject[i] = i % 97;
    referenceSubject[i] = genuine ? i % 97 : (i + 1) % 97;
  }
  return { modalities: genuineMeans.map((_, j) => `m${j}`), scores, labels, probeSubject, referenceSubject };
}

/** Two modalities, two genuine and two impostor rows. */
const twoModalities: MultiScores = {
  modalities: ['a', 'b'],
  scores: Float64Array.from([0, 0, 10, 100, 5, 50, 8, 60]),
  labels: Uint8Array.from([0, 1, 0, 1]),
  probeSubject: Int32Array.from([0, 1, 2, 3]),
  referenceSubject: Int32Array.from([1, 1, 3, 3]),
};

describe('fixed rules', () => {
  const train = twoModalities;
  it('sum averages the normalised scores that are present', () => {
    const f = new RuleFusion({ rule: 'sum', normaliser: 'min-max' }).fit(train);
    expect(f.score([5, 50])).toBeCloseTo(0.5, 12);
    expect(f.score([10, Number.NaN])).toBe(1); // a missing modality is left out, not taken as 0
    expect(Number.isNaN(f.score([Number.NaN, Number.NaN]))).toBe(true);
  });
  it('product, max and min', () => {
    expect(new RuleFusion({ rule: 'product', normaliser: 'min-max' }).fit(train).score([2.5, 100])).toBeCloseTo(0.5, 12);
    expect(new RuleFusion({ rule: 'max', normaliser: 'min-max' }).fit(train).score([2.5, 100])).toBe(1);
    expect(new RuleFusion({ rule: 'min', normaliser: 'min-max' }).fit(train).score([2.5, 100])).toBe(0.25);
  });
  it('weighted sum takes given weights or 1 / EER weights', () => {
    const given = new RuleFusion({ rule: 'weighted-sum', normaliser: 'min-max', weights: [3, 1] }).fit(train);
    expect(given.score([10, 0])).toBeCloseTo(0.75, 12);
    expect(() => new RuleFusion({ rule: 'weighted-sum', weights: [1] }).fit(train)).toThrow(FusionError);
    const data = gaussianScores(5000, 1);
    const learned = new RuleFusion({ rule: 'weighted-sum', normaliser: 'z-score' }).fit(data).toJSON() as unknown as { weights: number[] };
    expect(learned.weights[0]).toBeGreaterThan(learned.weights[1]); // the stronger modality weighs more
    expect(learned.weights[0] + learned.weights[1]).toBeCloseTo(1, 12);
  });
  it('round-trips through JSON', () => {
    const f = new RuleFusion({ rule: 'weighted-sum', normaliser: 'tanh' }).fit(gaussianScores(2000, 2));
    const back = ruleFusionFromJSON(JSON.parse(JSON.stringify(f.toJSON())));
    expect(back.score([1.2, -0.3])).toBe(f.score([1.2, -0.3]));
  });
});

describe('logistic regression', () => {
  it('recovers the coefficients of a logistic model', () => {
    const rng = seededRandom(5);
    const n = 40_000;
    const x = new Float64Array(n * 2);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x[2 * i] = rng.normal();
      x[2 * i + 1] = 3 * rng.normal() + 1;
      const eta = 2 * x[2 * i] - 0.5 * x[2 * i + 1] + 0.7;
      y[i] = rng.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    }
    const m = fitLogistic(x, y, 2, { l2: 0 });
    expect(m.weights[0]).toBeCloseTo(2, 1);
    expect(m.weights[1]).toBeCloseTo(-0.5, 1);
    expect(m.bias).toBeCloseTo(0.7, 1);
  });
  it('stays finite on separable data', () => {
    const m = fitLogistic(Float64Array.from([0, 1, 2, 3, 10, 11, 12, 13]), Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1]), 1);
    expect(Number.isFinite(m.weights[0]) && Number.isFinite(m.bias)).toBe(true);
    expect(m.weights[0] * 11 + m.bias).toBeGreaterThan(0);
    expect(m.weights[0] * 2 + m.bias).toBeLessThan(0);
  });
  it('fuses with a model per pattern of present modalities, and round-trips', () => {
    const data = gaussianScores(10_000, 3);
    const f = new LogisticFusion().fit(data);
    // With Gaussian classes of unit variance the log-odds is linear: weights close to the means.
    const json = f.toJSON() as unknown as { models: ({ weights: number[] } | null)[] };
    expect(json.models[3]?.weights[0]).toBeCloseTo(3, 0);
    expect(json.models[3]?.weights[1]).toBeCloseTo(1.5, 0);
    expect(json.models[1]?.weights.length).toBe(1);
    expect(Number.isFinite(f.score([2, Number.NaN]))).toBe(true);
    const back = logisticFusionFromJSON(JSON.parse(JSON.stringify(f.toJSON())));
    expect(back.score([2, 1])).toBe(f.score([2, 1]));
  });

  it('keeps every fused weight >= 0: a higher score in b, fitted on almost only impostors, no longer lowers the fused score', () => {
    const f = new LogisticFusion().fit(scarceModality(15, 1));
    const { models } = f.toJSON() as unknown as { models: ({ weights: number[]; bias: number } | null)[] };
    // Unconstrained, b alone weighed -0.2405 and b beside a -0.2261.
    expect(models[2]?.weights).toEqual([0]);
    expect(models[3]?.weights[1]).toBe(0);
    expect(models[3]?.weights[0]).toBeCloseTo(1.2262, 4);
    // Before: -4.29 for b = 3 against -3.39 for b = -1.
    expect(f.score([2, 3])).toBeCloseTo(-3.5854, 4);
    expect(f.score([2, 3])).toBe(f.score([2, -1]));
  });

  it('scores modalities that no genuine training comparison has together by the model without one of them, weighing it at 0', () => {
    const data = scarceModality(15, 0);
    const f = new LogisticFusion().fit(data);
    const { models } = f.toJSON() as unknown as { models: ({ weights: number[]; bias: number } | null)[] };
    // b alone: nothing to score with. a and b: a's model, b weighed at 0.
    expect(models[2]).toBeNull();
    expect(models[3]).toEqual({ weights: [models[1]!.weights[0], 0], bias: models[1]!.bias });
    // Before, a comparison with a = 5 scored 7.81 with b missing, and NaN (not scored) with b present.
    expect(f.score([5, Number.NaN])).toBeCloseTo(7.8122, 4);
    expect(f.score([5, 0])).toBe(f.score([5, Number.NaN]));
    expect(f.score([Number.NaN, 1])).toBeNaN();
    // Stored and read back: the model of a and b weighs b at 0, so b alone may have none.
    const back = logisticFusionFromJSON(JSON.parse(JSON.stringify(f.toJSON())));
    expect(back.score([5, 3])).toBe(f.score([5, 3]));
    // The same with impostors missing: b present on genuine comparisons only.
    const flipped = new LogisticFusion().fit({ ...data, labels: data.labels.map((l) => 1 - l) });
    expect((flipped.toJSON() as unknown as { models: ({ weights: number[] } | null)[] }).models[3]?.weights[1]).toBe(0);
  });

  it('falls back, too, where a modality scores every training row it is on alike (the whole fit failed: "feature 0 is constant")', () => {
    // b on three rows, one genuine and two impostors, all scoring 0.
    let seen = 0;
    const data = twoModalityScores(1000, 4, () => (seen++ < 3 ? 0 : Number.NaN));
    expect(Array.from(data.labels.subarray(0, 3))).toEqual([1, 0, 0]);
    const f = new LogisticFusion().fit(data);
    const { models } = f.toJSON() as unknown as { models: ({ weights: number[]; bias: number } | null)[] };
    expect(models[2]).toBeNull();
    expect(models[3]).toEqual({ weights: [models[1]!.weights[0], 0], bias: models[1]!.bias });
    expect(f.score([3, 0])).toBe(f.score([3, Number.NaN]));
    // A spread too small to standardise by (its square underflows) is none: the same fallback, not the fit's refusal.
    let tiny = 0;
    const underflow = new LogisticFusion().fit(twoModalityScores(1000, 4, () => [0, 1e-170, 0][tiny++] ?? Number.NaN));
    expect((underflow.toJSON() as unknown as { models: ({ weights: number[] } | null)[] }).models[3]?.weights[1]).toBe(0);
  });

  it('falls back to the subset model fitted on the most modalities, then on the most comparisons of its scarcer class', () => {
    type Stored = { models: ({ weights: number[]; bias: number } | null)[] };
    // c is never present on a genuine comparison; a is on three times as many as b.
    const sparse = new LogisticFusion().fit(threeModalities(8, (g, i, rng) => [(g ? 2 : 0) + rng.normal(), i % 3 === 0 ? (g ? 2 : 0) + rng.normal() : Number.NaN, g ? Number.NaN : rng.normal()]));
    const { models } = sparse.toJSON() as unknown as Stored;
    // a and c (pattern 5) take a's model, b and c (6) b's; all three (7) take a and b's (3), fitted on two modalities, not a's, fitted on more comparisons.
    expect(models[4]).toBeNull();
    expect(models[5]).toEqual({ weights: [models[1]!.weights[0], 0], bias: models[1]!.bias });
    expect(models[6]).toEqual({ weights: [models[2]!.weights[0], 0], bias: models[2]!.bias });
    expect(models[7]).toEqual({ weights: [...models[3]!.weights, 0], bias: models[3]!.bias });
    // No genuine comparison has all three: a and c are together on 3 in 6 of them, a and b on 2, b and c on 1.
    const pairs = new LogisticFusion().fit(threeModalities(9, (g, i, rng) => {
      const left = g ? [1, 1, 1, 2, 2, 0][Math.floor(i / 5) % 6] : -1;
      return [0, 1, 2].map((j) => (j === left ? Number.NaN : (g ? 2 : 0) + rng.normal()));
    }));
    const three = (pairs.toJSON() as unknown as Stored).models;
    expect(three[7]).toEqual({ weights: [three[5]!.weights[0], 0, three[5]!.weights[1]], bias: three[5]!.bias });
  });

  it('fits the best model with weights >= 0: no subset of the features with no negative weight fits better', () => {
    // Six correlated features, each a seeded mix of six noises plus a class shift; on the way the
    // active-set method cuts two freed weights back to 0.
    const d = 6;
    const n = 2000;
    const rng = seededRandom(21);
    const mix = Array.from({ length: d * d }, () => rng.normal());
    const shift = Array.from({ length: d }, () => rng.normal());
    const x = new Float64Array(n * d);
    const y = Uint8Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 1 : 0));
    for (let i = 0; i < n; i++) {
      const noise = Array.from({ length: d }, () => rng.normal());
      for (let j = 0; j < d; j++) x[i * d + j] = shift[j] * y[i] + noise.reduce((s, e, k) => s + mix[j * d + k] * e, 0);
    }
    expect(Array.from(fitLogistic(x, y, d).weights, (w) => w >= 0)).toEqual([true, false, true, false, false, true]);
    const held = fitLogistic(x, y, d, { nonNegative: true });
    expect(Array.from(held.weights, (w) => w > 0)).toEqual([true, false, true, false, false, true]);
    expect(Array.from(held.weights).every((w) => w >= 0)).toBe(true);
    const best = penalisedObjective(x, y, d, held);
    let feasible = 0;
    for (let mask = 1; mask < 1 << d; mask++) {
      const face = [...Array(d).keys()].filter((j) => mask & (1 << j));
      const fit = fitLogistic(x.filter((_, k) => mask & (1 << k % d)), y, face.length);
      if (fit.weights.some((w) => w < 0)) continue;
      feasible++;
      const weights = new Float64Array(d);
      face.forEach((j, k) => (weights[j] = fit.weights[k]));
      expect(best).toBeGreaterThanOrEqual(penalisedObjective(x, y, d, { weights, bias: fit.bias }) - 1e-9);
    }
    expect(feasible).toBeGreaterThan(10);
    // Where no weight is negative the constraint changes nothing, to the last bit.
    const positive = x.filter((_, k) => k % d === 0 || k % d === 2);
    expect(fitLogistic(positive, y, 2, { nonNegative: true })).toEqual(fitLogistic(positive, y, 2));
  });
});

/** 3,000 comparisons of modalities a, b and c, every fifth genuine; `row` gives a comparison's three scores (NaN: missing). */
function threeModalities(seed: number, row: (genuine: boolean, i: number, rng: ReturnType<typeof seededRandom>) => number[]): MultiScores {
  const n = 3000;
  const rng = seededRandom(seed);
  const labels = Uint8Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 1 : 0));
  const scores = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) scores.set(row(labels[i] === 1, i, rng), 3 * i);
  const probeSubject = Int32Array.from({ length: n }, (_, i) => i % 60);
  return { modalities: ['a', 'b', 'c'], scores, labels, probeSubject, referenceSubject: Int32Array.from({ length: n }, (_, i) => (labels[i] ? i % 60 : (i + 1) % 60)) };
}

/**
 * Modalities a (always present) and b, which is present on `genuineRowsWithB` genuine training
 * comparisons and on about one impostor in eight.
 */
function scarceModality(seed: number, genuineRowsWithB: number): MultiScores {
  let genuineWithB = 0;
  return twoModalityScores(2000, seed, (genuine, rng) => {
    if (genuine) return genuineWithB++ < genuineRowsWithB ? 1.5 + rng.normal() : Number.NaN;
    return rng.next() < 0.125 ? rng.normal() : Number.NaN;
  });
}

/** The log-likelihood fitLogistic maximises: labels given the model, minus 0.5 * l2 (default 1) * the squared weights in standardised units. */
function penalisedObjective(x: Float64Array, y: Uint8Array, d: number, model: { weights: Float64Array; bias: number }): number {
  const n = y.length;
  let ll = 0;
  for (let i = 0; i < n; i++) {
    let eta = model.bias;
    for (let j = 0; j < d; j++) eta += model.weights[j] * x[i * d + j];
    ll += y[i] * eta - (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta)));
  }
  let penalty = 0;
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x[i * d + j] / n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (x[i * d + j] - mean) ** 2 / n;
    penalty += (model.weights[j] * Math.sqrt(variance)) ** 2;
  }
  return ll - 0.5 * penalty;
}

/** n rows of two columns: row i at centre c(i) times `direction`, plus seeded normal noise of the given spreads. */
function twoDimensionalClusters(seed: number, n: number, c: (i: number) => number, direction: [number, number], spread: [number, number]): Float64Array {
  const rng = seededRandom(seed);
  const x = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    x[2 * i] = c(i) * direction[0] + spread[0] * rng.normal();
    x[2 * i + 1] = c(i) * direction[1] + spread[1] * rng.normal();
  }
  return x;
}

describe('Gaussian mixtures and likelihood-ratio fusion', () => {
  it('BIC picks the number of well-separated clusters', () => {
    const x = twoDimensionalClusters(9, 3000, (i) => (i % 2 === 0 ? 0 : 8), [1, -1], [1, 1]);
    const fit = fitGaussianMixtureBic(x, 2, { seed: 1, maxComponents: 4 });
    expect(fit.components).toBe(2);
    const means = [fit.model.means[0], fit.model.means[2]].sort((a, b) => a - b);
    expect(means[0]).toBeCloseTo(0, 0);
    expect(means[1]).toBeCloseTo(8, 0);
  });

  it('reports the log-likelihood of the model it returns (what BIC compares), even when EM stops early', () => {
    const n = 400;
    const x = twoDimensionalClusters(4, n, (i) => (i % 3 === 0 ? 5 : 0), [1, 0.5], [1, 2]);
    for (const maxIterations of [1, 2, 100]) {
      const fit = fitGaussianMixture(x, 2, { seed: 1, components: 3, maxIterations });
      const parts = prepareComponents(fit.model, [0, 1]);
      let direct = 0;
      for (let i = 0; i < n; i++) direct += mixtureLogDensity(parts, x.subarray(2 * i, 2 * i + 2));
      expect(fit.logLikelihood).toBeCloseTo(direct, 6);
    }
    // The reported values follow EM: a further step never lowers the likelihood of the returned model (the loop above is what pins the fix).
    const one = fitGaussianMixture(x, 2, { seed: 1, components: 3, maxIterations: 1 }).logLikelihood;
    const two = fitGaussianMixture(x, 2, { seed: 1, components: 3, maxIterations: 2 }).logLikelihood;
    expect(two).toBeGreaterThanOrEqual(one - 1e-9);
  });

  it('scores the log-likelihood ratio and marginalises a missing modality exactly', () => {
    const data = gaussianScores(20_000, 4);
    const f = new LikelihoodRatioFusion({ seed: 1, maxComponents: 1 }).fit(data);
    // One component per class: the true LLR of x = (3, 1.5) is sum_j mu_j x_j - mu_j^2 / 2 = 5.625.
    expect(f.score([3, 1.5])).toBeCloseTo(5.625, 0);
    const json = f.toJSON() as unknown as { genuine: { means: number[]; covariances: number[] }; impostor: { means: number[]; covariances: number[] } };
    const logNormal = (x: number, mu: number, v: number) => -0.5 * (Math.log(2 * Math.PI * v) + (x - mu) ** 2 / v);
    const x0 = 2.2;
    const expected =
      logNormal(x0, json.genuine.means[0], json.genuine.covariances[0]) - logNormal(x0, json.impostor.means[0], json.impostor.covariances[0]);
    expect(f.score([x0, Number.NaN])).toBeCloseTo(expected, 10);
    const back = likelihoodRatioFusionFromJSON(JSON.parse(JSON.stringify(f.toJSON())));
    expect(back.score([1, 2])).toBe(f.score([1, 2]));
  });

  it('fuses better than either modality alone', () => {
    const train = gaussianScores(20_000, 5);
    const test = gaussianScores(20_000, 6);
    const fused = fuseAll(new LikelihoodRatioFusion({ seed: 2 }).fit(train), test);
    const errors = (s: ArrayLike<number>) => {
      // Errors at the midpoint-free threshold 0 of a log-likelihood ratio.
      let e = 0;
      for (let i = 0; i < test.labels.length; i++) if ((s[i] > 0 ? 1 : 0) !== test.labels[i]) e++;
      return e / test.labels.length;
    };
    expect(errors(fused)).toBeLessThan(0.05); // d' = sqrt(3^2 + 1.5^2) = 3.35 at equal costs
  });
});

describe('bad input', () => {
  it('rejects infinite scores and mismatched shapes', () => {
    const ms = gaussianScores(10, 1);
    expect(() => validateMultiScores({ ...ms, scores: Float64Array.from(ms.scores, (v, i) => (i === 3 ? Infinity : v)) })).toThrow(/score of m1 in row 1 is Infinity; scores are finite numbers/);
    // Scores of 1e300 gave a spread of Infinity: z-scores all 0, the modality silently dropped.
    expect(() => validateMultiScores({ ...ms, scores: Float64Array.from(ms.scores, (v) => v * 1e300) })).toThrow(/overflow the statistics fusion fits: rescale them/);
    expect(() => validateMultiScores({ ...ms, labels: new Uint8Array(3) })).toThrow(/expected 3 rows/);
  });
  it('refuses stored models that do not fit their modalities, naming the field', () => {
    const two = ['a', 'b'];
    const minMax = { kind: 'min-max' as const, params: { min: 0, max: 1 } };
    expect(() => ruleFusionFromJSON({ rule: 'sum', modalities: two, normalisers: [minMax, minMax], weights: [1] })).toThrow(/stored rule fusion: "weights" must list 2 numbers/);
    // A logistic model read as a rule was a TypeError.
    expect(() => ruleFusionFromJSON({ modalities: two, models: [] } as unknown as Parameters<typeof ruleFusionFromJSON>[0])).toThrow(FusionError);
    expect(() => logisticFusionFromJSON({ modalities: two, models: [null, null] })).toThrow(/"models" must hold 4 entries/);
    expect(() => likelihoodRatioFusionFromJSON({ modalities: two, normalisers: [minMax, minMax], range: { low: [0, 0], high: [1, 1] }, genuine: { dims: 3, weights: [1], means: [0, 0, 0], covariances: [] }, impostor: { dims: 2, weights: [1], means: [0, 0], covariances: [1, 0, 0, 1] } } as Parameters<typeof likelihoodRatioFusionFromJSON>[0])).toThrow(/"genuine" must be a mixture in 2 dimensions/);
  });

  it('explains when there are too few genuine rows for a mixture', () => {
    const ms = gaussianScores(10, 1);
    expect(() => new LikelihoodRatioFusion().fit(ms)).toThrow(/at least 3 complete genuine/);
  });
});

describe('decision-level fusion', () => {
  it('votes at per-modality thresholds reaching the target FMR, a missing modality rejecting under AND', async () => {
    const { DecisionFusion, decisionFusionFromJSON } = await import('../src/methods/decision-fusion');
    const data = gaussianScores(50_000, 8);
    const and = new DecisionFusion({ rule: 'and', targetFmr: 0.01 }).fit(data);
    // Impostor scores are N(0, 1): the 1 % threshold is near the 99th percentile, 2.33.
    for (const t of and.thresholds) expect(t).toBeCloseTo(2.33, 1);
    expect(and.accepts([3, 3])).toBe(true);
    expect(and.accepts([3, 0])).toBe(false);
    // A failure to acquire is never an accept (ISO/IEC 19795-1).
    expect(and.accepts([3, Number.NaN])).toBe(false);
    expect(and.score([3, 0])).toBe(0.5);
    const or = new DecisionFusion({ rule: 'or', targetFmr: 0.01 }).fit(data);
    expect(or.accepts([3, 0])).toBe(true);
    expect(or.accepts([Number.NaN, Number.NaN])).toBe(false);
    const majority = new DecisionFusion({ rule: 'majority', targetFmr: 0.01 }).fit(gaussianScores(50_000, 9, [3, 2, 1]));
    expect(majority.accepts([3, 3, 0])).toBe(true);
    expect(majority.accepts([3, 0, 0])).toBe(false);
    expect(decisionFusionFromJSON(JSON.parse(JSON.stringify(and.toJSON()))).accepts([3, 0])).toBe(false);
    // A threshold missing from the file was NaN: that modality never voted, silently.
    const stored = JSON.parse(JSON.stringify(and.toJSON())) as { rule: 'and'; modalities: string[]; thresholds: number[] };
    expect(() => decisionFusionFromJSON({ ...stored, thresholds: stored.thresholds.slice(1) })).toThrow(/"thresholds" must list 2 numbers/);
  });
});

describe('quality-weighted fusion', () => {
  /** Two modalities whose poor-quality samples (quality 0.1) are much noisier. */
  function withQuality(n: number, seed: number): MultiScores {
    const rng = seededRandom(seed);
    const scores = new Float64Array(n * 2);
    const quality = new Float64Array(n * 2);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 4 === 0 ? 1 : 0;
      for (let j = 0; j < 2; j++) {
        const poor = rng.next() < 0.3;
        quality[2 * i + j] = poor ? 0.1 : 1;
        scores[2 * i + j] = (labels[i] ? 2.5 : 0) + (poor ? 4 : 1) * rng.normal();
      }
    }
    return { modalities: ['a', 'b'], scores, labels, quality, probeSubject: new Int32Array(n), referenceSubject: new Int32Array(n) };
  }
  it('lets a poor sample count less, and beats the plain sum when quality tells noise apart', async () => {
    const { equalErrorRate, errorRateCurve, scoreSetFromLabelled } = await import('@biofuse/core');
    const train = withQuality(20_000, 1);
    const test = withQuality(20_000, 2);
    const eer = (f: ReturnType<RuleFusion['fit']>) => equalErrorRate(errorRateCurve(scoreSetFromLabelled(fuseAll(f, test), test.labels))).value;
    const plain = eer(new RuleFusion({ rule: 'sum', normaliser: 'z-score' }).fit(train));
    const weighted = eer(new RuleFusion({ rule: 'sum', normaliser: 'z-score', qualityWeighted: true }).fit(train));
    expect(weighted).toBeLessThan(plain * 0.85);
    const f = new RuleFusion({ rule: 'sum', normaliser: 'min-max', qualityWeighted: true }).fit(train);
    expect(f.score([1, 2], [1, 0])).toBe(f.score([1, Number.NaN])); // quality 0 weighs like a missing score
    expect(ruleFusionFromJSON(JSON.parse(JSON.stringify(f.toJSON()))).score([1, 2], [0.5, 1])).toBe(f.score([1, 2], [0.5, 1]));
    expect(() => new RuleFusion({ rule: 'max', qualityWeighted: true })).toThrow(/sum and weighted-sum/);
    expect(() => validateMultiScores({ ...test, quality: Float64Array.from(test.quality!, () => 2) })).toThrow(/expected a value in \[0, 1\]/);
  });
});

describe('likelihood-ratio fusion on constant columns', () => {
  it('refuses a modality constant over the training rows, naming it', () => {
    // Its covariance floor was 1e-15: scoring b = 0.6 gave 1.02 against 0.809, b = 50 gave -4096.
    const flat = twoModalityScores(500, 1, () => 0.5);
    expect(() => new LikelihoodRatioFusion({ seed: 1 }).fit(flat)).toThrow(FusionError);
    expect(() => new LikelihoodRatioFusion({ seed: 1 }).fit(flat)).toThrow(/likelihood-ratio fusion: b is constant over the complete training rows/);
    expect(() => fitGaussianMixture(Float64Array.from([0, 1, 1, 1, 2, 1, 3, 1]), 2, { seed: 0, components: 1 })).toThrow(/dimension 1 is constant \(1\)/);
    expect(() => fitGaussianMixture(Float64Array.from([0, 1, 1, 1, 2, 1, 3, 1]), 2, { seed: 0, components: 1, referenceVariance: [1, 0] })).toThrow(/dimension 1 has a reference variance of 0/);
  });

  it('floors a class constant in one modality at 1e-3 of the variance over both classes', () => {
    // Every genuine b is 1 (a capped matcher): the genuine floor was 1e-15 and [5, 0.999] scored -5e8.
    const data = twoModalityScores(2000, 3, (genuine, rng) => (genuine ? 1 : 0.5 * rng.next()));
    const f = new LikelihoodRatioFusion({ seed: 1, maxComponents: 1 }).fit(data);
    const json = f.toJSON() as unknown as { genuine: { covariances: number[] } };
    const b = Float64Array.from({ length: 2000 }, (_, i) => data.scores[2 * i + 1]);
    const mean = b.reduce((s, v) => s + v, 0) / b.length;
    const pooled = b.reduce((s, v) => s + (v - mean) ** 2, 0) / b.length;
    expect(json.genuine.covariances[3]).toBeCloseTo(1e-3 * pooled, 10);
    expect(json.genuine.covariances[3]).toBeGreaterThan(1e-4);
    const near = f.score([5, 0.999]);
    expect(near).toBeGreaterThan(20); // a strong a and a b at the genuine cap: clearly genuine
    expect(Math.abs(near - f.score([5, 1]))).toBeLessThan(0.1);
  });
});

describe('quality weights that are all zero', () => {
  const train = twoModalities;
  it('weigh the present modalities by their plain weights instead of scoring NaN', () => {
    // It was NaN, which runs counted as "no input system scored this comparison".
    const sum = new RuleFusion({ rule: 'sum', normaliser: 'min-max', qualityWeighted: true }).fit(train);
    expect(sum.score([2, 100], [0, 0])).toBeCloseTo(0.6, 12); // (0.2 + 1) / 2
    expect(sum.score([2, Number.NaN], [0, 1])).toBeCloseTo(0.2, 12); // the only present score has quality 0
    expect(sum.score([2, 100], [0, 0.5])).toBeCloseTo(1, 12); // one non-zero quality: it alone counts, as before
    const weighted = new RuleFusion({ rule: 'weighted-sum', normaliser: 'min-max', weights: [3, 1], qualityWeighted: true }).fit(train);
    expect(weighted.score([2, 100], [0, 0])).toBeCloseTo((3 * 0.2 + 1) / 4, 12);
  });
});

describe('stored models', () => {
  const two = ['a', 'b'];
  const minMax = { kind: 'min-max' as const, params: { min: 0, max: 1 } };
  type RuleJson = Parameters<typeof ruleFusionFromJSON>[0];
  const rule = (over: Partial<Record<keyof RuleJson, unknown>>) => ruleFusionFromJSON({ rule: 'sum', modalities: two, normalisers: [minMax, minMax], weights: [1, 1], ...over } as RuleJson);

  it('refuse inherited names for rules and normalisers', () => {
    for (const name of ['toString', 'constructor', '__proto__']) {
      expect(() => rule({ rule: name }), name).toThrow(new RegExp(`stored rule fusion: unknown rule "${name}"`));
      expect(() => rule({ normalisers: [{ kind: name, params: {} }, minMax] }), name).toThrow(new RegExp(`normaliser 0: unknown normaliser "${name}"`));
      expect(() => new RuleFusion({ rule: name as 'sum' }), name).toThrow(ConfigError);
    }
  });

  it('refuse normaliser parameters that would score NaN or Infinity, naming the field', () => {
    const z = (params: unknown) => rule({ normalisers: [{ kind: 'z-score', params }, minMax] });
    expect(() => z({})).toThrow(/stored rule fusion: normaliser 0: z-score normaliser: "mean" must be a finite number, got nothing/);
    expect(() => z({ mean: 'x', sd: 1 })).toThrow(/"mean" must be a finite number, got "x"/);
    expect(() => z({ mean: 0, sd: 0 })).toThrow(/"sd" must be a finite number above 0, got 0/);
    expect(() => z({ mean: 0, sd: -2 })).toThrow(FusionError);
    expect(() => z({ mean: 0, sd: 2 })).not.toThrow();
    expect(() => rule({ normalisers: [minMax, { kind: 'min-max', params: { min: 1, max: 1 } }] })).toThrow(/normaliser 1: min-max normaliser: "max" \(1\) must be above "min" \(1\)/);
    expect(() => rule({ normalisers: [minMax, { kind: 'tanh', params: { location: 0, scale: 0 } }] })).toThrow(/"scale" must be a finite number above 0/);
    expect(() => rule({ normalisers: [minMax, { kind: 'double-sigmoid', params: { t: 0, left: 1 } }] })).toThrow(/"right" must be a finite number above 0, got nothing/);
  });

  it('refuse weights that are zero, negative or do not sum to 1 where they must', () => {
    expect(() => rule({ rule: 'weighted-sum', weights: [0, 0] })).toThrow(/stored rule fusion: "weights" entry 0 is 0; weights must be above 0/);
    expect(() => rule({ rule: 'weighted-sum', weights: [1, -1] })).toThrow(/"weights" entry 1 is -1/);
    expect(() => new RuleFusion({ rule: 'weighted-sum', weights: [1, -1] })).toThrow(ConfigError);
    expect(() => new RuleFusion({ rule: 'weighted-sum', weights: [0, 0] })).toThrow(/weighted-sum: "weights" entry 0 is 0/);

    const f = new LikelihoodRatioFusion({ seed: 1, maxComponents: 2 }).fit(gaussianScores(2000, 7));
    const stored = () => JSON.parse(JSON.stringify(f.toJSON())) as Parameters<typeof likelihoodRatioFusionFromJSON>[0];
    const k = stored().genuine.weights.length;
    const withGenuine = (change: (g: Parameters<typeof likelihoodRatioFusionFromJSON>[0]['genuine']) => void) => {
      const s = stored();
      change(s.genuine);
      return () => likelihoodRatioFusionFromJSON(s);
    };
    expect(withGenuine(() => {})).not.toThrow();
    expect(withGenuine((g) => (g.weights[0] = -g.weights[0]))).toThrow(/stored likelihood-ratio fusion: "genuine.weights" entry 0 is -/);
    expect(withGenuine((g) => (g.weights = g.weights.map((w) => w / 2)))).toThrow(/"genuine.weights" sum to 0.5, not 1/);
    // A covariance that is not positive definite failed at the first score, not at the load.
    expect(withGenuine((g) => (g.covariances[3] = -1))).toThrow(/"genuine.covariances": .*not positive definite/);
    expect(k).toBeGreaterThan(0);
  });
});

describe('the product rule', () => {
  const data = gaussianScores(2000, 11);
  it('refuses normalisers whose scores can be 0 or below, at construction', () => {
    // With z-scores, rows [3, -1], [3, -0.01] and [3, 1e-6] all fused to 0.0014089.
    for (const normaliser of ['none', 'z-score', 'median-mad', 'llr', 'log'] as const) {
      expect(() => new RuleFusion({ rule: 'product', normaliser }), normaliser).toThrow(ConfigError);
      expect(() => new RuleFusion({ rule: 'product', normaliser }), normaliser).toThrow(/product needs a normaliser whose outputs are positive \(min-max, tanh, double-sigmoid\)/);
    }
    const minMax = { kind: 'min-max' as const, params: { min: 0, max: 1 } };
    expect(() => ruleFusionFromJSON({ rule: 'product', modalities: ['a', 'b'], normalisers: [minMax, { kind: 'z-score', params: { mean: 0, sd: 1 } }], weights: [1, 1] })).toThrow(/stored rule fusion: product needs/);
  });
  it('ranks negative raw scores apart with the normalisers it takes', () => {
    for (const normaliser of ['min-max', 'tanh', 'double-sigmoid'] as const) {
      const f = new RuleFusion({ rule: 'product', normaliser }).fit(data);
      const scores = [f.score([3, -1]), f.score([3, -0.01]), f.score([3, 1e-6])];
      expect(scores[0], normaliser).toBeLessThan(scores[1]);
      expect(scores[1], normaliser).toBeLessThan(scores[2]);
    }
  });
});

describe('settings a method would ignore', () => {
  it('are configuration errors raised by the constructor, not fitting failures', async () => {
    const { DecisionFusion } = await import('../src/methods/decision-fusion');
    // A FusionError here was reported as "could not be fitted" by callers that skip such methods.
    const product = () => new RuleFusion({ rule: 'product', qualityWeighted: true });
    expect(product).toThrow(ConfigError);
    expect(product).not.toThrow(FusionError);
    expect(product).toThrow(/quality weighting applies to sum and weighted-sum, not product/);
    expect(() => new RuleFusion({ rule: 'sum', weights: [1, 2] })).toThrow(/weights apply to weighted-sum only; sum would ignore them/);
    expect(() => new RuleFusion({ rule: 'max', weights: [1, 2] })).toThrow(ConfigError);
    expect(() => new LogisticFusion({ normaliser: 'z-score' } as LogisticFusionOptions)).toThrow(/logistic fusion has no option "normaliser": logistic regression standardises its inputs itself/);
    expect(() => new DecisionFusion({ rule: 'and', normaliser: 'z-score' } as DecisionFusionOptions)).toThrow(/decision fusion has no option "normaliser": decision rules threshold the raw scores/);
    expect(() => new DecisionFusion({ rule: 'toString' as 'and' })).toThrow(/decision fusion: unknown rule "toString"/);
    expect(() => new LikelihoodRatioFusion({ normaliser: 'constructor' as 'none' })).toThrow(ConfigError);
    // Options left undefined, as a config passes them, are fine.
    expect(() => new RuleFusion({ rule: 'sum', normaliser: 'z-score', weights: undefined, qualityWeighted: undefined })).not.toThrow();
  });

  it('name the modality when a normaliser cannot be fitted', () => {
    const flat = twoModalityScores(100, 2, () => 7);
    expect(() => new RuleFusion({ rule: 'sum', normaliser: 'z-score' }).fit(flat)).toThrow(/^b: z-score: the training scores are constant$/);
  });
});

describe('a missing modality under AND and min', () => {
  it('AND does not accept a comparison one modality did not score', () => {
    const f = new DecisionFusion({ rule: 'and', targetFmr: 0.01 }).fit(gaussianScores(2000, 41));
    expect(f.accepts([10, 10])).toBe(true);
    expect(f.accepts([10, Number.NaN])).toBe(false);
    expect(f.score([10, Number.NaN])).toBe(0.5);
    expect(f.score([Number.NaN, Number.NaN])).toBeNaN();
  });

  it('OR and majority still decide on the present modalities', () => {
    const train = gaussianScores(2000, 42);
    expect(new DecisionFusion({ rule: 'or', targetFmr: 0.01 }).fit(train).accepts([10, Number.NaN])).toBe(true);
    expect(new DecisionFusion({ rule: 'or', targetFmr: 0.01 }).fit(train).accepts([-10, Number.NaN])).toBe(false);
  });

  it('majority takes more than half of the votes present: a missing modality neither accepts nor rejects', () => {
    // README: "OR and majority count the votes present"; the class: "more than half of the present ones".
    const majority = new DecisionFusion({ rule: 'majority', targetFmr: 0.01 }).fit(gaussianScores(5000, 45, [3, 2, 1]));
    const yes = 10; // above every modality's threshold
    const no = -10; // below every one
    const nan = Number.NaN;
    // One present modality decides alone (1 of 1); counted as a reject it would be 1 of 3.
    expect(majority.score([yes, nan, nan])).toBe(1);
    expect(majority.accepts([yes, nan, nan])).toBe(true);
    expect(majority.accepts([nan, nan, yes])).toBe(true);
    expect(majority.accepts([no, nan, nan])).toBe(false);
    // Two present (2 of 2), against 2 of 3 with the missing one rejecting.
    expect(majority.score([yes, yes, nan])).toBe(1);
    expect(majority.accepts([yes, yes, nan])).toBe(true);
    // A tie among the present votes is not a majority; counted as an accept, the missing one would break it.
    expect(majority.score([yes, no, nan])).toBe(0.5);
    expect(majority.accepts([yes, no, nan])).toBe(false);
    expect(majority.accepts([nan, no, yes])).toBe(false);
    // With every modality present the share is over all three.
    expect(majority.score([yes, no, no])).toBeCloseTo(1 / 3, 12);
    expect(majority.accepts([yes, yes, no])).toBe(true);
    expect(majority.accepts([yes, no, no])).toBe(false);
    // No modality present: no vote, no score, no accept.
    expect(majority.score([nan, nan, nan])).toBeNaN();
    expect(majority.accepts([nan, nan, nan])).toBe(false);
    // Two modalities, one missing: the present one decides, as under OR and unlike AND.
    const two = new DecisionFusion({ rule: 'majority', targetFmr: 0.01 }).fit(gaussianScores(2000, 46));
    expect(two.accepts([yes, nan])).toBe(true);
    expect(two.accepts([nan, no])).toBe(false);
  });

  it('min ranks a comparison with a missing modality below every fully scored one', () => {
    const f = new RuleFusion({ rule: 'min' }).fit(gaussianScores(2000, 43));
    expect(f.score([10, Number.NaN])).toBe(Number.NEGATIVE_INFINITY);
    expect(f.score([10, Number.NaN])).toBeLessThan(f.score([-10, -10]));
    expect(f.score([Number.NaN, Number.NaN])).toBeNaN();
  });

  it('max and sum keep the present scores', () => {
    const train = gaussianScores(2000, 44);
    const max = new RuleFusion({ rule: 'max' }).fit(train);
    expect(max.score([3, Number.NaN])).toBe(max.score([3, -1e9]));
    const sum = new RuleFusion({ rule: 'sum' }).fit(train);
    expect(Number.isFinite(sum.score([3, Number.NaN]))).toBe(true);
  });
});

describe('numeric options out of range', () => {
  it.each([Number.NaN, -1, Number.POSITIVE_INFINITY])('logistic l2 = %s', (l2) => {
    expect(() => new LogisticFusion({ l2 })).toThrow(ConfigError);
    expect(() => new LogisticFusion({ l2 })).toThrow(/l2/);
  });

  it('logistic l2 = 0 is allowed', () => {
    expect(() => new LogisticFusion({ l2: 0 })).not.toThrow();
  });

  it.each([
    ['maxComponents', 0],
    ['maxComponents', Number.NaN],
    ['maxComponents', 2.5],
    ['maxImpostorRows', Number.NaN],
    ['maxImpostorRows', 0],
    ['regularization', Number.NaN],
    ['regularization', -1],
  ])('likelihood-ratio %s = %s', (key, value) => {
    expect(() => new LikelihoodRatioFusion({ [key]: value })).toThrow(ConfigError);
    expect(() => new LikelihoodRatioFusion({ [key]: value })).toThrow(new RegExp(key));
  });

  it('likelihood-ratio maxImpostorRows = Infinity is an explicit no cap', () => {
    expect(() => new LikelihoodRatioFusion({ maxImpostorRows: Number.POSITIVE_INFINITY })).not.toThrow();
  });

  it.each([Number.NaN, 2, -1])('decision targetFmr = %s', (targetFmr) => {
    expect(() => new DecisionFusion({ rule: 'and', targetFmr })).toThrow(ConfigError);
    expect(() => new DecisionFusion({ rule: 'and', targetFmr })).toThrow(/targetFmr/);
  });
});

describe('matcher weights', () => {
  it('weigh a perfect modality above an imperfect one with few genuine rows', () => {
    // 10 genuine, 100 impostors; A separates them, B has one impostor above every genuine score.
    const nG = 10;
    const n = 110;
    const scores = new Float64Array(n * 2);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const g = i < nG;
      labels[i] = g ? 1 : 0;
      scores[i * 2] = g ? 10 + i * 0.1 : i * 0.05;
      scores[i * 2 + 1] = g ? 10 + i * 0.1 : i >= nG && i < nG + 8 ? 20 + i : i * 0.05;
    }
    const w = eerWeights({ modalities: ['A', 'B'], scores, labels, probeSubject: new Int32Array(n), referenceSubject: new Int32Array(n) });
    expect(w[0]).toBeGreaterThan(2 * w[1]);
  });
});
