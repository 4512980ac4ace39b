import { describe, expect, it } from 'vitest';
import { MetricsInputError } from '../errors';
import { seededRandom } from '../random';
import { ercArea, ercShareOfIdeal, errorVersusReject, fnmrAtRejection, idealErcArea } from './error-versus-reject';

// Six genuine comparisons at threshold 0.5: three false non-matches (0.1, 0.2 and a failure).
const scores = [0.9, 0.1, 0.8, 0.2, 0.7, Number.NaN];
const qualities = [50, 10, 40, 10, 30, 0];

describe('errorVersusReject', () => {
  it('steps through the distinct qualities, counting a failed comparison as a false non-match', () => {
    const erc = errorVersusReject(scores, qualities, 0.5);
    expect(Array.from(erc.qualityCutoffs)).toEqual([0, 10, 30, 40, 50]);
    expect(Array.from(erc.rejectedCount)).toEqual([0, 1, 3, 4, 5]);
    expect(Array.from(erc.falseNonMatches)).toEqual([3, 2, 0, 0, 0]);
    expect(Array.from(erc.fnmr)).toEqual([0.5, 0.4, 0, 0, 0]);
    expect(erc.rejected[2]).toBeCloseTo(0.5, 15);
  });

  it('rejects part of a tied group at random, in expectation', () => {
    const erc = errorVersusReject(scores, qualities, 0.5);
    expect(fnmrAtRejection(erc, 0)).toBe(0.5);
    // 1.5 of 6 rejected: the failure and, in expectation, half of one of the two tied false
    // non-matches -> 1.5 expected false non-matches among 4.5 kept.
    expect(fnmrAtRejection(erc, 0.25)).toBeCloseTo(1 / 3, 12);
    expect(fnmrAtRejection(erc, 2 / 6)).toBeCloseTo(1 / 4, 12);
    expect(fnmrAtRejection(erc, 0.5)).toBe(0);
  });

  it('integrates the curve, and a perfect measure reaches the closed-form ideal', () => {
    const erc = errorVersusReject(scores, qualities, 0.5);
    expect(ercArea(erc, 0.5)).toBeCloseTo((1 / 6) * (0.45 + 0.325 + 0.125), 12);
    expect(idealErcArea(0.5, 0.5)).toBeCloseTo(0.5 + 0.5 * Math.log(0.5), 12);
    expect(idealErcArea(0.1, 0.2)).toBeCloseTo(0.1 + 0.9 * Math.log(0.9), 12);

    // 2,000 comparisons whose quality is their score: rejecting by quality is rejecting the lowest scores.
    const random = seededRandom(7);
    const s = Float64Array.from({ length: 2000 }, () => random.next());
    const perfect = errorVersusReject(s, s, 0.1);
    const initial = perfect.fnmr[0];
    expect(initial).toBeGreaterThan(0.08);
    expect(initial).toBeLessThan(0.12);
    expect(ercArea(perfect, 0.2)).toBeCloseTo(idealErcArea(initial, 0.2), 4);
    expect(ercShareOfIdeal(perfect, 0.2)).toBeGreaterThan(0.99);
    // The small case: flat 0.25, area 0.15, ideal 0.5 + 0.5 ln 0.5.
    expect(ercShareOfIdeal(erc, 0.5)).toBeCloseTo((0.25 - 0.15) / (0.25 - idealErcArea(0.5, 0.5)), 12);
  });

  it('stays flat when the quality carries no information', () => {
    const erc = errorVersusReject(scores, [7, 7, 7, 7, 7, 7], 0.5);
    expect(erc.fnmr.length).toBe(1);
    for (const share of [0, 0.1, 0.3, 0.7]) expect(fnmrAtRejection(erc, share)).toBeCloseTo(0.5, 12);
    expect(ercArea(erc, 0.2)).toBeCloseTo(0.1, 12);
    expect(ercShareOfIdeal(erc, 0.2)).toBeCloseTo(0, 12);
    expect(ercShareOfIdeal(errorVersusReject([0.9, 0.8], [1, 2], 0.5), 0.2)).toBeNaN();
  });

  it('refuses empty or mismatched inputs, non-finite qualities and shares outside the range', () => {
    expect(() => errorVersusReject([], [], 0)).toThrow(MetricsInputError);
    expect(() => errorVersusReject([1, 2], [1], 0)).toThrow(/differ in length/);
    expect(() => errorVersusReject([1], [Number.NaN], 0)).toThrow(/quality NaN of comparison 0/);
    expect(() => errorVersusReject([1], [1], Number.NaN)).toThrow(MetricsInputError);
    const erc = errorVersusReject(scores, qualities, 0.5);
    expect(() => fnmrAtRejection(erc, 1)).toThrow(MetricsInputError);
    expect(() => fnmrAtRejection(erc, -0.1)).toThrow(MetricsInputError);
    expect(() => ercArea(erc, 0)).toThrow(MetricsInputError);
    expect(() => idealErcArea(1.5, 0.2)).toThrow(MetricsInputError);
  });
});
