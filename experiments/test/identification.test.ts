import { describe, expect, it } from 'vitest';
import { identificationSummaries } from '../src/run/identification';
import { allPairsScores } from './comparison-scores-fixture';

describe('identificationSummaries', () => {
  it('counts failed comparisons as comparisons not made, not as failed probes', () => {
    // Subject c's reference failed to enrol: its column is NaN. Probes a and b are still
    // ranked (rank 1); probe c cannot find its mate and is a miss.
    const data = allPairsScores(['a', 'b', 'c'], (label) => {
      const scores = Float64Array.from(label, (l, i) => (i % 3 === 2 ? Number.NaN : l ? 0.9 : 0.1));
      return [{ name: 'm', scores, errors: Array.from(scores, (s) => (Number.isNaN(s) ? 'reference c: failed to enrol' : undefined)) }];
    });
    const [summary] = identificationSummaries(data, 5) ?? [];
    expect(summary).toEqual({ system: 'm', probes: 3, identities: 3, rank1: 2 / 3, cmc: [2 / 3, 2 / 3, 2 / 3], failedComparisons: 3, failedProbes: 0 });
  });
});
