import { ConfigError, simulateMultimodalScores } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import { FusionError } from '../src/errors';
import type { FittedFusion, FusionMethod } from '../src/fusion-method';
import { RuleFusion } from '../src/methods/rule-fusion';
import { UserWeightedFusion, userWeightedFusionFromJSON } from '../src/methods/user-weighted-fusion';
import type { MultiScores } from '../src/multi-scores';
import { comparisonFolds, crossValidate } from '../src/protocol/cross-validation';

/** Simulated users with per-user genuine effects, several genuine comparisons each. */
function usersWithEffects(seed: number, subjects = 120, userSpread = 1.2): MultiScores {
  const sim = simulateMultimodalScores({
    seed,
    subjects,
    impostorsPerSubject: 30,
    genuinePerSubject: 8,
    modalities: [
      { name: 'a', genuine: { mean: 2.5, sd: 1 }, impostor: { mean: 0, sd: 1 }, failureRate: 0, userSpread },
      { name: 'b', genuine: { mean: 2, sd: 1 }, impostor: { mean: 0, sd: 1 }, failureRate: 0, userSpread },
    ],
  });
  const n = sim.label.length;
  const scores = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    scores[2 * i] = sim.scores[0][i];
    scores[2 * i + 1] = sim.scores[1][i];
  }
  return { modalities: ['a', 'b'], scores, labels: sim.label, probeSubject: sim.probe, referenceSubject: sim.reference };
}

function table(rows: [number, number, number, number][]): MultiScores {
  return {
    modalities: ['a', 'b'],
    scores: Float64Array.from(rows.flatMap(([a, b]) => [a, b])),
    labels: Uint8Array.from(rows, (r) => r[2]),
    probeSubject: Int32Array.from(rows, (r, i) => (r[2] ? r[3] : 100 + i)),
    referenceSubject: Int32Array.from(rows, (r) => r[3]),
  };
}

describe('user-specific weights', () => {
  // Population: genuine means (a, b) = (2, 2), impostor means (0, 0); user 0's genuine scores are
  // high on a and at impostor level on b, user 1's the other way round; user 2 has no genuine.
  const train = table([
    [4, 0, 1, 0],
    [4, 0, 1, 0],
    [0, 4, 1, 1],
    [0, 4, 1, 1],
    [1, -1, 0, 0],
    [-1, 1, 0, 0],
    [1, -1, 0, 1],
    [-1, 1, 0, 1],
    [0.5, 0.5, 0, 2],
    [-0.5, -0.5, 0, 2],
  ]);

  it('weighs each user towards the modality that separates for them, by the MAP rule', () => {
    const fitted = new UserWeightedFusion({ normaliser: 'none', relevance: 2 }).fit(train);
    const json = fitted.toJSON() as unknown as { populationWeights: number[]; userWeights: Record<string, number[]> };
    // Equal EERs -> equal population weights.
    expect(json.populationWeights).toEqual([0.5, 0.5]);
    // User 0, a: genuine mean adapted (2 x 4 + 2 x 2) / 4 = 3 -> separation 3 / 2 = 1.5;
    // b: (2 x 0 + 2 x 2) / 4 = 1 -> 0.5. Weights 0.5 x 1.5 : 0.5 x 0.5 = 0.75 : 0.25.
    expect(json.userWeights['0'][0]).toBeCloseTo(0.75, 12);
    expect(json.userWeights['0'][1]).toBeCloseTo(0.25, 12);
    expect(json.userWeights['1'][0]).toBeCloseTo(0.25, 12);
    expect(json.userWeights['2']).toBeUndefined(); // no genuine comparison: population weights
    expect(fitted.score([2, 0], undefined, 0)).toBeCloseTo(1.5, 12);
    expect(fitted.score([2, 0], undefined, 1)).toBeCloseTo(0.5, 12);
    expect(fitted.score([2, 0], undefined, 2)).toBeCloseTo(1, 12);
    expect(fitted.score([2, 0])).toBeCloseTo(1, 12); // no subject given
    expect(fitted.score([2, Number.NaN], undefined, 0)).toBeCloseTo(2, 12); // missing b left out
  });

  it('a large relevance factor falls back to weighted-sum; relevance 0 uses the user alone', () => {
    const data = usersWithEffects(3, 40);
    const pop = new RuleFusion({ rule: 'weighted-sum', normaliser: 'z-score' }).fit(data);
    const slow = new UserWeightedFusion({ relevance: 1e9 }).fit(data);
    for (let i = 0; i < 50; i++) {
      const row = data.scores.subarray(2 * i, 2 * i + 2);
      expect(slow.score(row, undefined, data.referenceSubject[i])).toBeCloseTo(pop.score(row), 6);
    }
    const own = new UserWeightedFusion({ normaliser: 'none', relevance: 0 }).fit(train).toJSON() as unknown as { userWeights: Record<string, number[]> };
    expect(own.userWeights['0']).toEqual([1, 0]); // b's genuine mean equals its impostor mean for user 0
  });

  it('round-trips through JSON', () => {
    const fitted = new UserWeightedFusion().fit(usersWithEffects(4, 30));
    const back = userWeightedFusionFromJSON(JSON.parse(JSON.stringify(fitted.toJSON())));
    for (const [row, u] of [[[1, 2], 3], [[0.5, -1], 7], [[2, Number.NaN], 29], [[1, 1], 999]] as const) {
      expect(back.score(row, undefined, u)).toBe(fitted.score(row, undefined, u));
    }
  });

  it('rejects a modality whose genuine scores are not above its impostor scores, and a bad relevance', () => {
    const flipped = table([
      [2, 0, 1, 0],
      [2, 0, 1, 1],
      [0, 1, 0, 0],
      [0, 1, 0, 1],
      [1, 2, 0, 0],
    ]);
    expect(() => new UserWeightedFusion({ normaliser: 'none' }).fit(flipped)).toThrow(FusionError);
    expect(() => new UserWeightedFusion({ relevance: -1 })).toThrow(/relevance/);
    expect(() => new UserWeightedFusion({ relevance: -1 })).toThrow(ConfigError); // a setting, not a fitting failure
  });

  it('scores a comparison whose present modalities all have user weight 0 with the population weights', () => {
    // User 0's weights are [1, 0] with relevance 0: a comparison with only b was NaN ("not scored").
    const fitted = new UserWeightedFusion({ normaliser: 'none', relevance: 0 }).fit(train);
    expect(fitted.score([Number.NaN, 3], undefined, 0)).toBe(3);
    expect(fitted.score([2, 3], undefined, 0)).toBe(2); // a present: the user's own weights, as before
  });

  it('refuses stored weights that are zero, negative or under keys that are not subject ids', () => {
    const stored = () => JSON.parse(JSON.stringify(new UserWeightedFusion({ normaliser: 'none', relevance: 2 }).fit(train).toJSON())) as Parameters<typeof userWeightedFusionFromJSON>[0];
    expect(() => userWeightedFusionFromJSON(stored())).not.toThrow();
    expect(() => userWeightedFusionFromJSON({ ...stored(), populationWeights: [0, 0] })).toThrow(/stored user-weighted fusion: "populationWeights" entry 0 is 0; weights must be above 0/);
    expect(() => userWeightedFusionFromJSON({ ...stored(), populationWeights: [1, -1] })).toThrow(/"populationWeights" entry 1 is -1/);
    expect(() => userWeightedFusionFromJSON({ ...stored(), userWeights: { 5: [0, 0] } })).toThrow(/"userWeights.5" are all 0/);
    expect(() => userWeightedFusionFromJSON({ ...stored(), userWeights: { 5: [1, 0] } })).not.toThrow(); // 0 for one modality is a fitted outcome
    for (const key of ['abc', '1.5', '-3', '', '01']) {
      expect(() => userWeightedFusionFromJSON({ ...stored(), userWeights: { [key]: [0.5, 0.5] } }), key).toThrow(new RegExp(`"userWeights" key ${JSON.stringify(key)} is not a subject id`));
    }
    expect(() => userWeightedFusionFromJSON({ ...stored(), normalisers: [{ kind: 'z-score', params: { mean: 0, sd: 0 } }, { kind: 'none', params: {} }] })).toThrow(/normaliser 0: z-score normaliser: "sd" must be a finite number above 0/);
  });

  it('beats population weights when users differ, under within-subject cross-validation', () => {
    // Measured when written: weighted-sum 9.69 %, user-weighted-sum 8.24 % EER.
    const data = usersWithEffects(11);
    const pop = crossValidate(data, new RuleFusion({ rule: 'weighted-sum', normaliser: 'z-score' }), { protocol: 'within-subject', seed: 1 });
    const user = crossValidate(data, new UserWeightedFusion(), { protocol: 'within-subject', seed: 1 });
    expect(user.pooled.eer.value).toBeLessThan(pop.pooled.eer.value - 0.01);
    // Without per-user effects there is nothing to learn: no better, and not much worse.
    const flat = usersWithEffects(11, 120, 0);
    const popFlat = crossValidate(flat, new RuleFusion({ rule: 'weighted-sum', normaliser: 'z-score' }), { protocol: 'within-subject', seed: 1 });
    const userFlat = crossValidate(flat, new UserWeightedFusion(), { protocol: 'within-subject', seed: 1 });
    expect(userFlat.pooled.eer.value).toBeGreaterThan(popFlat.pooled.eer.value - 0.005);
    expect(userFlat.pooled.eer.value).toBeLessThan(popFlat.pooled.eer.value + 0.02);
  });
});

/** Records the rows (by probe and reference and label) a method was trained on. */
class RowSpy implements FusionMethod {
  readonly name = 'row-spy';
  readonly trained: Set<string>[] = [];
  constructor(private readonly inner: FusionMethod) {}
  fit(train: MultiScores): FittedFusion {
    this.trained.push(new Set(Array.from(train.labels, (_, i) => `${train.scores[2 * i]}`)));
    return this.inner.fit(train);
  }
}

describe('within-subject cross-validation', () => {
  const data = usersWithEffects(5, 40);
  it('deals each user\'s genuine comparisons across the folds, reproducibly', () => {
    const folds = comparisonFolds(data, 4, 2);
    expect(comparisonFolds(data, 4, 2)).toEqual(folds);
    expect(comparisonFolds(data, 4, 3)).not.toEqual(folds);
    for (let u = 0; u < 40; u++) {
      const perFold = [0, 0, 0, 0];
      folds.forEach((f, i) => {
        if (data.labels[i] && data.referenceSubject[i] === u) perFold[f]++;
      });
      // 8 genuine comparisons over 4 folds: 2 each.
      expect(perFold).toEqual([2, 2, 2, 2]);
    }
    expect(() => comparisonFolds(data, 1, 0)).toThrow(/at least 2 folds/);
  });

  it('tests every comparison once and never trains on it', () => {
    const spy = new RowSpy(new RuleFusion({ rule: 'sum', normaliser: 'z-score' }));
    const cv = crossValidate(data, spy, { folds: 4, seed: 2, protocol: 'within-subject' });
    expect(cv.protocol).toBe('within-subject');
    expect(cv.subjectFold.length).toBe(0);
    expect(cv.rowFold.every((f) => f >= 0)).toBe(true);
    expect(cv.pooled.counts.genuine + cv.pooled.counts.impostor).toBe(data.labels.length);
    cv.rowFold.forEach((f, i) => expect(spy.trained[f].has(`${data.scores[2 * i]}`)).toBe(false));
  });
});
