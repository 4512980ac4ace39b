import { describe, expect, it } from 'vitest';
import { MetricsInputError } from '../errors';
import {
  acceptanceThreshold,
  detCurve,
  dPrime,
  equalErrorRate,
  errorRateCurve,
  fnmrAtFmr,
  fmrAtFnmr,
  probit,
  ratesAt,
  rocAuc,
  rocConvexHullEer,
  scoreSet,
  scoreSetFromLabelled,
  verificationReport,
  zeroFmr,
  zeroFnmr,
} from './index';

// Worked by hand: accept if score >= t.
//   t     0.1  0.2  0.3  0.4  0.5  0.7  0.75 0.8  0.9  +Inf
//   FNMR  0    0    0    0    1/4  1/4  2/4  2/4  3/4  1
//   FMR   5/5  4/5  3/5  2/5  2/5  1/5  1/5  0    0    0
const small = () => scoreSet({ genuine: [0.9, 0.8, 0.7, 0.4], impostor: [0.1, 0.2, 0.3, 0.5, 0.75] });

describe('error rate curve', () => {
  it('lists FMR and FNMR at every distinct score, then +Infinity', () => {
    const c = errorRateCurve(small());
    expect(Array.from(c.thresholds)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.75, 0.8, 0.9, Infinity]);
    expect(Array.from(c.fnmr)).toEqual([0, 0, 0, 0, 0.25, 0.25, 0.5, 0.5, 0.75, 1]);
    expect(Array.from(c.fmr)).toEqual([1, 0.8, 0.6, 0.4, 0.4, 0.2, 0.2, 0, 0, 0]);
  });

  it('merges tied scores into one operating point', () => {
    const c = errorRateCurve(scoreSet({ genuine: [0.5, 0.5, 1], impostor: [0.5, 0] }));
    expect(Array.from(c.thresholds)).toEqual([0, 0.5, 1, Infinity]);
    expect(Array.from(c.fmr)).toEqual([1, 0.5, 0, 0]);
    expect(Array.from(c.fnmr)).toEqual([0, 0, 2 / 3, 1]);
  });

  it('gives rates at any threshold', () => {
    const c = errorRateCurve(small());
    expect(ratesAt(c, 0.6)).toEqual({ fmr: 0.2, fnmr: 0.25 });
    expect(ratesAt(c, 0.75)).toEqual({ fmr: 0.2, fnmr: 0.5 });
  });

  it('does not reorder the caller\'s arrays', () => {
    const s = small();
    errorRateCurve(s);
    expect(Array.from(s.genuine)).toEqual([0.9, 0.8, 0.7, 0.4]);
  });
});

describe('EER', () => {
  it('takes the operating point with the smallest |FMR - FNMR|', () => {
    const e = equalErrorRate(errorRateCurve(small()));
    expect(e.value).toBeCloseTo(0.225, 12);
    expect(e.threshold).toBe(0.7);
    expect(e.interval).toEqual([0.2, 0.25]);
  });

  it('of two points equally close to equal rates, takes the one with fewer errors', () => {
    // The crossing lies between threshold 5.5 (FMR 2/3, FNMR 1/2) and threshold 6 (FMR 1/3,
    // FNMR 1/2): both 1/6 from equal rates (up to the last bit); 6 has fewer errors in all.
    const g = Array.from({ length: 10 }, (_, k) => k + 1);
    const e = equalErrorRate(errorRateCurve(scoreSet({ genuine: g, impostor: [0, 5.5, 9.5] })));
    expect(e.value).toBeCloseTo(5 / 12, 12);
    expect(e.interval).toEqual([1 / 3, 1 / 2]);
    expect(e.value).toBeGreaterThanOrEqual(e.interval[0]);
    expect(e.value).toBeLessThanOrEqual(e.interval[1]);
  });

  it('gives FVC\'s interval a single point where the rates are exactly equal at a threshold', () => {
    // At threshold 2, FMR = FNMR = 1/2: FVC's t1 and t2 are both 2 (the interval was [0, 1/2], midpoint 1/4).
    expect(equalErrorRate(errorRateCurve(scoreSet({ genuine: [1, 2], impostor: [0, 3] }))).interval).toEqual([0.5, 0.5]);
    expect(equalErrorRate(errorRateCurve(scoreSet({ genuine: [3], impostor: [5, 4] }))).interval).toEqual([1, 1]);
  });

  it('is 0 for separated classes and 1/2 for identical ones', () => {
    expect(equalErrorRate(errorRateCurve(scoreSet({ genuine: [2, 3], impostor: [0, 1] }))).value).toBe(0);
    expect(equalErrorRate(errorRateCurve(scoreSet({ genuine: [1, 1], impostor: [1, 1] }))).value).toBe(0.5);
  });

  it('ROCCH-EER interpolates the convex hull', () => {
    // Lower hull: (0, .5) -> (.4, 0) -> (1, 0); y = .5 - 1.25 x meets y = x at 2/9.
    expect(rocConvexHullEer(errorRateCurve(small()))).toBeCloseTo(2 / 9, 12);
  });

  it('ROCCH-EER of a hull of one point is that point\'s worse rate, like any hull that misses the diagonal', () => {
    // One genuine pair in two failed, every impostor failed: the only point is (0, 1/2). It was
    // 1/4, while one impostor scoring below the genuine pair (no worse a system) gave 1/2.
    expect(rocConvexHullEer(errorRateCurve(scoreSet({ genuine: [1], genuineFailures: 1, impostor: [], impostorFailures: 10 })))).toBe(0.5);
    expect(rocConvexHullEer(errorRateCurve(scoreSet({ genuine: [1], genuineFailures: 1, impostor: [0], impostorFailures: 9 })))).toBe(0.5);
    expect(rocConvexHullEer(errorRateCurve(scoreSet({ genuine: [1], impostor: [Number.POSITIVE_INFINITY] })))).toBe(1);
  });

  it('ROCCH-EER never exceeds the upper end of the EER interval on random data', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 20; trial++) {
      const g = Array.from({ length: 50 }, () => rnd() + 0.3);
      const i = Array.from({ length: 80 }, () => rnd());
      const c = errorRateCurve(scoreSet({ genuine: g, impostor: i }));
      expect(rocConvexHullEer(c)).toBeLessThanOrEqual(equalErrorRate(c).interval[1] + 1e-12);
    }
  });
});

describe('operating points', () => {
  const c = () => errorRateCurve(small());
  it('FNMR at FMR takes the lowest threshold meeting the target', () => {
    expect(fnmrAtFmr(c(), 0.2)).toMatchObject({ threshold: 0.7, fmr: 0.2, fnmr: 0.25, belowResolution: false });
    expect(fnmrAtFmr(c(), 0.5)).toMatchObject({ threshold: 0.4, fmr: 0.4, fnmr: 0 });
    expect(fnmrAtFmr(c(), 1e-3)).toMatchObject({ threshold: 0.8, fmr: 0, fnmr: 0.5, belowResolution: true });
  });
  it('FMR at FNMR mirrors it', () => {
    expect(fmrAtFnmr(c(), 0.25)).toMatchObject({ threshold: 0.7, fmr: 0.2, fnmr: 0.25 });
  });
  it('acceptance threshold lets through at most the given share of negatives', () => {
    const neg = Float64Array.from([0.1, 0.2, 0.3, 0.5, 0.75]);
    expect(acceptanceThreshold(neg, 0.2)).toBeGreaterThan(0.5); // one of five accepted: only 0.75
    expect(acceptanceThreshold(neg, 0.2)).toBeLessThan(0.5 + 1e-12);
    expect(acceptanceThreshold(neg, 0)).toBeGreaterThan(0.75);
    expect(acceptanceThreshold(neg, 1)).toBe(-Infinity);
  });
  it('refuses target rates outside [0, 1] (NaN gave the +Infinity point, -0.1 a NaN threshold)', () => {
    const neg = Float64Array.from([0.1, 0.2, 0.3, 0.5, 0.75]);
    for (const t of [-0.1, 1.5, Number.NaN]) {
      expect(() => acceptanceThreshold(neg, t), String(t)).toThrow(MetricsInputError);
      expect(() => fnmrAtFmr(c(), t), String(t)).toThrow(MetricsInputError);
      expect(() => fmrAtFnmr(c(), t), String(t)).toThrow(MetricsInputError);
    }
    expect(() => verificationReport(small(), { targetFmrs: [Number.NaN] })).toThrow(/target FMR must lie in \[0, 1\], got NaN/);
    expect(fnmrAtFmr(c(), 1)).toMatchObject({ fmr: 1, fnmr: 0 }); // the ends stay valid
  });
  it('ZeroFMR and ZeroFNMR', () => {
    expect(zeroFmr(c())).toEqual({ threshold: 0.8, fmr: 0, fnmr: 0.5, reached: true });
    expect(zeroFnmr(c())).toEqual({ threshold: 0.4, fmr: 0.4, fnmr: 0 });
  });
});

describe('AUC and d-prime', () => {
  it('AUC is the Mann-Whitney probability with ties as one half', () => {
    expect(rocAuc(errorRateCurve(small()))).toBeCloseTo(17 / 20, 12);
    expect(rocAuc(errorRateCurve(scoreSet({ genuine: [1, 2], impostor: [1, 0] })))).toBeCloseTo(0.875, 12);
  });
  it('d-prime from population variances', () => {
    // means 0.7 and 0.37, variances 0.035 and 0.0536
    expect(dPrime(small())).toBeCloseTo(0.33 / Math.sqrt((0.035 + 0.0536) / 2), 10);
    expect(dPrime(scoreSet({ genuine: [1, 1], impostor: [0, 0] }))).toBe(Infinity);
    // Scale-free, also where the variances would overflow (scores near 1e300 gave d' 0).
    const scaled = (k: number) => scoreSet({ genuine: [0.9, 0.7, 0.8].map((v) => v * k), impostor: [0.1, 0.3, 0.2, 0.25].map((v) => v * k) });
    expect(dPrime(scaled(1e300))).toBeCloseTo(dPrime(scaled(1)), 10);
    expect(dPrime(scaled(1e-300))).toBeCloseTo(dPrime(scaled(1)), 10);
  });
});

describe('failures to acquire', () => {
  it('count as non-matches in both denominators', () => {
    const s = scoreSet({ ...small(), genuineFailures: 1, impostorFailures: 1 });
    const c = errorRateCurve(s);
    expect(ratesAt(c, 0.7)).toEqual({ fmr: 1 / 6, fnmr: 2 / 5 });
    expect(c.fnmr[0]).toBe(1 / 5); // a failed genuine pair is rejected even at the lowest threshold
    expect(c.fmr[0]).toBe(5 / 6);
    const r = verificationReport(s);
    expect(r.counts).toEqual({ genuine: 5, impostor: 6, genuineFailures: 1, impostorFailures: 1 });
    expect(r.fta).toBeCloseTo(2 / 11, 12);
    // AUC: a failed genuine ranks below every compared impostor, ties with the failed impostor.
    expect(r.auc).toBeCloseTo((17 + 0 + 4 + 0.5) / 30, 12);
  });

  it('are read from NaN scores of a labelled list', () => {
    const s = scoreSetFromLabelled([0.9, Number.NaN, 0.1, Number.NaN, 0.2], [1, 1, 0, 0, 0]);
    expect(s.genuineFailures).toBe(1);
    expect(s.impostorFailures).toBe(1);
    expect(Array.from(s.impostor)).toEqual([0.1, 0.2]);
  });
});

describe('bad input', () => {
  it('rejects NaN scores, a single class, bad labels and bad counts', () => {
    expect(() => scoreSet({ genuine: [1, Number.NaN], impostor: [0] })).toThrow(MetricsInputError);
    expect(() => scoreSet({ genuine: [1], impostor: [] })).toThrow(/genuine and impostor/);
    expect(() => scoreSet({ genuine: [], impostor: [] })).toThrow(MetricsInputError);
    expect(() => scoreSetFromLabelled([1, 2], [1, 2])).toThrow(/label at index 1/);
    expect(() => scoreSetFromLabelled([1], [1, 0])).toThrow(/differ in length/);
    expect(() => scoreSet({ genuine: [1], impostor: [0], genuineFailures: -1 })).toThrow(MetricsInputError);
  });
  it('accepts a class made only of failures', () => {
    const r = verificationReport(scoreSet({ genuine: [], impostor: [0, 1], genuineFailures: 2 }));
    expect(r.eer.value).toBe(1);
    expect(Number.isNaN(r.dPrime)).toBe(true);
  });
});

describe('probit and DET', () => {
  it('probit matches reference quantiles', () => {
    expect(probit(0.5)).toBe(0);
    expect(probit(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(probit(1e-3)).toBeCloseTo(-3.090232306167813, 8);
    expect(probit(1e-6)).toBeCloseTo(-4.753424308822899, 7);
    expect(probit(1 - 1e-6)).toBeCloseTo(4.753424308822899, 7);
    expect(probit(0)).toBe(-Infinity);
    expect(Number.isNaN(probit(1.5))).toBe(true);
  });

  it('thins a large curve to the budget and keeps its ends and shape', () => {
    let seed = 11;
    const gauss = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const u = (seed + 1) / (2 ** 31 + 1);
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const v = (seed + 1) / (2 ** 31 + 1);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    };
    const g = Float64Array.from({ length: 20000 }, () => gauss() + 2);
    const i = Float64Array.from({ length: 20000 }, () => gauss());
    const c = errorRateCurve(scoreSet({ genuine: g, impostor: i }));
    const d = detCurve(c, { maxPoints: 300 });
    expect(d.fmr.length).toBeLessThanOrEqual(300);
    expect(d.fmr.length).toBeGreaterThan(50);
    expect(d.fmr[0]).toBe(c.fmr[0]);
    expect(d.fnmr[d.fnmr.length - 1]).toBe(1);
    // Gaussian scores with d' = 2 give a straight DET line: probit(FNMR) = -2 - probit(FMR).
    for (let k = 0; k < d.fmr.length; k++) {
      if (d.fmr[k] > 0.02 && d.fmr[k] < 0.98 && d.fnmr[k] > 0.02 && d.fnmr[k] < 0.98) {
        expect(Math.abs(d.fnmrDeviate[k] - (-2 - d.fmrDeviate[k]))).toBeLessThan(0.08);
      }
    }
    // Thresholds stay in order, so the curve is monotone.
    for (let k = 1; k < d.thresholds.length; k++) expect(d.thresholds[k]).toBeGreaterThan(d.thresholds[k - 1]);
  });
  it('refuses a DET point budget that is not a whole number >= 2, and a tolerance that is NaN or negative', () => {
    const c = errorRateCurve(small());
    for (const maxPoints of [Number.NaN, Infinity, 2.5, 1, 0, -3]) {
      expect(() => detCurve(c, { maxPoints }), String(maxPoints)).toThrow(MetricsInputError);
    }
    for (const tolerance of [Number.NaN, -0.1]) expect(() => detCurve(c, { tolerance }), String(tolerance)).toThrow(MetricsInputError);
    expect(detCurve(c, { maxPoints: 2 }).fmr.length).toBe(2);
    expect(detCurve(c, { maxPoints: undefined }).fmr.length).toBe(detCurve(c).fmr.length);
  });
});
