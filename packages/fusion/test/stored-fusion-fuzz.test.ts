import { DatasetError, parseScoreMatrix, seededRandom, type Random } from '@biofuse/core';
import { editedJson, jsonEntries, thrownBy, type Json, type JsonPath } from '@biofuse/core/testing';
import { describe, expect, it } from 'vitest';
import { FusionError } from '../src/errors';
import { FeatureFusion, featureFusionFromJSON } from '../src/feature/feature-fusion';
import { DecisionFusion, decisionFusionFromJSON } from '../src/methods/decision-fusion';
import { LikelihoodRatioFusion, likelihoodRatioFusionFromJSON } from '../src/methods/likelihood-ratio-fusion';
import { LogisticFusion, logisticFusionFromJSON } from '../src/methods/logistic-fusion';
import { RuleFusion, ruleFusionFromJSON } from '../src/methods/rule-fusion';
import { UserWeightedFusion, userWeightedFusionFromJSON } from '../src/methods/user-weighted-fusion';
import { multiScoresFromMatrices } from '../src/protocol/score-matrices';
import { twoModalityScores } from './two-modality-scores';

/**
 * Seeded mutation fuzzing of every reader of a fitted model's JSON: fields removed, of the wrong
 * type, NaN (JSON's null), lists of the wrong length, extra keys, numbers far beyond any fitted
 * value or far below it (a spread of 1e-300), counts of a billion. Each mutant is a FusionError
 * naming the model and the field, or it loads and scores as the original does (a key it does not
 * read), or as a valid model of other values does: finite scores, NaN only where the original's
 * was.
 */

const data = twoModalityScores(600, 1);
const rows = [
  [2, 1],
  [0, 0],
  [3.5, -1],
  [-2, 2.5],
  [Number.NaN, 1],
  [1, Number.NaN],
  [Number.NaN, Number.NaN],
];

/** Two views of 60 samples of 10 subjects, for feature fusion. */
function views() {
  const random = seededRandom(3);
  const n = 60;
  return {
    modalities: ['a', 'b'],
    dims: [6, 4],
    vectors: [Float64Array.from({ length: n * 6 }, () => random.normal()), Float64Array.from({ length: n * 4 }, () => random.normal())],
    subjects: Int32Array.from({ length: n }, (_, i) => i % 10),
  };
}

interface StoredModel {
  readonly name: string;
  /** What its errors call it: "stored rule fusion". */
  readonly what: string;
  readonly json: Json;
  /** Loads the JSON and scores `rows` (for feature fusion: the similarity of each row's sample to a fixed one). */
  readonly scores: (json: unknown) => number[];
}

function storedModels(): StoredModel[] {
  const score = (load: (json: never) => { score: (row: number[], q?: number[], subject?: number) => number }) => (json: unknown) => {
    const f = load(json as never);
    return rows.map((r) => f.score(r, undefined, 3));
  };
  const v = views();
  const feature = (json: unknown) => {
    const f = featureFusionFromJSON(json);
    const at = (i: number) => [v.vectors[0].subarray(i * 6, i * 6 + 6), v.vectors[1].subarray(i * 4, i * 4 + 4)];
    return rows.map((_, i) => f.similarity(f.transform(at(0)), f.transform(at(i + 1))));
  };
  const stored = (name: string, what: string, fitted: { toJSON(): unknown }, scores: StoredModel['scores']): StoredModel => ({ name, what, json: JSON.parse(JSON.stringify(fitted.toJSON())) as Json, scores });
  return [
    stored('weighted sum', 'stored rule fusion', new RuleFusion({ rule: 'weighted-sum' }).fit(data), score(ruleFusionFromJSON)),
    stored('product', 'stored rule fusion', new RuleFusion({ rule: 'product', normaliser: 'tanh' }).fit(data), score(ruleFusionFromJSON)),
    // One of each normaliser that divides by a spread or multiplies by a slope.
    stored('sum / z-score', 'stored rule fusion', new RuleFusion({ rule: 'sum', normaliser: 'z-score' }).fit(data), score(ruleFusionFromJSON)),
    stored('sum / llr', 'stored rule fusion', new RuleFusion({ rule: 'sum', normaliser: 'llr' }).fit(data), score(ruleFusionFromJSON)),
    stored('max / median-mad', 'stored rule fusion', new RuleFusion({ rule: 'max', normaliser: 'median-mad' }).fit(data), score(ruleFusionFromJSON)),
    stored('weighted sum / double-sigmoid', 'stored rule fusion', new RuleFusion({ rule: 'weighted-sum', normaliser: 'double-sigmoid' }).fit(data), score(ruleFusionFromJSON)),
    stored('min / log', 'stored rule fusion', new RuleFusion({ rule: 'min', normaliser: 'log' }).fit(data), score(ruleFusionFromJSON)),
    stored('logistic', 'stored logistic fusion', new LogisticFusion().fit(data), score(logisticFusionFromJSON)),
    stored('likelihood ratio', 'stored likelihood-ratio fusion', new LikelihoodRatioFusion({ maxComponents: 2, seed: 1 }).fit(data), score(likelihoodRatioFusionFromJSON)),
    stored('decision', 'stored decision fusion', new DecisionFusion({ rule: 'and' }).fit(data), score(decisionFusionFromJSON)),
    stored('user weighted', 'stored user-weighted fusion', new UserWeightedFusion().fit(data), score(userWeightedFusionFromJSON)),
    stored('pca', 'stored feature fusion', new FeatureFusion({ projection: 'pca', dims: 3 }).fit(v), feature),
    stored('cca', 'stored feature fusion', new FeatureFusion({ projection: 'cca', dims: 2 }).fit(v), feature),
    stored('concatenation', 'stored feature fusion', new FeatureFusion({ projection: 'none' }).fit(v), feature),
  ];
}

/** Whether a mutation makes the value other than the format allows, or only gives it other numbers. */
type Change = 'structure' | 'value' | 'extra';

type Edit = (parent: Record<string | number, Json>, key: string | number) => void;

/** One seeded mutation of `json` at a random path. */
function mutate(json: Json, random: Random): { json: Json; path: JsonPath; describe: string; change: Change } {
  const places = jsonEntries(json);
  const { path, value } = places[random.int(places.length)];
  const number = typeof value === 'number';
  const object = value !== null && typeof value === 'object' && !Array.isArray(value);
  const set =
    (v: Json): Edit =>
    (parent, key) => {
      parent[key] = v;
    };
  const mutations: [string, Change, Edit][] = [
    ['removed', 'structure', (parent, key) => (Array.isArray(parent) ? parent.splice(key as number, 1) : delete parent[key])],
    ['NaN (null)', 'structure', set(null)],
    ['a string', 'structure', set(number ? String(value) : 'x')],
    ['true', 'structure', set(true)],
    ['an object', 'structure', set({})],
    ['an empty list', 'structure', set([])],
    ['a list one short', 'structure', (parent, key) => (Array.isArray(parent[key]) && parent[key].length > 0 ? parent[key].pop() : set([parent[key]])(parent, key))],
    ['a list one long', 'structure', (parent, key) => (Array.isArray(parent[key]) ? parent[key].push(parent[key][0] ?? 1) : set([parent[key], parent[key]])(parent, key))],
    ['1e308', number ? 'value' : 'structure', set(1e308)],
    ['a billion', number ? 'value' : 'structure', set(1e9)],
    // Far below any fitted spread: a z-score sd or min-max span of these scored Infinity.
    ['1e-300', number ? 'value' : 'structure', set(1e-300)],
    ['the least double', number ? 'value' : 'structure', set(Number.MIN_VALUE)],
    ['negated', number ? 'value' : 'structure', set(number ? -value : -1)],
    ['a half more', number ? 'value' : 'structure', set(number ? value + 0.5 : 0.5)],
    ['given an extra key', 'extra', (parent, key) => (object ? Object.assign(parent[key] as object, { extra: [1, 2] }) : set({ unexpected: parent[key] })(parent, key))],
  ];
  const [describe, change, edit] = mutations[random.int(mutations.length)];
  return { json: editedJson(json, path, edit), path, describe: `${path.join('.')} ${describe}`, change: describe === 'given an extra key' && !object ? 'structure' : change };
}

const same = (a: number[], b: number[]) => a.every((x, i) => Object.is(x, b[i]) || Math.abs(x - b[i]) <= 1e-12 * Math.max(1, Math.abs(x)));

describe('stored fusion models under seeded mutation', () => {
  it('refuses each mutant with a FusionError naming the model and the field, or scores as a valid model does', () => {
    const random = seededRandom(2026);
    for (const model of storedModels()) {
      const original = model.scores(model.json);
      const full = 2 ** 2 - 1;
      let refused = 0;
      for (let n = 0; n < 150; n++) {
        const m = mutate(model.json, random);
        const what = `${model.name}: ${m.describe}`;
        let scores: number[];
        try {
          scores = model.scores(m.json);
        } catch (err) {
          expect(err, `${what}: ${String(err)}`).toBeInstanceOf(FusionError);
          const message = (err as Error).message;
          expect(message.startsWith(`${model.what}: `), `${what}: ${message}`).toBe(true);
          // Names the field: a key on its path ("normalisers" as "normaliser 0"), or the field it no longer agrees with.
          const fields = [...m.path.filter((k) => typeof k === 'string'), ...Object.keys(model.json as object)];
          expect(fields.some((k) => message.includes(k.replace(/s$/, ''))), `${what}: ${message}`).toBe(true);
          refused++;
          continue;
        }
        if (m.change === 'value') {
          // Other numbers that make a valid model: its scores are scores (NaN only where no modality is present).
          scores.forEach((s, i) => expect(Number.isFinite(s) || Object.is(s, original[i]), `${what}: row ${i} scored ${s}`).toBe(true));
          continue;
        }
        // The logistic model of every modality may be missing (no training row had them all): such rows score NaN, as the format says.
        if (model.name === 'logistic' && m.path.join('.') === `models.${full}` && m.json !== null) {
          const models = (m.json as { models: Json[] }).models;
          if (models[full] === null) {
            expect(scores.slice(0, 4).every(Number.isNaN), what).toBe(true);
            expect(same(scores.slice(4), original.slice(4)), what).toBe(true);
            continue;
          }
        }
        // A key it does not read (an extra one, the information it records besides the model): scored as before.
        expect(same(scores, original), `${what}: ${scores.join(', ')} against ${original.join(', ')}`).toBe(true);
      }
      expect(refused, model.name).toBeGreaterThan(60);
    }
  });

  it('refuses each stored number outside the range a fit gives its kind, which scored Infinity or NaN for everyone', () => {
    const models = storedModels();
    const json = (name: string) => JSON.parse(JSON.stringify(models.find((m) => m.name === name)!.json)) as Record<string, any>;
    const rule = json('weighted sum');
    rule.weights = [1e308, 1];
    expect(thrownBy(() => ruleFusionFromJSON(rule as never))).toBeInstanceOf(FusionError);
    expect(() => ruleFusionFromJSON(rule as never)).toThrow('stored rule fusion: "weights" entry 0 is 1e+308; weights lie within ±1e+100');
    const logistic = json('logistic');
    logistic.models[3].weights = [1e308, -1e308];
    expect(() => logisticFusionFromJSON(logistic as never)).toThrow('stored logistic fusion: "models.3.weights" entry 0 is 1e+308; coefficients lie within ±1e+200');
    const ratio = json('likelihood ratio');
    ratio.genuine.means[0] = -1e300;
    expect(() => likelihoodRatioFusionFromJSON(ratio as never)).toThrow('stored likelihood-ratio fusion: "genuine.means" entry 0 is -1e+300; locations lie within ±2e+100');
    const user = json('user weighted');
    user.populationWeights = [1e200, 1e200];
    expect(() => userWeightedFusionFromJSON(user as never)).toThrow(/"populationWeights" entry 0 is 1e\+200; weights lie within ±1e\+100/);
    const pca = json('pca');
    pca.projections[0].weights[4] = 1e308;
    expect(() => featureFusionFromJSON(pca)).toThrow(/"projections\.0\.weights" entry 4 is 1e\+308; coefficients lie within ±1e\+200/);
    pca.projections[0].weights[4] = 1e199; // a coefficient: within its bound (fitted ones reach 4.5e161)
    expect(() => featureFusionFromJSON(pca)).not.toThrow();
    // ±Infinity stays a decision threshold's to have (a modality that never or always accepts); 2e100 is still a location.
    const decision = json('decision');
    decision.thresholds = ['Infinity', 2e100];
    expect(decisionFusionFromJSON(decision as never).accepts([5, 5])).toBe(false);
    decision.thresholds = ['Infinity', 3e100];
    expect(() => decisionFusionFromJSON(decision as never)).toThrow('stored decision fusion: "thresholds" entry 1 is 3e+100; locations lie within ±2e+100');
  });

  it('refuses normaliser spreads below any a fit gives and slopes beyond, which turned every score into ±Infinity', () => {
    const normaliser = (kind: string, params: Record<string, number>) => () => ruleFusionFromJSON({ rule: 'sum', modalities: ['a', 'b'], normalisers: [{ kind, params }, { kind: 'none', params: {} }], weights: [1, 1] } as never);
    const spreads = '2.2227587494850775e-162, 4e+100';
    expect(normaliser('z-score', { mean: 0, sd: 1e-300 })).toThrow(`stored rule fusion: normaliser 0: z-score normaliser: "sd" is 1e-300; spreads lie in [${spreads}]`);
    expect(normaliser('z-score', { mean: 0, sd: Number.MIN_VALUE })).toThrow(/"sd" is 5e-324; spreads lie in/);
    expect(normaliser('z-score', { mean: 0, sd: 1e300 })).toThrow(/"sd" is 1e\+300; spreads lie in/);
    expect(normaliser('min-max', { min: 0, max: 1e-300 })).toThrow(`stored rule fusion: normaliser 0: min-max normaliser: "max" - "min" is 1e-300; spreads lie in [${spreads}]`);
    expect(normaliser('min-max', { min: 1e300, max: 2e300 })).toThrow(/"min" is 1e\+300; locations lie within ±2e\+100/);
    expect(normaliser('median-mad', { median: 0, mad: 1e-200 })).toThrow(/"mad" is 1e-200; spreads lie in/);
    expect(normaliser('tanh', { location: 0, scale: 1e-300 })).toThrow(/"scale" is 1e-300; spreads lie in/);
    expect(normaliser('double-sigmoid', { t: 0, left: 1, right: 1e-300 })).toThrow(/"right" is 1e-300; spreads lie in/);
    expect(normaliser('llr', { slope: 1e300, offset: 0 })).toThrow('stored rule fusion: normaliser 0: llr normaliser: "slope" is 1e+300; coefficients lie within ±1e+200');
    expect(normaliser('llr', { slope: -2, offset: -1e300 })).toThrow(/"offset" is -1e\+300; coefficients lie within/);
    expect(normaliser('log', { offset: 1e300 })).toThrow(/"offset" is 1e\+300; locations lie within/);
    // The least spread a fit gives (the sd of the least positive variance) loads, and scores the largest scores finitely.
    const least = Math.sqrt(Number.MIN_VALUE);
    for (const [kind, params] of [['z-score', { mean: -1e100, sd: least }], ['median-mad', { median: -1e100, mad: least }], ['min-max', { min: 0, max: least }], ['llr', { slope: 1e200, offset: 1e200 }]] as const) {
      expect(Number.isFinite(normaliser(kind, params)().score([1e100, 1e100])), kind).toBe(true);
    }
  });

  it('refuses a logistic model for no modality, or a missing model under one that was fitted (its rows scored NaN)', () => {
    const stored = JSON.parse(JSON.stringify(new LogisticFusion().fit(data).toJSON())) as { modalities: string[]; models: ({ weights: number[]; bias: number } | null)[] };
    const load = (models: typeof stored.models) => () => logisticFusionFromJSON({ ...stored, models });
    expect(load([{ weights: [], bias: 0.3 }, ...stored.models.slice(1)])).toThrow('stored logistic fusion: "models.0" must be null: no model scores a comparison with no modality present');
    // Modality b alone (pattern 2) missing while a and b together (pattern 3) were fitted: every row with only b scored NaN.
    const err = thrownBy(load([null, stored.models[1], null, stored.models[3]]));
    expect(err).toBeInstanceOf(FusionError);
    expect(err.message).toBe('stored logistic fusion: "models.2" is null, but "models.3" (the same modalities and a) has a model');
    // The model of both missing (no training row had both): those rows are not scored, the rest are.
    const partial = logisticFusionFromJSON({ ...stored, models: [null, stored.models[1], stored.models[2], null] });
    expect(partial.score([2, 1])).toBeNaN();
    expect(partial.score([2, Number.NaN])).toBe(logisticFusionFromJSON(stored).score([2, Number.NaN]));
  });
});

describe('score matrices joined for fusion under seeded mutation', () => {
  it('joins matrices only over the same subjects in the same order, naming the one that differs', () => {
    const random = seededRandom(7);
    const ids = Array.from({ length: 6 }, (_, i) => `S${i}`);
    const text = (subjects: readonly string[]) => [`,${subjects.join(',')}`, ...subjects.map((s, i) => `${s},${subjects.map((_, j) => (i === j ? 0.9 : 0.1 * ((i + j) % 5)).toFixed(2)).join(',')}`)].join('\n');
    const face = parseScoreMatrix(text(ids), 'face.csv');
    const joined = multiScoresFromMatrices([face, parseScoreMatrix(text(ids))], ['face', 'finger']);
    expect([joined.labels.length, Array.from(joined.scores.subarray(0, 2))]).toEqual([36, [0.9, 0.9]]);
    for (let n = 0; n < 30; n++) {
      const other = [...ids];
      const kind = random.int(3);
      if (kind === 0) random.shuffle(other); // another order: every row would meet another subject's scores
      else if (kind === 1) other.splice(random.int(other.length), 1);
      else other[random.int(other.length)] = 'S9';
      if (other.join() === ids.join()) continue;
      for (const [matrix, name] of [[parseScoreMatrix(text(other), 'finger.csv'), 'finger.csv'], [parseScoreMatrix(text(other)), 'score matrix "finger"']] as const) {
        const err = thrownBy(() => multiScoresFromMatrices([face, matrix], ['face', 'finger']));
        expect(err, other.join()).toBeInstanceOf(DatasetError);
        expect(err.message).toBe(`${name}: subject ids differ from those of face.csv`);
      }
    }
    // Neither from a file: both named by their systems (the first was "undefined").
    expect(() => multiScoresFromMatrices([parseScoreMatrix(text(ids)), parseScoreMatrix(text(ids.slice(1)))], ['face', 'finger'])).toThrow(
      new DatasetError('score matrix "finger": subject ids differ from those of score matrix "face"'),
    );
  });
});
