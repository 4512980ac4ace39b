import { describe, expect, it } from 'vitest';
import { detCurve } from './det-curve';
import { errorRateCurve } from './error-rate-curve';
import { probit } from './probit';
import { scoreSet } from './score-set';

describe('detCurve', () => {
  it('keeps the ends of a run that reaches a rate of 0, at deviates half a comparison from the edge', () => {
    // FNMR stays at 1/2 while FMR falls 1 -> 2/3 -> 1/3 -> 0: the run's inner points go, its ends stay.
    const d = detCurve(errorRateCurve(scoreSet({ genuine: [0.5, 5], impostor: [1, 2, 3] })));
    expect(Array.from(d.fmr)).toEqual([1, 1, 0, 0]);
    expect(Array.from(d.fnmr)).toEqual([0, 0.5, 0.5, 1]);
    // A DET page draws these deviates: a rate of 0 or 1 sits at 0.5 / n from the edge, so the run
    // still spans the measured FMRs 2/3 and 1/3 (dropping the 0 and 1 points left nothing to draw).
    expect(Array.from(d.fmrDeviate)).toEqual([1 - 0.5 / 3, 1 - 0.5 / 3, 0.5 / 3, 0.5 / 3].map(probit));
    expect(Array.from(d.fnmrDeviate)).toEqual([0.5 / 2, 0.5, 0.5, 1 - 0.5 / 2].map(probit));
  });
});
