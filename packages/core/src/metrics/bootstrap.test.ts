import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { erf } from '../math/erf';
import { seededRandom } from '../random';
import { bootstrapEer, type SubjectComparison } from './bootstrap';
import { equalErrorRate } from './eer';
import { errorRateCurve } from './error-rate-curve';
import { scoreSet, scoreSetFromLabelled } from './score-set';

/** Subjects with six genuine comparisons each: scores ~ N(2, 1) shifted per subject, impostors ~ N(0, 1). */
function simulated(subjects: number, seed: number): SubjectComparison[] {
  const rng = seededRandom(seed);
  const out: SubjectComparison[] = [];
  for (let s = 0; s < subjects; s++) {
    const shift = 0.7 * rng.normal(); // some subjects are harder than others
    for (let k = 0; k < 6; k++) out.push({ a: s, b: s, score: 2 + shift + rng.normal() });
    for (let t = s + 1; t < subjects; t++) out.push({ a: s, b: t, score: rng.normal() });
  }
  return out;
}

describe('bootstrapEer', () => {
  it('centres on the EER of the data, is reproducible, and narrows with more subjects', () => {
    const few = simulated(10, 1);
    const r = bootstrapEer(few, { seed: 5 });
    const direct = equalErrorRate(
      errorRateCurve(scoreSet({ genuine: few.filter((c) => c.a === c.b).map((c) => c.score), impostor: few.filter((c) => c.a !== c.b).map((c) => c.score) })),
    ).value;
    expect(r.estimate).toBe(direct);
    expect(r.low).toBeLessThanOrEqual(r.estimate);
    expect(r.high).toBeGreaterThanOrEqual(r.estimate);
    expect(r.high - r.low).toBeGreaterThan(0.02);
    expect(bootstrapEer(few, { seed: 5 })).toEqual(r);
    const many = bootstrapEer(simulated(80, 1), { seed: 5 });
    expect(many.high - many.low).toBeLessThan(0.6 * (r.high - r.low));
  });

  it('equals the EER of the comparisons repeated by their draws, failures and ties included', () => {
    // Reference: the same draws (same generator, subjects in order of first appearance), each
    // comparison repeated by its weight and scored by the plain EER with failures as counts.
    const rng = seededRandom(11);
    const comparisons: SubjectComparison[] = [];
    for (let s = 0; s < 12; s++) {
      for (let k = 0; k < 4; k++) comparisons.push({ a: s, b: s, score: k === 3 && s % 5 === 0 ? Number.NaN : Math.round(4 * (1 + rng.normal())) / 4 });
      for (let t = s + 1; t < 12; t++) comparisons.push({ a: s, b: t, score: t === s + 1 && s % 4 === 0 ? Number.NaN : Math.round(4 * rng.normal()) / 4 });
    }
    const ids = [...new Set(comparisons.flatMap((c) => [c.a, c.b]))];
    const draws = seededRandom(7);
    const reference: number[] = [];
    for (let r = 0; r < 40; r++) {
      const count = new Map(ids.map((id) => [id, 0]));
      for (let s = 0; s < ids.length; s++) {
        const id = ids[draws.int(ids.length)];
        count.set(id, count.get(id)! + 1);
      }
      const scores: number[] = [];
      const labels: number[] = [];
      for (const c of comparisons) {
        const w = c.a === c.b ? count.get(c.a)! : count.get(c.a)! * count.get(c.b)!;
        for (let q = 0; q < w; q++) {
          scores.push(c.score);
          labels.push(c.a === c.b ? 1 : 0);
        }
      }
      reference.push(equalErrorRate(errorRateCurve(scoreSetFromLabelled(scores, labels))).value);
    }
    reference.sort((x, y) => x - y);
    const r = bootstrapEer(comparisons, { seed: 7, resamples: 40, level: 0.9 });
    const labels = comparisons.map((c) => (c.a === c.b ? 1 : 0));
    expect(r.estimate).toBe(equalErrorRate(errorRateCurve(scoreSetFromLabelled(comparisons.map((c) => c.score), labels))).value);
    expect(r.low).toBe(reference[Math.round(0.05 * 39)]);
    expect(r.high).toBe(reference[Math.round(0.95 * 39)]);
  });

  it('covers the true EER of the simulation in most repetitions', () => {
    // The populations' EER: genuine N(2, 1 + 0.49) against N(0, 1), equal rates where z_g = z_i.
    const sg = Math.sqrt(1.49);
    const trueEer = (1 - erf(2 / (1 + sg) / Math.SQRT2)) / 2;
    let covered = 0;
    const runs = 20;
    for (let seed = 1; seed <= runs; seed++) {
      const r = bootstrapEer(simulated(30, 100 + seed), { seed, resamples: 300 });
      if (r.low <= trueEer && trueEer <= r.high) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(15);
  });

  it('counts a forgery of a subject with that subject alone', () => {
    // Each subject's forgeries score like its genuine attempts, shifted by its own offset: the
    // forgeries are impostors, but they come and go with their subject's draws.
    const rng = seededRandom(3);
    const comparisons: SubjectComparison[] = [];
    for (let s = 0; s < 20; s++) {
      for (let k = 0; k < 5; k++) comparisons.push({ a: s, b: s, score: 1 + rng.normal() });
      for (let k = 0; k < 5; k++) comparisons.push({ a: s, b: s, score: rng.normal(), genuine: false });
    }
    const r = bootstrapEer(comparisons, { seed: 2, resamples: 200 });
    const genuine = comparisons.filter((c) => c.genuine !== false).map((c) => c.score);
    const impostor = comparisons.filter((c) => c.genuine === false).map((c) => c.score);
    expect(r.estimate).toBe(equalErrorRate(errorRateCurve(scoreSet({ genuine, impostor }))).value);
    expect(r.low).toBeLessThan(r.estimate);
    expect(r.high).toBeGreaterThan(r.estimate);
  });

  it('gives [0, 0] for separated classes and refuses input it cannot bootstrap', () => {
    const separated: SubjectComparison[] = [];
    for (let s = 0; s < 5; s++) {
      separated.push({ a: s, b: s, score: 1 });
      for (let t = s + 1; t < 5; t++) separated.push({ a: s, b: t, score: 0 });
    }
    expect(bootstrapEer(separated, { seed: 1, resamples: 50 })).toMatchObject({ estimate: 0, low: 0, high: 0 });
    expect(() => bootstrapEer([{ a: 1, b: 1, score: 1 }], { seed: 1 })).toThrow(ConfigError);
    expect(() => bootstrapEer(separated, { seed: 1, level: 1 })).toThrow(ConfigError);
    expect(() => bootstrapEer(separated, { seed: 1, resamples: 3 })).toThrow(ConfigError);
  });

  it('gives the same interval however the comparisons are ordered (subjects drawn in id order)', () => {
    // Ten fingers named f0-f9: 28 genuine comparisons each, one impostor per ordered pair.
    const rng = seededRandom(3);
    const comparisons: SubjectComparison[] = [];
    for (let a = 0; a < 10; a++) {
      for (let b = 0; b < 10; b++) for (let k = 0; k < (a === b ? 28 : 1); k++) comparisons.push({ a: `f${a}`, b: `f${b}`, score: (a === b ? 1.5 : 0) + rng.normal() });
    }
    const given = bootstrapEer(comparisons, { seed: 1, resamples: 200 });
    expect(bootstrapEer(comparisons.slice().reverse(), { seed: 1, resamples: 200 })).toEqual(given);
    const shuffled = seededRandom(9).shuffle(comparisons.slice());
    expect(bootstrapEer(shuffled, { seed: 1, resamples: 200 })).toEqual(given);
    // Numeric ids before string ids, each in their own order: 10 before 9 only as strings.
    const mixed: SubjectComparison[] = comparisons.map((c, k) => ({ ...c, a: k % 2 ? c.a : Number(String(c.a).slice(1)), b: k % 2 ? c.b : Number(String(c.b).slice(1)) }));
    expect(bootstrapEer(mixed.slice().reverse(), { seed: 4, resamples: 50 })).toEqual(bootstrapEer(mixed, { seed: 4, resamples: 50 }));
    expect(() => bootstrapEer([...comparisons, { a: Number.NaN, b: 'f1', score: 0 }], { seed: 1 })).toThrow(/subject id is NaN/);
  });

  it('refuses seeds that are not whole numbers in [0, 2^32 - 1] (1.9 and 2^32 + 1 drew seed 1\'s numbers)', () => {
    const few = simulated(5, 1);
    for (const seed of [1.9, 2 ** 32 + 1, -1, Number.NaN]) expect(() => bootstrapEer(few, { seed, resamples: 10 }), String(seed)).toThrow(ConfigError);
    expect(bootstrapEer(few, { seed: 2 ** 32 - 1, resamples: 10 }).resamples).toBe(10);
  });
});
