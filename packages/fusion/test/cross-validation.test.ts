import { join } from 'node:path';
import { ConfigError, MetricsInputError, readScoreMatrix, seededRandom } from '@biofuse/core';
import { sharedDataset } from '@biofuse/core/testing';
import { describe, expect, it } from 'vitest';
import { fuseAll, type FittedFusion, type FusionMethod } from '../src/fusion-method';
import { LogisticFusion } from '../src/methods/logistic-fusion';
import { RuleFusion } from '../src/methods/rule-fusion';
import type { MultiScores } from '../src/multi-scores';
import { comparisonFolds, crossValidate, subjectFolds } from '../src/protocol/cross-validation';
import { multiScoresFromMatrices } from '../src/protocol/score-matrices';

/** Every pair of 40 subjects, two modalities. */
function allPairs(subjects: number, seed: number): MultiScores {
  const rng = seededRandom(seed);
  const n = subjects * subjects;
  const scores = new Float64Array(n * 2);
  const labels = new Uint8Array(n);
  const probeSubject = new Int32Array(n);
  const referenceSubject = new Int32Array(n);
  for (let a = 0; a < subjects; a++) {
    for (let b = 0; b < subjects; b++) {
      const i = a * subjects + b;
      labels[i] = a === b ? 1 : 0;
      probeSubject[i] = a;
      referenceSubject[i] = b;
      scores[2 * i] = (a === b ? 2.5 : 0) + rng.normal();
      scores[2 * i + 1] = (a === b ? 2 : 0) + rng.normal();
    }
  }
  return { modalities: ['x', 'y'], scores, labels, probeSubject, referenceSubject };
}

/** Wraps a method and records the subjects it was trained on. */
class Spy implements FusionMethod {
  readonly name = 'spy';
  readonly trainedOn: Set<number>[] = [];
  constructor(private readonly inner: FusionMethod) {}
  fit(train: MultiScores): FittedFusion {
    this.trainedOn.push(new Set([...train.probeSubject, ...train.referenceSubject]));
    return this.inner.fit(train);
  }
}

describe('subject-disjoint cross-validation', () => {
  const data = allPairs(40, 1);

  it('deals subjects evenly and reproducibly', () => {
    const folds = subjectFolds(data, 5, 3);
    const sizes = [0, 0, 0, 0, 0];
    for (const f of folds) sizes[f]++;
    expect(sizes).toEqual([8, 8, 8, 8, 8]);
    expect(subjectFolds(data, 5, 3)).toEqual(folds);
    expect(subjectFolds(data, 5, 4)).not.toEqual(folds);
    expect(() => subjectFolds(data, 1, 0)).toThrow(/at least 2 folds/);
  });

  it('never trains on a subject it reports on', () => {
    const spy = new Spy(new RuleFusion({ rule: 'sum', normaliser: 'z-score' }));
    const cv = crossValidate(data, spy, { folds: 4, seed: 2 });
    for (let f = 0; f < 4; f++) {
      for (let s = 0; s < 40; s++) if (cv.subjectFold[s] === f) expect(spy.trainedOn[f].has(s)).toBe(false);
    }
    for (let i = 0; i < data.labels.length; i++) {
      const a = cv.subjectFold[data.probeSubject[i]];
      const b = cv.subjectFold[data.referenceSubject[i]];
      expect(cv.rowFold[i]).toBe(a === b ? a : -1);
    }
    // Every subject's genuine comparison is tested exactly once; cross-fold impostors never.
    expect(cv.pooled.counts.genuine).toBe(40);
    expect(cv.pooled.counts.impostor).toBe(4 * 10 * 9);
    expect(cv.perFold.length).toBe(4);
  });

  it('reports the pooled result when a fold has no impostor test comparison, leaving that fold without a report of its own', () => {
    // It aborted the whole run ("2 genuine and 0 impostor"), though every fold's scores were out-of-fold.
    const full = allPairs(10, 3);
    const folds = subjectFolds(full, 5, 2);
    const keep: number[] = [];
    for (let i = 0; i < full.labels.length; i++) {
      const lonely = folds[full.probeSubject[i]] === 2 || folds[full.referenceSubject[i]] === 2;
      if (full.labels[i] || !lonely) keep.push(i);
    }
    const pick = <T extends Int32Array | Uint8Array>(a: T) => a.filter((_, i) => keep.includes(i)) as T;
    const data: MultiScores = {
      modalities: full.modalities,
      scores: Float64Array.from(keep.flatMap((i) => [full.scores[2 * i], full.scores[2 * i + 1]])),
      labels: pick(full.labels),
      probeSubject: pick(full.probeSubject),
      referenceSubject: pick(full.referenceSubject),
    };
    const cv = crossValidate(data, new RuleFusion({ rule: 'sum', normaliser: 'z-score' }), { folds: 5, seed: 2 });
    expect(cv.reportedFolds).toEqual([0, 1, 3, 4]);
    expect(cv.perFold.length).toBe(4);
    expect(cv.notes).toEqual(['fold 2 (folds 0-4) has 2 genuine and 0 impostor test comparisons: no report of its own (its scores count in the pooled one)']);
    expect(cv.pooled.counts.genuine).toBe(10);
    expect(cv.pooled.counts.impostor).toBe(4 * 2);
  });

  it('gives the same numbers for the same seed', () => {
    const a = crossValidate(data, new LogisticFusion(), { folds: 4, seed: 7 });
    const b = crossValidate(data, new LogisticFusion(), { folds: 4, seed: 7 });
    expect(a.fused).toEqual(b.fused);
    expect(a.pooled.eer.value).toBe(b.pooled.eer.value);
  });
});

describe('cross-validation options', () => {
  const data = allPairs(12, 4);
  const sum = new RuleFusion({ rule: 'sum', normaliser: 'z-score' });

  it('refuses a protocol, key or seed it would not follow', () => {
    // A misspelt protocol ran neither and failed with "fold 0 has no test comparisons".
    expect(() => crossValidate(data, sum, { protocol: 'within_subject' as never })).toThrow(ConfigError);
    expect(() => crossValidate(data, sum, { protocol: 'within_subject' as never })).toThrow(/unknown protocol "within_subject"/);
    // `fold: 3` ran 5 folds without a word.
    expect(() => crossValidate(data, sum, { fold: 3 } as never)).toThrow(/has no option "fold"/);
    // NaN dealt seed 0's folds, 1.5 seed 1's, -1 seed 4294967295's.
    for (const seed of [Number.NaN, 1.5, -1, 2 ** 32]) {
      expect(() => crossValidate(data, sum, { seed })).toThrow(ConfigError);
      expect(() => subjectFolds(data, 3, seed)).toThrow(/seed must be a whole number/);
      expect(() => comparisonFolds(data, 3, seed)).toThrow(/seed must be a whole number/);
    }
    expect(crossValidate(data, sum, { folds: 3, seed: 2 ** 32 - 1, protocol: 'within-subject' }).pooled.counts.genuine).toBe(12);
  });
});

const bssr1 = sharedDataset('nist-bssr1-set1');
describe('scores fusion cannot use', () => {
  it('refuses an infinite score by modality and row, before any normaliser sees it', () => {
    const ms = allPairs(20, 3);
    const scores = Float64Array.from(ms.scores);
    scores[2 * 25 + 1] = Number.POSITIVE_INFINITY; // modality y, row 25
    const broken = { ...ms, scores };
    for (const method of [new RuleFusion({ rule: 'sum', normaliser: 'min-max' }), new LogisticFusion()]) {
      expect(() => crossValidate(broken, method, { folds: 4, seed: 1 })).toThrow(MetricsInputError);
      expect(() => crossValidate(broken, method, { folds: 4, seed: 1 })).toThrow(/score of y in row 25 is Infinity; scores are finite numbers/);
    }
    // ... and by a fitted fusion applied to new scores.
    const fitted = new RuleFusion({ rule: 'sum', normaliser: 'z-score' }).fit(ms);
    expect(() => fuseAll(fitted, broken)).toThrow(/score of y in row 25 is Infinity/);
  });

  it('refuses negative subject ids, whose rows no fold would ever test', () => {
    const ms = allPairs(10, 3);
    const probeSubject = Int32Array.from(ms.probeSubject, (s) => (s === 4 ? -1 : s));
    expect(() => crossValidate({ ...ms, probeSubject }, new RuleFusion({ rule: 'sum', normaliser: 'z-score' }), { folds: 3 })).toThrow(/subject id in row 40 is negative/);
  });
});

describe.skipIf(bssr1.skip)('BSSR1 Set 1 fusion', () => {
  it('sum of z-scores and logistic regression beat the best single matcher by an order of magnitude', async () => {
    const names = ['face-C', 'face-G', 'finger-left', 'finger-right'];
    const matrices = await Promise.all(names.map((n) => readScoreMatrix(join(bssr1.path, `${n}.csv`))));
    const ms = multiScoresFromMatrices(matrices, names, [-1, undefined, undefined, undefined]);
    expect(Number.isNaN(ms.scores[0 * 4])).toBe(false);
    const missing = Array.from({ length: ms.labels.length }, (_, i) => ms.scores[i * 4]).filter(Number.isNaN).length;
    expect(missing).toBe(517); // one subject's face-C reference failed: a missing score, not -1
    const sum = crossValidate(ms, new RuleFusion({ rule: 'sum', normaliser: 'z-score' }), { folds: 5, seed: 1 });
    expect(sum.pooled.counts.genuine).toBe(517);
    expect(sum.pooled.counts.genuineFailures).toBe(0); // the missing face score is marginalised
    expect(sum.pooled.eer.value).toBeLessThan(0.005); // best single matcher: 4.45 %
    const lr = crossValidate(ms, new LogisticFusion(), { folds: 5, seed: 1 });
    expect(lr.pooled.eer.value).toBeLessThan(0.005);
    expect(lr.pooled.fnmrAtFmr.find((p) => p.targetFmr === 1e-3)?.fnmr).toBeLessThan(0.01);
  });
});
