import { ConfigError } from '../errors';
import { describe, expect, it } from 'vitest';
import { mineTriplets, type MiningStrategy } from './triplet-mining';

function symmetric(n: number, entries: Record<string, number>): Float32Array {
  const d = new Float32Array(n * n);
  for (const [key, v] of Object.entries(entries)) {
    const [i, j] = key.split('-').map(Number);
    d[i * n + j] = v;
    d[j * n + i] = v;
  }
  return d;
}

// identities [0, 0, 1, 1]; margin 0.2
const labels = Int32Array.from([0, 0, 1, 1]);
const d = symmetric(4, { '0-1': 0.5, '0-2': 0.51, '0-3': 0.9, '1-2': 0.3, '1-3': 1.0, '2-3': 0.2 });
const triples = (m: ReturnType<typeof mineTriplets>) =>
  Array.from(m.anchors, (a, t) => [a, m.positives[t], m.negatives[t]]);

describe('mineTriplets', () => {
  it('batch-all: every valid triplet, 3 of 8 active', () => {
    const m = mineTriplets(d, labels, 'batch-all', 0.2);
    expect(triples(m)).toEqual([
      [0, 1, 2], [0, 1, 3], [1, 0, 2], [1, 0, 3], [2, 3, 0], [2, 3, 1], [3, 2, 0], [3, 2, 1],
    ]);
    // active: (0,1,2) 0.19, (1,0,2) 0.4, (2,3,1) 0.1
    expect(m.active).toBe(3);
    expect(m.activeShare).toBeCloseTo(3 / 8, 12);
  });

  it('batch-hard: farthest positive and nearest negative per anchor', () => {
    const m = mineTriplets(d, labels, 'batch-hard', 0.2);
    expect(triples(m)).toEqual([[0, 1, 2], [1, 0, 2], [2, 3, 1], [3, 2, 0]]);
    expect(m.activeShare).toBeCloseTo(0.75, 12); // anchor 3: 0.2 - 0.9 + 0.2 < 0
  });

  it('semi-hard: nearest negative beyond the positive', () => {
    const m = mineTriplets(d, labels, 'semi-hard', 0.2);
    expect(triples(m)).toEqual([[0, 1, 2], [1, 0, 3], [2, 3, 1], [3, 2, 0]]);
    expect(m.active).toBe(2);
    expect(m.activeShare).toBeCloseTo(0.5, 12);
  });

  it('semi-hard falls back to the farthest negative when all are closer than the positive', () => {
    const m = mineTriplets(symmetric(3, { '0-1': 0.8, '0-2': 0.3, '1-2': 0.9 }), Int32Array.from([0, 0, 1]), 'semi-hard', 0.2);
    expect(triples(m)).toEqual([[0, 1, 2], [1, 0, 2]]);
    expect(m.active).toBe(2); // 0.8 - 0.3 + 0.2 > 0 and 0.8 - 0.9 + 0.2 > 0
  });

  it('gives no triplet (NaN share) without positives, and rejects unknown strategies', () => {
    const m = mineTriplets(symmetric(2, { '0-1': 1 }), Int32Array.from([0, 1]), 'batch-all', 0.2);
    expect(m.anchors.length).toBe(0);
    expect(m.activeShare).toBeNaN();
    expect(() => mineTriplets(d, labels, 'hardest' as MiningStrategy, 0.2)).toThrow(ConfigError);
  });
});
