import { describe, expect, it } from 'vitest';
import { MetricsInputError } from '../errors';
import { preselectionErrors } from './preselection';

describe('preselectionErrors', () => {
  it('counts the mated probes whose mate ranks below the shortlist, failures at every rate', () => {
    // Gallery of 200: ranks 1, 2, 3, 10, 40, 200 and one failure.
    const ranks = [1, 2, 3, 10, 40, 200, Number.POSITIVE_INFINITY];
    const points = preselectionErrors(ranks, 200, [0.005, 0.01, 0.05, 0.2, 1]);
    expect(points.map((p) => p.listLength)).toEqual([1, 2, 10, 40, 200]);
    expect(points.map((p) => p.error * 7)).toEqual([6, 5, 3, 2, 1].map((x) => expect.closeTo(x, 12)));
  });

  it('rounds the list up, and keeps exact products exact', () => {
    expect(preselectionErrors([1], 100_000, [0.005])[0].listLength).toBe(500);
    expect(preselectionErrors([1], 7, [0.5])[0].listLength).toBe(4);
    expect(preselectionErrors([Number.NaN], 7, [1])[0].error).toBe(1);
    // Any positive rate passes at least one entry on.
    expect(preselectionErrors([1], 100, [1e-12])[0]).toMatchObject({ listLength: 1, error: 0 });
  });

  it('refuses ranks outside the gallery, an empty probe set and rates outside (0, 1]', () => {
    expect(() => preselectionErrors([0], 10, [0.1])).toThrow(MetricsInputError);
    expect(() => preselectionErrors([11], 10, [0.1])).toThrow(/not in 1\.\.10/);
    expect(() => preselectionErrors([1.5], 10, [0.1])).toThrow(MetricsInputError);
    expect(() => preselectionErrors([], 10, [0.1])).toThrow(MetricsInputError);
    expect(() => preselectionErrors([1], 10, [0])).toThrow(MetricsInputError);
    expect(() => preselectionErrors([1], 10, [1.2])).toThrow(MetricsInputError);
    expect(() => preselectionErrors([1], 0, [0.1])).toThrow(MetricsInputError);
  });
});
