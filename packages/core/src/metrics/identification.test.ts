import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readScoreMatrix } from '../datasets/score-matrix';
import { MetricsInputError } from '../errors';
import { sharedDataset } from '../testing/shared-data';
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

  it('a NaN cell is one comparison that was not made, not a failed probe', () => {
    // Gallery entry carol failed to enrol (NaN column); bob's probe also missed one alice entry.
    const o = probeOutcomes({
      galleryIds: ['alice', 'alice', 'bob', 'carol'],
      probeIds: ['alice', 'bob', 'carol', 'dave'],
      scores: Float64Array.from([
        0.2, 0.9, 0.5, NaN, // alice: rank 1, carol is no candidate
        NaN, 0.6, 0.7, NaN, // bob 0.7 above alice's compared entry 0.6
        0.6, 0.6, 0.5, NaN, // carol: never compared with her reference, a miss however high
        0.3, 0.2, 0.65, NaN, // dave: best candidate bob at 0.65
      ]),
    });
    expect(Array.from(o.failed)).toEqual([0, 0, 0, 0]);
    expect(Array.from(o.mateRank)).toEqual([1, 1, Infinity, Infinity]);
    expect(Array.from(o.mateScore)).toEqual([0.9, 0.7, NaN, NaN]);
    expect(Array.from(o.topNonMateScore)).toEqual([0.5, 0.6, 0.6, 0.65]);
    // Carol stays in the denominators: rank-1 2/3 (not 0, nor 2/2), FNIR 1/3 at a low threshold.
    expect(Array.from(cmc(o, 2))).toEqual([2 / 3, 2 / 3]);
    expect(openSetRates(o, 0, 1)).toEqual({ fpir: 1, fnir: 1 / 3, mated: 3, nonMated: 1 });
    expect(openSetRates(o, 0.66, 1)).toEqual({ fpir: 0, fnir: 1 / 3, mated: 3, nonMated: 1 });
  });

  it('a NaN mate cell does not help the probe: the rank comes from the mate entries compared', () => {
    // Alice has two entries; the better one could not be compared, the other is behind bob.
    const o = probeOutcomes({ galleryIds: ['alice', 'alice', 'bob'], probeIds: ['alice'], scores: Float64Array.from([NaN, 0.4, 0.5]) });
    expect(o.mateRank[0]).toBe(2);
    expect(o.mateScore[0]).toBe(0.4);
  });

  it('a probe whose whole row is NaN failed to acquire: a miss and no false alarm', () => {
    const o = probeOutcomes({ galleryIds: ['a', 'b'], probeIds: ['a', 'z'], scores: Float64Array.from([NaN, NaN, NaN, NaN]) });
    expect(Array.from(o.failed)).toEqual([1, 1]);
    expect(rankAccuracy(o, 1)).toBe(0);
    expect(openSetRates(o, -Infinity)).toEqual({ fpir: 0, fnir: 1, mated: 1, nonMated: 1 });
  });

  it('rejects ranks that are not whole numbers >= 1 and a NaN threshold', () => {
    const o = probeOutcomes(input);
    for (const k of [0, -1, 1.5, NaN]) {
      expect(() => rankAccuracy(o, k)).toThrow(MetricsInputError);
      expect(() => cmc(o, k)).toThrow(MetricsInputError);
      expect(() => openSetRates(o, 0.5, k)).toThrow(MetricsInputError);
    }
    expect(() => openSetRates(o, NaN)).toThrow(MetricsInputError);
    expect(Array.from(cmc(o, 5))).toEqual([1 / 4, 2 / 4, 3 / 4, 3 / 4, 3 / 4]); // past the identities: the last rate
  });

  it('rejects a matrix of the wrong size and an empty gallery', () => {
    expect(() => probeOutcomes({ ...input, scores: new Float64Array(3) })).toThrow(MetricsInputError);
    expect(() => probeOutcomes({ galleryIds: [], probeIds: [], scores: new Float64Array(0) })).toThrow(/gallery/);
  });

  const bssr1 = sharedDataset('nist-bssr1-set1');
  it.skipIf(bssr1.skip)('BSSR1 face-C with its -1 cells (one gallery subject) as failed comparisons: rank-1 457 of 517', async () => {
    const m = await readScoreMatrix(join(bssr1.path, 'face-C.csv'));
    const scores = m.scores.map((v) => (v === -1 ? Number.NaN : v));
    const o = probeOutcomes({ scores, probeIds: m.subjects, galleryIds: m.subjects });
    expect(o.failed.reduce((n, f) => n + f, 0)).toBe(0);
    expect(rankAccuracy(o, 1)).toBe(457 / 517); // as with -1 kept as the lowest score; was 0
    // The subject whose reference failed is not identified, and is still counted.
    expect(o.mateRank.filter((r) => r === Infinity).length).toBe(1);
  });
});
