import { ConfigError, seededRandom } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import { FusionError } from '../src/errors';
import { FeatureFusion, featureFusionFromJSON, type FeatureProjection, type FeatureViews } from '../src/feature/feature-fusion';
import type { FittedFusion, FusionMethod } from '../src/fusion-method';
import { DecisionFusion, decisionFusionFromJSON } from '../src/methods/decision-fusion';
import { LikelihoodRatioFusion, likelihoodRatioFusionFromJSON } from '../src/methods/likelihood-ratio-fusion';
import { LogisticFusion, logisticFusionFromJSON } from '../src/methods/logistic-fusion';
import { RuleFusion, ruleFusionFromJSON, type FixedRule } from '../src/methods/rule-fusion';
import { UserWeightedFusion, userWeightedFusionFromJSON } from '../src/methods/user-weighted-fusion';
import type { MultiScores } from '../src/multi-scores';
import { fitNormaliser, NORMALISER_KINDS, POSITIVE_NORMALISER_KINDS } from '../src/normalise/normalisers';
import { MIN_SPREAD } from '../src/stored-bounds';
import { twoModalityScores } from './two-modality-scores';

/**
 * The stored-model contract: every fittable method, fitted on scores at the ends of the range
 * fusion takes (near ±1e99, reaching ±1e100, or as small as 1e-150), writes a model its loader
 * reads back, and the loaded model scores every row as the fitted one does, bit for bit. One
 * bound (±1e100) for every stored number refused fitted covariances (score²), logistic weights
 * and feature scales (1 / sd) that legitimately pass it.
 */

const scaled = (ms: MultiScores, by: number): MultiScores => ({ ...ms, scores: Float64Array.from(ms.scores, (s) => s * by) });

/** Near ±1e99; near ±1e99 with the largest and smallest at exactly ±1e100; near ±1e-150. */
function scoreSets(): { name: string; data: MultiScores; extreme: number }[] {
  const near = scaled(twoModalityScores(600, 1), 1e99);
  const reaching = scaled(twoModalityScores(600, 2), 1e99);
  const s = reaching.scores;
  for (const j of [0, 1]) {
    let hi = j;
    let lo = j;
    for (let k = j; k < s.length; k += 2) {
      if (s[k] > s[hi]) hi = k;
      if (s[k] < s[lo]) lo = k;
    }
    s[hi] = 1e100;
    s[lo] = -1e100;
  }
  return [
    { name: 'near ±1e99', data: near, extreme: 1e100 },
    { name: 'reaching ±1e100', data: reaching, extreme: 1e100 },
    { name: 'near ±1e-150', data: scaled(twoModalityScores(600, 3), 1e-150), extreme: 1e-148 },
  ];
}

interface Case {
  readonly name: string;
  readonly method: FusionMethod;
  readonly load: (json: never) => FittedFusion;
}

function cases(): Case[] {
  const out: Case[] = [];
  const rules: FixedRule[] = ['sum', 'weighted-sum', 'product', 'max', 'min'];
  for (const rule of rules) {
    for (const normaliser of NORMALISER_KINDS) {
      if (rule === 'product' && !POSITIVE_NORMALISER_KINDS.includes(normaliser)) continue;
      out.push({ name: `${rule}/${normaliser}`, method: new RuleFusion({ rule, normaliser }), load: ruleFusionFromJSON });
    }
  }
  // Configured weights as far apart as they may be.
  out.push({ name: 'weighted-sum/z-score, weights 1e100 and 1', method: new RuleFusion({ rule: 'weighted-sum', normaliser: 'z-score', weights: [1e100, 1] }), load: ruleFusionFromJSON });
  out.push({ name: 'logistic', method: new LogisticFusion(), load: logisticFusionFromJSON });
  for (const normaliser of NORMALISER_KINDS) {
    out.push({ name: `likelihood-ratio/${normaliser}`, method: new LikelihoodRatioFusion({ normaliser, maxComponents: 2, seed: 1 }), load: likelihoodRatioFusionFromJSON });
  }
  for (const rule of ['and', 'or', 'majority'] as const) out.push({ name: `decision-${rule}`, method: new DecisionFusion({ rule }), load: decisionFusionFromJSON });
  for (const normaliser of ['z-score', 'none', 'min-max', 'tanh'] as const) {
    out.push({ name: `user-weighted/${normaliser}`, method: new UserWeightedFusion({ normaliser }), load: userWeightedFusionFromJSON });
  }
  return out;
}

/** The rows a loaded model must score as the fitted one does: training rows, the extremes, every pattern of missing scores. */
function rowsToScore(data: MultiScores, extreme: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < 40; i++) rows.push([data.scores[2 * i], data.scores[2 * i + 1]]);
  const x = extreme;
  rows.push([x, x], [-x, -x], [x, -x], [0, 0], [x, Number.NaN], [Number.NaN, -x], [data.scores[0], Number.NaN], [Number.NaN, data.scores[1]], [Number.NaN, Number.NaN]);
  return rows;
}

const stored = (f: { toJSON(): unknown }): never => JSON.parse(JSON.stringify(f.toJSON())) as never;

describe('fitted models round-trip through toJSON and fromJSON at the ends of the score range', () => {
  /** Fits that refuse such data, by set, and the start of their message: anything else must fit. */
  const refusals: Record<string, Record<string, RegExp>> = {
    'near ±1e-150': {
      // log(s - min + 1) of scores this small is log(1) = 0: constant.
      'likelihood-ratio/log': /likelihood-ratio fusion: a is constant over the complete training rows/,
    },
  };

  for (const { name: set, data, extreme } of scoreSets()) {
    it(`every fittable method, fitted on scores ${set}`, () => {
      const rows = rowsToScore(data, extreme);
      const refused: string[] = [];
      for (const c of cases()) {
        let fitted: FittedFusion;
        try {
          fitted = c.method.fit(data);
        } catch (err) {
          expect(err, `${c.name}: ${String(err)}`).toBeInstanceOf(FusionError);
          expect((err as Error).message, c.name).toMatch(refusals[set]?.[c.name] ?? /^$/);
          refused.push(c.name);
          continue;
        }
        let back: FittedFusion;
        try {
          back = c.load(stored(fitted));
        } catch (err) {
          throw new Error(`${c.name}: its stored model was refused: ${String(err)}`);
        }
        expect(JSON.stringify(back.toJSON()), c.name).toBe(JSON.stringify(fitted.toJSON()));
        rows.forEach((row) => {
          const want = fitted.score(row, undefined, 3);
          expect(Object.is(back.score(row, undefined, 3), want), `${c.name}: row ${row.join(', ')} scored ${back.score(row, undefined, 3)}, fitted ${want}`).toBe(true);
          expect(Number.isFinite(want) || Number.isNaN(want) || (c.name.startsWith('min/') && want === Number.NEGATIVE_INFINITY), `${c.name}: row ${row.join(', ')} scored ${want}`).toBe(true);
        });
      }
      expect(refused.sort()).toEqual(Object.keys(refusals[set] ?? {}).sort());
    });
  }
});

/** Two views of 60 samples of 10 subjects, each value times `by`; view a's dimension 2 has a spread of `tiny` only. */
function views(by: number, tiny?: number): FeatureViews {
  const random = seededRandom(3);
  const n = 60;
  const a = Float64Array.from({ length: n * 6 }, (_, q) => (q % 6 === 2 && tiny !== undefined ? tiny : by) * random.normal());
  const b = Float64Array.from({ length: n * 4 }, () => by * random.normal());
  return { modalities: ['a', 'b'], dims: [6, 4], vectors: [a, b], subjects: Int32Array.from({ length: n }, (_, i) => i % 10) };
}

describe('fitted feature fusions round-trip through toJSON and fromJSON', () => {
  const sets: [string, FeatureViews][] = [
    ['values near ±1e99', views(1e99)],
    ['a dimension of spread 1e-150 (a scale of 1e150)', views(1, 1e-150)],
    ['values near ±1e99 and a dimension of spread 1e-150', views(1e99, 1e-150)],
  ];
  const projections: FeatureProjection[] = ['none', 'pca', 'lda', 'cca', 'dca'];
  for (const [set, v] of sets) {
    it(`every projection, fitted on ${set}`, () => {
      for (const projection of projections) {
        const fitted = new FeatureFusion({ projection, dims: projection === 'none' ? undefined : 3 }).fit(v);
        const back = featureFusionFromJSON(stored(fitted));
        expect(JSON.stringify(back.toJSON()), projection).toBe(JSON.stringify(fitted.toJSON()));
        const sample = (i: number) => v.vectors.map((x, j) => x.subarray(i * v.dims[j], (i + 1) * v.dims[j]));
        for (let i = 0; i < 12; i++) {
          const want = fitted.similarity(fitted.transform(sample(0)), fitted.transform(sample(i)));
          expect(Number.isFinite(want), `${projection}: sample ${i} scored ${want}`).toBe(true);
          expect(Object.is(back.similarity(back.transform(sample(0)), back.transform(sample(i))), want), `${projection}: sample ${i}`).toBe(true);
        }
      }
      if (set.includes('1e-150')) {
        const scale = (stored(new FeatureFusion({ projection: 'none' }).fit(v)) as { scalers: { scale: number[] }[] }).scalers[0].scale[2];
        expect(scale).toBeGreaterThan(1e100); // the dimension the one bound refused
      }
    });
  }
});

describe('fits whose model no loader would read refuse, or fall back, instead', () => {
  const labels = (n: number, genuine: number) => Uint8Array.from({ length: n }, (_, i) => (i < genuine ? 1 : 0));

  it('min-max and median-MAD refuse spreads below the least a normaliser divides by (a score of 1e100 became Infinity)', () => {
    const span = Float64Array.from([0, 1e-300, 5e-301, 2e-301]);
    expect(() => fitNormaliser('min-max', span, labels(4, 2))).toThrow(`min-max: the training scores span 1e-300 only, less than the least spread a normaliser divides by (${MIN_SPREAD}): rescale them`);
    const mad = Float64Array.from([0, 1e-300, 2e-300, 3e-300, 4e-300]);
    expect(() => fitNormaliser('median-mad', mad, labels(5, 2))).toThrow(/median-MAD: the training scores' median absolute deviation is 1[.0-9]*e-300 only, less than the least spread/);
    // By the standard deviation such scores are constant already: their variance rounds to 0.
    expect(() => fitNormaliser('z-score', mad, labels(5, 2))).toThrow('z-score: the training scores are constant');
  });

  it('the double sigmoid takes the standard deviation for a width below the least spread, as for a width of 0', () => {
    // The EER threshold is 2e-300; the genuine 1% quantile and impostor 99.9% quantile lie 2e-300 or so from it.
    const genuine = [0, 3e-300, 4e-300];
    const impostor = [-1, -1, -1, -1, 0, 0, 2e-300, 4e-300, 5e-300];
    const scores = Float64Array.from([...genuine, ...impostor]);
    const n = fitNormaliser('double-sigmoid', scores, labels(scores.length, genuine.length));
    const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
    const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
    expect(n.params.t).toBe(2e-300);
    expect(n.params.left).toBeCloseTo(sd, 12);
    expect(n.params.right).toBeCloseTo(sd, 12);
  });

  it('likelihood-ratio fusion refuses normalised training scores beyond ±1e100 (its stored means and range)', () => {
    const random = seededRandom(4);
    // Most impostor scores within 1e-120 of 0: a MAD of 1e-120, and the other scores normalised to 1e120.
    const data = twoModalityScores(600, 4);
    const scores = Float64Array.from(data.scores, (s, q) => (q % 2 === 0 && data.labels[q >> 1] === 0 && (q >> 1) % 3 !== 0 ? 1e-120 * random.normal() : s));
    expect(() => new LikelihoodRatioFusion({ normaliser: 'median-mad', maxComponents: 1 }).fit({ ...data, scores })).toThrow(
      /^likelihood-ratio fusion: a's median-mad-normalised training scores reach ±[0-9.]+e\+120, beyond the ±1e\+100 densities are fitted to: choose another normaliser$/,
    );
  });

  it('feature fusion refuses values beyond ±1e100 (their variance overflowed, and the dimension was dropped as constant)', () => {
    const v = views(1);
    const a = v.vectors[0].slice();
    a[6 * 5 + 1] = 1e200;
    expect(() => new FeatureFusion({ projection: 'none' }).fit({ ...v, vectors: [a, v.vectors[1]] })).toThrow('a: value 1 of row 5 is 1e+200; feature values beyond ±1e+100 overflow the variances feature fusion standardises by: rescale them');
  });

  it('weighted sum refuses configured weights beyond 1e100 (its stored model was refused)', () => {
    expect(() => new RuleFusion({ rule: 'weighted-sum', weights: [1e200, 1] })).toThrow(ConfigError);
    expect(() => new RuleFusion({ rule: 'weighted-sum', weights: [1e200, 1] })).toThrow('weighted-sum: "weights" entry 0 is 1e+200; weights lie within ±1e+100 (they are relative: scale them down together)');
  });
});
