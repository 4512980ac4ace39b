import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataset } from '@biofuse/core/testing';
import { enrolUser, scoreAgainstUser } from '../src/compare/user-model';
import { globalFeatures, GLOBAL_FEATURES } from '../src/features/global-features';
import { pooledWithinUserSpread, SVC2004_GLOBAL_WITHIN_SPREAD } from '../src/features/global-spread';
import { DEFAULT_SIGNATURE_PARAMS, parseSignatureParams } from '../src/params';
import { readSignature } from '../src/read/read-signature';
import { SignatureModality } from '../src/signature-modality';
import { signatureRecipe, type SignatureTemplate } from '../src/template';

describe('pooled within-writer spread', () => {
  it('is the root of the mean of each writer\'s own variance, not the spread between writers', () => {
    // Writer 1 varies by +-1 on feature 0 (variance 1), writer 2 by +-2 (variance 4); their means
    // (1 and 102) lie far apart, which must not count. Feature 1 never varies.
    const spread = pooledWithinUserSpread([
      [Float32Array.from([0, 5]), Float32Array.from([2, 5])],
      [Float32Array.from([100, 7]), Float32Array.from([104, 7])],
      [Float32Array.from([1e6, 1e6])], // a single signature says nothing about its writer's spread
    ]);
    expect(spread[0]).toBeCloseTo(Math.sqrt(2.5), 10);
    expect(spread[1]).toBe(0);
  });
  it('refuses a population without a writer of two signatures', () => {
    expect(() => pooledWithinUserSpread([[Float32Array.from([1])]])).toThrow(/two signatures/);
  });
  it('ships one positive value per global feature', () => {
    expect(SVC2004_GLOBAL_WITHIN_SPREAD.length).toBe(GLOBAL_FEATURES.length);
    expect(SVC2004_GLOBAL_WITHIN_SPREAD.every((v) => v > 0)).toBe(true);
  });
});

describe('global-feature distance in the user model', () => {
  // One-frame templates, so DTW is |a - b| / 2; one global feature.
  const sig = (local: number, global: number): SignatureTemplate => ({ local: { length: 1, dims: 1, values: Float32Array.from([local]) }, global: Float32Array.from([global]), recipe: signatureRecipe({ functions: ['x'] }) });
  const refs = [sig(0, 0), sig(2, 0.2), sig(6, 0.4)]; // global mean 0.2, own spread sqrt(0.08 / 3) = 0.163
  const params = parseSignatureParams({ localCombination: 'min', localScaleExponent: 0, globalWeight: 0.1 });
  it('measures the probe in units of the within-writer spread where the user\'s own is smaller', () => {
    const s = scoreAgainstUser(enrolUser(refs, params, [0.5]), sig(10, 1.2), params);
    expect(s.details?.global).toBeCloseTo(1 / 0.5, 6); // float32 features
    expect(s.distance).toBeCloseTo(2 + 0.1 * 2, 6); // nearest DTW distance 2, plus the weighted global term
  });
  it('keeps the user\'s own spread where it is the larger', () => {
    const s = scoreAgainstUser(enrolUser(refs, params, [0.01]), sig(10, 1.2), params);
    expect(s.details?.global).toBeCloseTo(1 / Math.sqrt(0.08 / 3), 6);
  });
  it('is on by default, with the shipped SVC2004 spread', () => {
    expect(DEFAULT_SIGNATURE_PARAMS.globalWeight).toBe(0.1);
    const g = GLOBAL_FEATURES.length;
    const full = (local: number, global: number): SignatureTemplate => ({ ...sig(local, 0), global: new Float32Array(g).fill(global) });
    const enrol = [full(0, 0), full(2, 0.01), full(6, 0.02)];
    // The default weights and spread, for templates of one time function (a modality refuses templates its own functions would not make).
    const modality = new SignatureModality(parseSignatureParams({ functions: ['x'], keepPenUp: false }));
    const viaModality = modality.compareEnrolled(modality.enrol(enrol), full(10, 0.5));
    const direct = scoreAgainstUser(enrolUser(enrol, DEFAULT_SIGNATURE_PARAMS, SVC2004_GLOBAL_WITHIN_SPREAD), full(10, 0.5), DEFAULT_SIGNATURE_PARAMS);
    expect(viaModality.distance).toBeCloseTo(direct.distance!, 10);
    expect(viaModality.details?.global).toBeGreaterThan(1);
  });
});

const svc2004 = sharedDataset('svc2004-task2');
describe.skipIf(svc2004.skip)('the shipped spread', () => {
  it('is what the global features give on SVC2004 S1-S10 now (refit it with bench/fit-global-spread.ts when they change)', async () => {
    const sets: Float32Array[][] = [];
    for (let u = 1; u <= 40; u++) {
      const set: Float32Array[] = [];
      for (let s = 1; s <= 10; s++) set.push(globalFeatures(await readSignature(join(svc2004.path, `U${u}S${s}.TXT`))));
      sets.push(set);
    }
    const spread = pooledWithinUserSpread(sets);
    spread.forEach((v, k) => expect(SVC2004_GLOBAL_WITHIN_SPREAD[k] / v).toBeCloseTo(1, 3));
  });
});
