import { ConfigError } from '../errors';
import { describe, expect, it } from 'vitest';
import { createPkSampler } from './pk-sampler';

// 5 identities: 0..3 with 4 samples, identity 4 with 1 sample
const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4]);

describe('createPkSampler', () => {
  it('gives P identities x K distinct samples per batch, each eligible identity once per epoch', () => {
    const sampler = createPkSampler(labels, { p: 2, k: 3, seed: 1 });
    expect(Array.from(sampler.eligibleIdentities)).toEqual([0, 1, 2, 3]);
    // Identity 4 (one sample) can never fill K = 3: it is reported, not silently lost.
    expect(Array.from(sampler.unusedIdentities)).toEqual([4]);
    expect(sampler.unusedSamples).toBe(1);
    expect(createPkSampler(labels, { p: 2, k: 2, seed: 1 }).unusedSamples).toBe(1);
    expect(createPkSampler(labels, { p: 2, k: 4, seed: 1 }).unusedIdentities.length).toBe(1);
    const batches = sampler.epoch();
    expect(batches.length).toBe(2);
    expect(sampler.batchesPerEpoch).toBe(2);
    const seen = new Set<number>();
    for (const b of batches) {
      expect(b.length).toBe(6);
      const ids = Array.from(b, (i) => labels[i]);
      expect(ids[0]).toBe(ids[2]);
      expect(ids[3]).toBe(ids[5]);
      expect(ids[0]).not.toBe(ids[3]);
      expect(new Set(b).size).toBe(6);
      ids.forEach((id) => seen.add(id));
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });

  it('is reproducible from the seed and moves on between epochs', () => {
    const a = createPkSampler(labels, { p: 2, k: 2, seed: 7 });
    const b = createPkSampler(labels, { p: 2, k: 2, seed: 7 });
    const first = a.epoch();
    expect(first).toEqual(b.epoch());
    const epochs = Array.from({ length: 5 }, () => a.epoch().map((x) => Array.from(x)).join('|'));
    expect(new Set(epochs).size).toBeGreaterThan(1);
  });

  it('caps P at the eligible identities and drops a one-identity remainder', () => {
    const s = createPkSampler(labels, { p: 3, k: 4, seed: 2 });
    expect(s.p).toBe(3);
    expect(s.epoch().length).toBe(1); // 4 eligible: a batch of 3, and 1 left over (no negatives)
    expect(createPkSampler(labels, { p: 10, k: 2, seed: 2 }).p).toBe(4);
  });

  it('throws ConfigError naming what to change', () => {
    expect(() => createPkSampler(Int32Array.from([3, 3, 3]), { p: 2, k: 2, seed: 1 })).toThrow(/at least 2: add identities/);
    expect(() => createPkSampler(labels, { p: 2, k: 5, seed: 1 })).toThrow(ConfigError);
    expect(() => createPkSampler(labels, { p: 2, k: 5, seed: 1 })).toThrow(/lower K to at most 4/);
    expect(() => createPkSampler(Int32Array.from([0, 0, 1]), { p: 2, k: 2, seed: 1 })).toThrow(/only 1 identity/);
    expect(() => createPkSampler(labels, { p: 1, k: 2, seed: 1 })).toThrow(ConfigError);
  });

  it('refuses a seed the generator would read as another (7.5 and 2^32 + 7 gave the batches of 7)', () => {
    for (const seed of [7.5, 2 ** 32 + 7, -7, Number.NaN]) expect(() => createPkSampler(labels, { p: 2, k: 2, seed })).toThrow(ConfigError);
    expect(() => createPkSampler(labels, { p: 2, k: 2, seed: 7.5 })).toThrow(/createPkSampler: seed must be a whole number/);
  });
});
