import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import { argsortDecreasing } from './argsort';

/** The order a stable comparator sort gives: decreasing value, ties in index order. */
function reference(values: Float64Array): number[] {
  return Array.from(values, (_, i) => i).sort((x, y) => values[y] - values[x] || x - y);
}

describe('argsortDecreasing', () => {
  it('orders by decreasing value, ties (and -0 with 0) in index order, infinities at the ends', () => {
    const values = Float64Array.from([0.5, -0, 3, -Infinity, 0, Infinity, -2.5, 0.5, -1e-300, 1e-300, 3]);
    expect(Array.from(argsortDecreasing(values))).toEqual([5, 2, 10, 0, 7, 9, 1, 4, 8, 6, 3]);
    expect(Array.from(argsortDecreasing(values))).toEqual(reference(values));
    expect(Array.from(argsortDecreasing(new Float64Array(0)))).toEqual([]);
  });

  it('matches a comparator sort on many values with repeats, signs and magnitudes', () => {
    const rng = seededRandom(5);
    const values = Float64Array.from({ length: 20_000 }, (_, i) =>
      i % 3 === 0 ? Math.round(rng.normal() * 4) / 4 : i % 3 === 1 ? rng.normal() * 10 ** Math.floor(rng.next() * 20 - 10) : Math.floor(rng.next() * 1e6),
    );
    expect(Array.from(argsortDecreasing(values))).toEqual(reference(values));
  });
});
