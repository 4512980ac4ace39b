import { MetricsInputError, seededRandom } from '@biofuse/core';
import { thrownBy } from '@biofuse/core/testing';
import { describe, expect, it } from 'vitest';
import { FusionError } from '../src/errors';
import { FeatureFusion } from '../src/feature/feature-fusion';
import { fitCca, fitDca, fitLda, fitPca, project } from '../src/feature/projections';
import type { FusionMethod } from '../src/fusion-method';
import { DecisionFusion } from '../src/methods/decision-fusion';
import { fitGaussianMixture, fitGaussianMixtureBic } from '../src/methods/gaussian-mixture';
import { LikelihoodRatioFusion } from '../src/methods/likelihood-ratio-fusion';
import { fitLogistic } from '../src/methods/logistic';
import { LogisticFusion } from '../src/methods/logistic-fusion';
import { RuleFusion } from '../src/methods/rule-fusion';
import { UserWeightedFusion } from '../src/methods/user-weighted-fusion';
import { column, selectRows, type MultiScores } from '../src/multi-scores';
import { twoModalityScores } from './two-modality-scores';

describe('bad input to fitted score fusions', () => {
  const data = twoModalityScores(1000, 1);
  const methods: FusionMethod[] = [
    new RuleFusion({ rule: 'sum' }),
    new RuleFusion({ rule: 'min' }),
    new LogisticFusion(),
    new LikelihoodRatioFusion({ maxComponents: 1 }),
    new DecisionFusion({ rule: 'and' }),
    new UserWeightedFusion(),
  ];

  it.each(methods.map((m) => [m.name, m] as const))('%s refuses a row of the wrong length or holding an infinite score', (_name, method) => {
    const f = method.fit(data);
    expect(Number.isFinite(f.score([2, 1]))).toBe(true);
    // A short row was scored on the modalities it had (logistic: the model of modality a alone;
    // AND: 0), a long one threw a TypeError or had its extra score ignored, and
    // [Infinity, -Infinity] came out NaN, which means "no modality present".
    expect(thrownBy(() => f.score([2]))).toBeInstanceOf(FusionError);
    expect(() => f.score([2])).toThrow(/a row of 1 scores for the 2 fitted modalities \(a, b\)/);
    expect(() => f.score([2, 1, 5])).toThrow(/a row of 3 scores for the 2 fitted modalities/);
    expect(() => f.score([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toThrow(/score of a is Infinity; scores are finite numbers, NaN for a missing one/);
    expect(() => f.score([0, Number.NEGATIVE_INFINITY])).toThrow(/score of b is -Infinity/);
    // The same checks, and error class, as validateMultiScores: a score too large to square too.
    expect(thrownBy(() => f.score([0, Number.NEGATIVE_INFINITY]))).toBeInstanceOf(MetricsInputError);
    expect(() => f.score([1e200, 1])).toThrow(/score of a is 1e\+200; scores beyond ±1e\+100 overflow/);
    expect(() => f.score([2, 1], [1])).toThrow(/1 sample qualities for the 2 fitted modalities/);
    expect(Number.isNaN(f.score([Number.NaN, Number.NaN]))).toBe(true);
  });

  it('likelihood-ratio fusion refuses more modalities than its 32-bit mask of present ones holds', () => {
    // With 33 modalities, modality 32's bit wrapped onto modality 0's: a row missing modality 0
    // (and only it) was scored NaN, "no modality present".
    const m = 33;
    const n = 100;
    const rng = seededRandom(9);
    const wide: MultiScores = {
      modalities: Array.from({ length: m }, (_, j) => `m${j}`),
      scores: Float64Array.from({ length: n * m }, (_, q) => (Math.floor(q / m) % 2 === 0 ? 1 : 0) + rng.normal()),
      labels: Uint8Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 0)),
      probeSubject: new Int32Array(n),
      referenceSubject: new Int32Array(n),
    };
    expect(thrownBy(() => new LikelihoodRatioFusion({ maxComponents: 1 }).fit(wide))).toBeInstanceOf(FusionError);
    expect(() => new LikelihoodRatioFusion({ maxComponents: 1 }).fit(wide)).toThrow(/likelihood-ratio fusion: at most 31 modalities, got 33/);
    const narrow = { ...wide, modalities: wide.modalities.slice(0, 31), scores: wide.scores.filter((_, q) => q % m < 31) };
    const f = new LikelihoodRatioFusion({ maxComponents: 1 }).fit(narrow);
    expect(Number.isFinite(f.score([Number.NaN, ...Array.from({ length: 30 }, () => 0.5)]))).toBe(true);
  });

  it('refuses sample qualities outside [0, 1], which quality weighting would have weighed by', () => {
    const f = new RuleFusion({ rule: 'sum', qualityWeighted: true }).fit(data);
    expect(f.score([2, 1], [Number.NaN, 0.5])).toBe(f.score([2, 1], [1, 0.5]));
    expect(() => f.score([2, 1], [2, 0.5])).toThrow(/quality of a is 2; expected a value in \[0, 1\]/);
    expect(thrownBy(() => f.score([2, 1], [2, 0.5]))).toBeInstanceOf(MetricsInputError);
  });

  it('names a modality missing from every training row instead of calling its scores constant', () => {
    const missing = { ...data, scores: data.scores.map((v, q) => (q % 2 === 1 ? Number.NaN : v)) };
    expect(() => new RuleFusion({ rule: 'sum', normaliser: 'z-score' }).fit(missing)).toThrow(/b: no training scores \(missing in every row\) to fit the z-score normaliser on/);
    expect(() => new RuleFusion({ rule: 'sum' }).fit(missing)).toThrow(/b: no training scores/);
  });

  it('selects only rows and modalities the scores have', () => {
    // Row 5000 of 1000 (or -1, or 1.5) came back as a row of missing scores labelled impostor;
    // modality 5 of 2 read other rows' scores.
    expect(selectRows(data, [0, 3, 3]).labels.length).toBe(3);
    for (const row of [5000, 1000, -1, 1.5, Number.NaN]) {
      expect(thrownBy(() => selectRows(data, [0, row]))).toBeInstanceOf(MetricsInputError);
      expect(() => selectRows(data, [0, row])).toThrow(new RegExp(`row index ${row} \\(entry 1\\) is not a row of these 1000 comparisons`));
    }
    expect(() => column(data, 2)).toThrow(/no modality 2: there are 2/);
    expect(() => column(data, -1)).toThrow(MetricsInputError);
  });
});

describe('bad input to the model fits', () => {
  const rng = seededRandom(4);
  const x = Float64Array.from({ length: 400 }, () => rng.normal());
  const y = Uint8Array.from({ length: 200 }, (_, i) => i % 2);

  it('logistic regression refuses a penalty and rows it would misfit', () => {
    // l2 = -1 was fitted (a penalty that rewards large weights); NaN failed as "the Hessian is
    // not positive definite", and a NaN feature as "feature 1 is constant".
    expect(() => fitLogistic(x, y, 2, { l2: -1 })).toThrow(/logistic regression: l2 must be a finite number >= 0, got -1/);
    expect(() => fitLogistic(x, y, 2, { l2: Number.NaN })).toThrow(/l2 must be a finite number >= 0, got NaN/);
    const withNaN = x.slice();
    withNaN[3] = Number.NaN;
    expect(thrownBy(() => fitLogistic(withNaN, y, 2))).toBeInstanceOf(FusionError);
    expect(() => fitLogistic(withNaN, y, 2)).toThrow(/logistic regression: value 1 of row 1 is NaN/);
  });

  it('a Gaussian mixture refuses component counts, floors and rows it would misfit', () => {
    // 0 components gave an empty model (log-likelihood -Infinity); the others failed as "not
    // positive definite" or "a constant".
    expect(() => fitGaussianMixture(x, 2, { components: 0, seed: 1 })).toThrow(/Gaussian mixture: components must be a whole number >= 1, got 0/);
    expect(() => fitGaussianMixture(x, 2, { components: 1.5, seed: 1 })).toThrow(/got 1.5/);
    expect(() => fitGaussianMixture(x, 2, { components: 1, seed: 1, regularization: -1 })).toThrow(/Gaussian mixture: regularization must be a finite number >= 0, got -1/);
    expect(() => fitGaussianMixtureBic(x, 2, { seed: 1, maxComponents: 0 })).toThrow(/maxComponents must be a whole number >= 1, got 0/);
    expect(() => fitGaussianMixture(x.subarray(0, 399), 2, { components: 1, seed: 1 })).toThrow(/399 values are not whole rows/);
    const withNaN = x.slice();
    withNaN[5] = Number.NaN;
    expect(() => fitGaussianMixture(withNaN, 2, { components: 1, seed: 1, referenceVariance: [1, 1] })).toThrow(/value 1 of row 2 is NaN/);
    expect(fitGaussianMixture(x, 2, { components: 2, seed: 1 }).model.weights.length).toBe(2);
  });

  it('projections refuse data of the wrong shape or holding values that are not finite', () => {
    const v = Float64Array.from({ length: 50 * 4 }, () => rng.normal());
    const subjects = Int32Array.from({ length: 50 }, (_, i) => i % 5);
    // LDA with 10 subject ids for 50 samples fitted on the first 10; a short x gave NaN to the eigensolver.
    expect(() => fitLda(v, 50, 4, subjects.subarray(0, 10), 2)).toThrow(/LDA: 10 subject ids for 50 samples/);
    expect(() => fitPca(v.subarray(0, 100), 50, 4, 2)).toThrow(/PCA: x holds 100 values, not 50 samples x 4 dimensions/);
    expect(() => fitCca(v, 4, v.subarray(0, 100), 4, 50, 2)).toThrow(/CCA: y holds 100 values/);
    expect(() => fitDca(v.subarray(0, 100), 4, v, 4, subjects, 2)).toThrow(/DCA: x holds 100 values/);
    const inf = v.slice();
    inf[6] = Number.POSITIVE_INFINITY;
    expect(() => fitPca(inf, 50, 4, 2)).toThrow(/PCA: x: value 2 of row 1 is Infinity/);
    const p = fitPca(v, 50, 4, 2);
    expect(() => project(p, [1, 2])).toThrow(/projecting a vector of 2 values with a projection of 4 inputs/);
    expect(thrownBy(() => project(p, [1, 2, 3, 4, 5]))).toBeInstanceOf(FusionError);
    // A fused vector of NaN had similarity 0 to anything: a score, not a refusal.
    const f = new FeatureFusion({ projection: 'pca', dims: 2 }).fit({ modalities: ['a'], dims: [4], vectors: [v], subjects });
    expect(() => f.similarity(Float64Array.from([Number.NaN, 1]), Float64Array.from([1, 1]))).toThrow(/similarity of vectors holding NaN and 1 at 0/);
    expect(() => f.similarity(Float64Array.from([1, 1]), Float64Array.from([1, Number.POSITIVE_INFINITY]))).toThrow(/similarity of vectors holding 1 and Infinity at 1/);
    expect(() => f.similarity(Float64Array.from([1e200, 1]), Float64Array.from([1, 1]))).toThrow(/squares sum past the largest number/);
    expect(f.similarity(Float64Array.from([0, 0]), Float64Array.from([1, 1]))).toBe(0);
  });
});
