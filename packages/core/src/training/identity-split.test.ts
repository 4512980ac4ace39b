import { ConfigError } from '../errors';
import { describe, expect, it } from 'vitest';
import { splitIdentities } from './identity-split';

// 10 identities x 3 samples, interleaved
const labels = Int32Array.from({ length: 30 }, (_, i) => i % 10);

describe('splitIdentities', () => {
  it('deals identities, never samples, into disjoint parts covering the set', () => {
    const s = splitIdentities(labels, { validationShare: 0.2, testShare: 0.3, seed: 4 });
    expect([s.trainIdentities.length, s.validationIdentities.length, s.testIdentities.length]).toEqual([5, 2, 3]);
    const all = [...s.trainIdentities, ...s.validationIdentities, ...s.testIdentities].sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const [part, ids] of [[s.train, s.trainIdentities], [s.validation, s.validationIdentities], [s.test, s.testIdentities]] as const) {
      expect(part.length).toBe(ids.length * 3);
      for (const i of part) expect(ids).toContain(labels[i]);
    }
    expect(s.train.length + s.validation.length + s.test.length).toBe(30);
  });

  it('is reproducible from the seed and changes with it', () => {
    const a = splitIdentities(labels, { validationShare: 0.2, testShare: 0.3, seed: 4 });
    expect(splitIdentities(labels, { validationShare: 0.2, testShare: 0.3, seed: 4 })).toEqual(a);
    const others = [5, 6, 7, 8].map((seed) => Array.from(splitIdentities(labels, { validationShare: 0.2, testShare: 0.3, seed }).testIdentities).join());
    expect(others.some((o) => o !== Array.from(a.testIdentities).join())).toBe(true);
  });

  it('allows an empty part and gives a non-empty one at least 2 identities', () => {
    const s = splitIdentities(labels, { validationShare: 0, testShare: 0.05, seed: 1 });
    expect(s.validation.length).toBe(0);
    expect(s.testIdentities.length).toBe(2);
  });

  it('throws ConfigError when too few identities remain to train', () => {
    expect(() => splitIdentities(Int32Array.from([0, 1, 2, 3, 4]), { validationShare: 0.4, testShare: 0.4, seed: 1 })).toThrow(
      /add identities or lower the shares/,
    );
    expect(() => splitIdentities(labels, { validationShare: 1, testShare: 0, seed: 1 })).toThrow(ConfigError);
  });

  it('refuses a seed the generator would read as another (1.9 and 2^32 + 1 gave the split of 1)', () => {
    for (const seed of [1.9, 2 ** 32 + 1, -1, Number.NaN]) {
      expect(() => splitIdentities(labels, { validationShare: 0.2, testShare: 0.3, seed })).toThrow(ConfigError);
    }
    expect(() => splitIdentities(labels, { validationShare: 0.2, testShare: 0.3, seed: 1.9 })).toThrow(/splitIdentities: seed must be a whole number in \[0, 4294967295\], got 1.9/);
    expect(splitIdentities(labels, { validationShare: 0.2, testShare: 0.3, seed: 2 ** 32 - 1 }).train.length).toBeGreaterThan(0);
  });
});
