import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import { detCurve } from './det-curve';
import { errorRateCurve, type ErrorRateCurve } from './error-rate-curve';
import { fmrAtFnmr, fnmrAtFmr, zeroFmr, zeroFnmr } from './operating-points';
import { scoreSet, type ScoreSet } from './score-set';
import { verificationReport } from './verification-report';

const inf = Number.POSITIVE_INFINITY;

// Worked by hand: two of four impostors score +Infinity, which "score >= t" accepts at every t,
// +Infinity included, so FMR never falls below 2/4.
//   t     0    0.5  1    2    3    4    +Inf
//   FNMR  0    0    0    1/4  2/4  3/4  1
//   FMR   1    3/4  2/4  2/4  2/4  2/4  2/4
const twoInfinite = () => scoreSet({ genuine: [1, 2, 3, 4], impostor: [0, 0.5, inf, inf] });

describe('operating points with +Infinity impostor scores', () => {
  it('FNMR at FMR flags a target below the FMR that no threshold gets under as unreachable (it was reported as met)', () => {
    const c = errorRateCurve(twoInfinite());
    // 1/4 * 4 impostors = 1: not below 1 / (impostor attempts), yet no threshold reaches it.
    // The honest point is the last one, FMR 1/2. It was flagged by nothing, then as belowResolution,
    // which consumers read as "too few impostors": unreachable is a flag of its own.
    expect(fnmrAtFmr(c, 0.25)).toEqual({ targetFmr: 0.25, threshold: inf, fmr: 0.5, fnmr: 1, belowResolution: false, unreachable: true });
    expect(fnmrAtFmr(c, 0.3)).toMatchObject({ fmr: 0.5, belowResolution: false, unreachable: true });
    // At the floor itself the target is met, and measurable.
    expect(fnmrAtFmr(c, 0.5)).toEqual({ targetFmr: 0.5, threshold: 1, fmr: 0.5, fnmr: 0, belowResolution: false, unreachable: false });
    // Below 1 / attempts and under the floor: both; the FMR reported is still the honest 1/2.
    expect(fnmrAtFmr(c, 1e-3)).toEqual({ targetFmr: 1e-3, threshold: inf, fmr: 0.5, fnmr: 1, belowResolution: true, unreachable: true });
    // The verification report's table reads the same flags.
    const r = verificationReport(twoInfinite(), { targetFmrs: [0.25, 0.5, 1e-3] });
    expect(r.fnmrAtFmr.map((p) => [p.belowResolution, p.unreachable])).toEqual([
      [false, true],
      [false, false],
      [true, true],
    ]);
    // Failed impostor comparisons are rejected, so they lower the floor: one +Infinity impostor in
    // 10 attempts (9 failed) gives FMR 1/10 from threshold 1 up, which meets a target of 1/10.
    const failed = errorRateCurve(scoreSet({ genuine: [1], impostor: [inf], impostorFailures: 9 }));
    expect(fnmrAtFmr(failed, 0.1)).toEqual({ targetFmr: 0.1, threshold: 1, fmr: 0.1, fnmr: 0, belowResolution: false, unreachable: false });
    // Finite scores, too few impostors: below resolution, and reachable (FMR 0 at the last point).
    expect(fnmrAtFmr(errorRateCurve(scoreSet({ genuine: [1], impostor: [0, 2] })), 0.1)).toMatchObject({ fmr: 0, belowResolution: true, unreachable: false });
  });

  it('ZeroFMR says whether FMR 0 was reached (with +Infinity impostors it was reported as the ZeroFMR point)', () => {
    expect(zeroFmr(errorRateCurve(twoInfinite()))).toEqual({ threshold: inf, fmr: 0.5, fnmr: 1, reached: false });
    // One +Infinity impostor is enough; a +Infinity genuine score is still accepted at +Infinity.
    const one = errorRateCurve(scoreSet({ genuine: [1, inf], impostor: [0, inf] }));
    expect(zeroFmr(one)).toEqual({ threshold: inf, fmr: 0.5, fnmr: 0.5, reached: false });
    expect(verificationReport(twoInfinite()).zeroFmr.reached).toBe(false);
    // Finite scores: unchanged, and reached.
    const finite = errorRateCurve(scoreSet({ genuine: [0.9, 0.8, 0.7, 0.4], impostor: [0.1, 0.2, 0.3, 0.5, 0.75] }));
    expect(zeroFmr(finite)).toEqual({ threshold: 0.8, fmr: 0, fnmr: 0.5, reached: true });
  });

  it('ZeroFNMR and FMR at FNMR need no flag for -Infinity genuine scores: the threshold -Infinity accepts them', () => {
    // Worked by hand:
    //   t     -Inf 0    1    2    3    +Inf
    //   FNMR  0    2/4  2/4  3/4  1    1
    //   FMR   1    1    1/2  1/2  1/2  0
    const c = errorRateCurve(scoreSet({ genuine: [-Infinity, -Infinity, 1, 2], impostor: [0, 3] }));
    expect(zeroFnmr(c)).toEqual({ threshold: -Infinity, fmr: 1, fnmr: 0 });
    expect(fmrAtFnmr(c, 0.25)).toEqual({ targetFnmr: 0.25, threshold: -Infinity, fmr: 1, fnmr: 0 });
    expect(fmrAtFnmr(c, 0.5)).toEqual({ targetFnmr: 0.5, threshold: 1, fmr: 0.5, fnmr: 0.5 });
    // -Infinity impostors are rejected by every threshold above -Infinity: FMR 0 is reached.
    const low = errorRateCurve(scoreSet({ genuine: [1], impostor: [-Infinity, -Infinity] }));
    expect(zeroFmr(low)).toEqual({ threshold: 1, fmr: 0, fnmr: 0, reached: true });
    expect(fnmrAtFmr(low, 0.5)).toMatchObject({ threshold: 1, fmr: 0, belowResolution: false, unreachable: false });
  });

  it('agree with brute force over every threshold on random sets with infinite scores and failures', () => {
    const rng = seededRandom(30107);
    // Few distinct values, so ties, runs and infinities are common.
    const values = [-inf, -1, 0, 0.25, 0.5, 0.75, 1, inf];
    const draw = (n: number) => Array.from({ length: n }, () => values[rng.int(values.length)]);
    const targets = [0, 1e-3, 0.05, 0.1, 0.2, 0.25, 1 / 3, 0.5, 0.75, 1];
    let flaggedByInfinity = 0;
    for (let trial = 0; trial < 200; trial++) {
      const input = {
        genuine: draw(rng.int(6)),
        impostor: draw(rng.int(9)),
        genuineFailures: rng.int(3),
        impostorFailures: rng.int(3) === 0 ? rng.int(4) : 0,
      };
      if (input.genuine.length + input.genuineFailures === 0 || input.impostor.length + input.impostorFailures === 0) continue;
      const set = scoreSet(input);
      const nI = set.impostor.length + set.impostorFailures;
      const nG = set.genuine.length + set.genuineFailures;
      const c = errorRateCurve(set);
      const at = (t: number) => bruteRates(set, t);
      const candidates = [...new Set([...set.genuine, ...set.impostor, inf])].sort((a, b) => a - b);
      const where = `trial ${trial}: genuine ${[...set.genuine]} (+${set.genuineFailures}), impostor ${[...set.impostor]} (+${set.impostorFailures})`;
      const floor = at(inf).fmr; // the lowest FMR any threshold reaches

      for (const target of targets) {
        const p = fnmrAtFmr(c, target);
        const meeting = candidates.filter((t) => at(t).fmr <= target);
        const expected = meeting.length > 0 ? meeting[0] : inf;
        expect(p.threshold, `${where}, target ${target}`).toBe(expected);
        expect({ fmr: p.fmr, fnmr: p.fnmr }).toEqual(at(expected));
        const unreachable = floor > target;
        expect(p.belowResolution, `${where}, target ${target}`).toBe(target * nI < 1);
        expect(p.unreachable, `${where}, target ${target}`).toBe(unreachable);
        // Never claims a target it did not meet.
        if (p.fmr > target) expect(p.unreachable, `${where}, target ${target}`).toBe(true);
        if (unreachable && target * nI >= 1) flaggedByInfinity++;

        const q = fmrAtFnmr(c, target);
        const within = candidates.filter((t) => at(t).fnmr <= target);
        const expectedQ = within.length > 0 ? within[within.length - 1] : candidates[0];
        expect(q.threshold, `${where}, target FNMR ${target}`).toBe(expectedQ);
        expect({ fmr: q.fmr, fnmr: q.fnmr }).toEqual(at(expectedQ));
      }

      const z = zeroFmr(c);
      const zeroes = candidates.filter((t) => at(t).fmr === 0);
      expect(z.reached, where).toBe(zeroes.length > 0);
      expect(z.threshold, where).toBe(zeroes.length > 0 ? zeroes[0] : inf);
      expect({ fmr: z.fmr, fnmr: z.fnmr }).toEqual(at(z.threshold));

      const zn = zeroFnmr(c);
      const failShare = set.genuineFailures / nG;
      const acceptingAll = candidates.filter((t) => at(t).fnmr === failShare);
      expect(zn.threshold, where).toBe(acceptingAll.length > 0 ? acceptingAll[acceptingAll.length - 1] : candidates[0]);
      expect({ fmr: zn.fmr, fnmr: zn.fnmr }).toEqual(at(zn.threshold));

      // The curve, and so DET and EER, hold only measured points: its last is the +Infinity floor.
      expectCurveMatches(c, at);
      const d = detCurve(c);
      expect(d.fmr[d.fmr.length - 1], where).toBe(floor);
    }
    // The seeded cases do reach the defect: a target at or above 1 / attempts under the +Infinity floor.
    expect(flaggedByInfinity).toBeGreaterThan(20);
  });
});

/** FMR and FNMR at threshold t by counting, accept if score >= t; failures never accepted. */
function bruteRates(set: ScoreSet, t: number): { fmr: number; fnmr: number } {
  const nG = set.genuine.length + set.genuineFailures;
  const nI = set.impostor.length + set.impostorFailures;
  const acceptedG = set.genuine.filter((s) => s >= t).length;
  const acceptedI = set.impostor.filter((s) => s >= t).length;
  return { fmr: acceptedI / nI, fnmr: (nG - acceptedG) / nG };
}

function expectCurveMatches(c: ErrorRateCurve, at: (t: number) => { fmr: number; fnmr: number }): void {
  for (let k = 0; k < c.thresholds.length; k++) {
    expect({ fmr: c.fmr[k], fnmr: c.fnmr[k] }).toEqual(at(c.thresholds[k]));
  }
}
