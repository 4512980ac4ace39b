import { describe, expect, it } from 'vitest';
import { MetricsInputError } from '../errors';
import { errorRateCurve, ratesAt } from './error-rate-curve';
import { padAtThreshold } from './presentation-attack';
import { scoreSet } from './score-set';

describe('a NaN threshold', () => {
  it('is refused by padAtThreshold (it classified everything bona fide: APCER 1, BPCER 0, as if measured)', () => {
    const scores = { bonaFide: [0.9, 0.8], attacks: { print: [0.1, 0.2] } };
    expect(padAtThreshold(scores, 0.5)).toMatchObject({ apcer: 0, bpcer: 0 });
    expect(() => padAtThreshold(scores, Number.NaN)).toThrow(MetricsInputError);
  });

  it('is refused by ratesAt (it accepted every compared score)', () => {
    const curve = errorRateCurve(scoreSet({ genuine: [2, 3], impostor: [0, 1] }));
    expect(ratesAt(curve, 1.5)).toEqual({ fmr: 0, fnmr: 0 });
    expect(() => ratesAt(curve, Number.NaN)).toThrow(MetricsInputError);
  });
});
