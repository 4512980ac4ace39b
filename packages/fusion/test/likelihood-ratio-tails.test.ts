import { seededRandom } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import { FusionError } from '../src/errors';
import type { MultiScores } from '../src/multi-scores';
import { LikelihoodRatioFusion, likelihoodRatioFusionFromJSON } from '../src/methods/likelihood-ratio-fusion';

/** A modality's class-conditional scores: genuine and impostor N(mean, sd). */
interface Spread {
  readonly genuine: readonly [number, number];
  readonly impostor: readonly [number, number];
}

/**
 * Well separated modalities whose classes differ in spread, as real matchers' do, every fifth
 * row genuine. Where the genuine scores are the broader (BROAD_GENUINE) the two Gaussians' log
 * ratio is a quadratic that turns upward below x = -6.4, under every training score; where the
 * impostors are (BROAD_IMPOSTOR) it turns downward above x = 10.8, over every training score.
 */
function scoresWith(spreads: readonly Spread[], n: number, seed: number): MultiScores {
  const rng = seededRandom(seed);
  const m = spreads.length;
  const scores = new Float64Array(n * m);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const genuine = i % 5 === 0;
    labels[i] = genuine ? 1 : 0;
    spreads.forEach((s, j) => {
      const [mean, sd] = genuine ? s.genuine : s.impostor;
      scores[i * m + j] = mean + sd * rng.normal();
    });
  }
  return { modalities: spreads.map((_, j) => String.fromCharCode(97 + j)), scores, labels, probeSubject: new Int32Array(n), referenceSubject: new Int32Array(n) };
}

const BROAD_GENUINE: Spread = { genuine: [8, 1.5], impostor: [0, 1] };
const BROAD_IMPOSTOR: Spread = { genuine: [6, 1], impostor: [0, 1.5] };

/** Largest drop of the fused score between consecutive points of `line` (0 when it never falls). */
function largestDrop(score: (x: number) => number, from: number, to: number, step: number): number {
  let drop = 0;
  let previous = score(from);
  for (let x = from + step; x <= to; x += step) {
    const s = score(x);
    drop = Math.max(drop, previous - s);
    previous = s;
  }
  return drop;
}

describe('likelihood-ratio fusion beyond the training scores', () => {
  const data = scoresWith([BROAD_GENUINE, BROAD_IMPOSTOR], 20_000, 31);
  const f = new LikelihoodRatioFusion({ seed: 1 }).fit(data);
  const typicalGenuine = f.score([8, 6]);
  const typicalImpostor = f.score([0, 0]);

  it('does not accept a comparison that both modalities reject far more strongly than any training impostor', () => {
    // Both with broader genuine scores: [-30, -30] scored +240, a typical genuine pair [8, 8] +61
    // and a typical impostor pair [0, 0] -29.
    const bothBroad = new LikelihoodRatioFusion({ seed: 1 }).fit(scoresWith([BROAD_GENUINE, BROAD_GENUINE], 20_000, 32));
    expect(bothBroad.score([-30, -30])).toBeLessThan(bothBroad.score([8, 8]));
    expect(bothBroad.score([-30, -30])).toBeLessThanOrEqual(bothBroad.score([0, 0]));
    expect(f.score([-30, Number.NaN])).toBeLessThanOrEqual(f.score([0, Number.NaN]));
    expect(typicalGenuine).toBeGreaterThan(typicalImpostor);
  });

  it('does not reject a comparison that one modality accepts more strongly than any training genuine', () => {
    // With a at its genuine mean, b = 30 scored -65 and b = 6 (b's genuine mean) +40.
    expect(f.score([8, 30])).toBeGreaterThanOrEqual(typicalGenuine);
    expect(f.score([Number.NaN, 30])).toBeGreaterThanOrEqual(f.score([Number.NaN, 6]));
  });

  it('never lowers the fused score as one input rises, out to far beyond the data', () => {
    // Lines through the training cloud and out of both ends of each modality's range: with the
    // other modality at its impostor mean, at its genuine mean, or missing.
    for (const other of [0, 8, 6, Number.NaN]) {
      expect(largestDrop((x) => f.score([x, other]), -40, 40, 0.25), `a rising, b = ${other}`).toBeLessThanOrEqual(1e-9);
      expect(largestDrop((x) => f.score([other, x]), -40, 40, 0.25), `b rising, a = ${other}`).toBeLessThanOrEqual(1e-9);
    }
    expect(largestDrop((x) => f.score([x, x]), -40, 40, 0.25), 'both rising').toBeLessThanOrEqual(1e-9);
  });

  it('is constant beyond the training range, and stores that range', () => {
    const json = JSON.parse(JSON.stringify(f.toJSON())) as Parameters<typeof likelihoodRatioFusionFromJSON>[0];
    const { low, high } = json.range;
    // The range is that of the rows the densities were fitted on (normaliser 'none': raw scores).
    for (let j = 0; j < 2; j++) {
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < data.labels.length; i++) {
        min = Math.min(min, data.scores[2 * i + j]);
        max = Math.max(max, data.scores[2 * i + j]);
      }
      expect(low[j]).toBe(min);
      expect(high[j]).toBe(max);
    }
    expect(f.score([low[0] - 100, 3])).toBe(f.score([low[0], 3]));
    expect(f.score([high[0] + 100, 3])).toBe(f.score([high[0], 3]));
    expect(f.score([Number.NaN, high[1] + 1])).toBe(f.score([Number.NaN, high[1]]));
    const back = likelihoodRatioFusionFromJSON(json);
    for (const row of [[-30, -30], [8, 30], [1, 2], [-30, Number.NaN]]) expect(back.score(row)).toBe(f.score(row));
  });

  it('refuses a stored fusion without its training range, which would score the tails unclamped', () => {
    const json = JSON.parse(JSON.stringify(f.toJSON())) as Record<string, unknown>;
    const { range, ...older } = json;
    expect(range).toBeDefined();
    const load = (j: unknown) => () => likelihoodRatioFusionFromJSON(j as Parameters<typeof likelihoodRatioFusionFromJSON>[0]);
    expect(load(older)).toThrow(FusionError);
    expect(load(older)).toThrow(/stored likelihood-ratio fusion: "range" is missing .*: refit it/);
    expect(load({ ...older, range: { low: [0] } })).toThrow(/stored likelihood-ratio fusion: "range.low" must list 2 numbers/);
    expect(load({ ...older, range: { low: [0, 0], high: [1, 0] } })).toThrow(/"range": modality b's low end \(0\) is not below its high end \(0\)/);
  });
});
