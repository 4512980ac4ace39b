import { describe, expect, it } from 'vitest';
import { MetricsInputError } from '../errors';
import { bpcerAtApcer, padAtThreshold } from './presentation-attack';

const scores = {
  bonaFide: [0.9, 0.8, 0.7, 0.6],
  attacks: { print: [0.1, 0.65, 0.2], replay: [0.3, 0.95] },
};

describe('presentation attack detection', () => {
  it('APCER per species, the worst species, BPCER and ACER', () => {
    expect(padAtThreshold(scores, 0.5)).toEqual({
      threshold: 0.5,
      apcerBySpecies: { print: 1 / 3, replay: 1 / 2 },
      apcer: 0.5,
      bpcer: 0,
      acer: 0.25,
    });
    const strict = padAtThreshold(scores, 0.75);
    expect(strict.apcerBySpecies).toEqual({ print: 0, replay: 0.5 });
    expect(strict.bpcer).toBe(0.5);
  });

  it('BPCER at APCER = target takes the lowest threshold that satisfies every species', () => {
    const five = bpcerAtApcer(scores, 0.05);
    expect(five.apcer).toBe(0);
    expect(five.bpcer).toBe(1); // the replay attack at 0.95 outscores every bona fide
    const half = bpcerAtApcer(scores, 0.5);
    expect(half.threshold).toBeGreaterThan(0.3);
    expect(half.threshold).toBeLessThan(0.3 + 1e-12);
    expect(half.apcer).toBe(0.5);
    expect(half.bpcer).toBe(0);
  });

  it('refuses a target APCER outside [0, 1] (-0.1 and NaN gave a NaN threshold and a report)', () => {
    for (const t of [-0.1, 1.1, Number.NaN]) expect(() => bpcerAtApcer(scores, t), String(t)).toThrow(MetricsInputError);
    expect(bpcerAtApcer(scores, 1).apcer).toBe(1);
  });

  it('needs both classes and no NaN', () => {
    expect(() => padAtThreshold({ bonaFide: [], attacks: { print: [1] } }, 0)).toThrow(MetricsInputError);
    expect(() => padAtThreshold({ bonaFide: [1], attacks: {} }, 0)).toThrow(/species/);
    expect(() => padAtThreshold({ bonaFide: [Number.NaN], attacks: { p: [1] } }, 0)).toThrow(/NaN/);
  });
});
