import { describe, expect, it } from 'vitest';
import { MetricsInputError } from '../errors';
import { cmc, openSetRates, probeOutcomes, rankAccuracy } from './identification';

// Gallery: alice twice, bob, carol. Probes: alice (rank 1), bob (rank 2), carol (rank 3),
// dave (not enrolled), and a failed alice probe.
const input = {
  galleryIds: ['alice', 'alice', 'bob', 'carol'],
  probeIds: ['alice', 'bob', 'carol', 'dave', 'alice'],
  scores: Float64Array.from([
    0.2, 0.9, 0.5, 0.1, // alice: best alice entry 0.9 wins
    0.8, 0.1, 0.7, 0.3, // bob 0.7 behind alice 0.8
    0.6, 0.6, 0.5, 0.4, // carol 0.4 behind alice 0.6 and bob 0.5
    0.3, 0.2, 0.65, 0.1, // dave: best candidate bob at 0.65
    NaN, NaN, NaN, NaN, // failed to acquire
  ]),
};

describe('identification', () => {
  it('ranks the mate among identities, not gallery entries', () => {
    const o = probeOutcomes(input);
    expect(Array.from(o.mateRank)).toEqual([1, 2, 3, Infinity, Infinity]);
    expect(o.identities).toBe(3);
    expect(Array.from(o.mated)).toEqual([1, 1, 1, 0, 1]);
    expect(Array.from(o.failed)).toEqual([0, 0, 0, 0, 1]);
  });

  it('CMC counts failed mated probes as misses', () => {
    const o = probeOutcomes(input);
    expect(Array.from(cmc(o, 3))).toEqual([1 / 4, 2 / 4, 3 / 4]);
    expect(rankAccuracy(o, 1)).toBe(0.25);
  });

  it('ties rank against the mate', () => {
    const o = probeOutcomes({ galleryIds: ['a', 'b', 'c'], probeIds: ['a'], scores: Float64Array.from([0.5, 0.5, 0.5]) });
    expect(o.mateRank[0]).toBe(3);
  });

  it('open-set FPIR and FNIR at a threshold', () => {
    const o = probeOutcomes(input);
    expect(openSetRates(o, 0.6, 1)).toEqual({ fpir: 1, fnir: 3 / 4, mated: 4, nonMated: 1 });
    expect(openSetRates(o, 0.7, 1)).toEqual({ fpir: 0, fnir: 3 / 4, mated: 4, nonMated: 1 });
    expect(openSetRates(o, 0.7, 2)).toEqual({ fpir: 0, fnir: 2 / 4, mated: 4, nonMated: 1 });
  });

  it('rejects a matrix of the wrong size and an empty gallery', () => {
    expect(() => probeOutcomes({ ...input, scores: new Float64Array(3) })).toThrow(MetricsInputError);
    expect(() => probeOutcomes({ galleryIds: [], probeIds: [], scores: new Float64Array(0) })).toThrow(/gallery/);
  });
});
