import { ConfigError } from '../errors';
import { describe, expect, it } from 'vitest';
import { oneShotEvaluation } from './one-shot-evaluation';

const deg = (a: number) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)];
const set = (angles: number[], labels: number[]) => ({
  embeddings: Float32Array.from(angles.flatMap(deg)),
  labels: Int32Array.from(labels),
  dim: 2,
});

describe('oneShotEvaluation', () => {
  it('enrols the first sample per identity and identifies the rest', () => {
    // enrolments at 0, 90, 180 degrees; probes at 10, 80 and 102 (nearer identity 1 than its own)
    const r = oneShotEvaluation(set([0, 10, 90, 80, 180, 102], [0, 0, 1, 1, 2, 2]));
    expect(r.identities).toBe(3);
    expect(r.probes).toBe(3);
    expect(r.rank1).toBeCloseTo(2 / 3, 12);
    expect(Array.from(r.cmc)).toEqual([2 / 3, 1, 1]);
    // leave-mate-out non-mated scores: cos 80 (probe 0), cos 80 (probe 1), cos 12 (probe 2 vs 90 deg).
    // FPIR <= 1 % of 3 allows none, so the threshold sits just above cos 12: probes 0 and 1 (mates
    // at cos 10) pass, probe 2 (rank 2) is a false negative
    expect(r.openSet.fpir).toBe(0);
    expect(r.openSet.fnir).toBeCloseTo(1 / 3, 12);
    expect(r.genuinePairs).toBe(3);
    expect(r.impostorPairs).toBe(12);
  });

  it('is perfect on well separated identities', () => {
    const r = oneShotEvaluation(set([0, 5, 3, 120, 125, 118, 240, 244, 236], [0, 0, 0, 1, 1, 1, 2, 2, 2]), { seed: 3 });
    expect(r.rank1).toBe(1);
    expect(r.eer).toBe(0);
    expect(r.tarAtFar.tar).toBe(1);
    expect(r.openSet.fnir).toBe(0);
  });

  it('throws ConfigError for sets that cannot be evaluated', () => {
    expect(() => oneShotEvaluation(set([0, 10], [0, 0]))).toThrow(/at least 2 test identities/);
    expect(() => oneShotEvaluation(set([0, 90], [0, 1]))).toThrow(/at least 2 samples/);
    expect(() => oneShotEvaluation({ embeddings: new Float32Array(3), labels: Int32Array.from([0, 1]), dim: 2 })).toThrow(ConfigError);
    // Options too: a FAR of 2 reported TAR 1, maxRank -3 was a RangeError.
    const ok = set([0, 90, 0, 90], [0, 0, 1, 1]);
    for (const opts of [{ targetFar: 2 }, { targetFar: Number.NaN }, { targetFpir: -0.5 }, { maxRank: 0 }, { maxRank: -3 }, { seed: 1.5 }]) {
      expect(() => oneShotEvaluation(ok, opts), JSON.stringify(opts)).toThrow(ConfigError);
    }
  });
});
