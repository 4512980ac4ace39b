import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateFormatError } from '@biofuse/core';
import { sharedDataset, thrownBy } from '@biofuse/core/testing';
import { distanceFloor, MIN_DISTANCE_PER_FUNCTION, MIN_NEAREST_SHARE_OF_MEAN } from '../src/compare/distance-normalisation';
import { dtwDistance } from '../src/compare/dtw';
import { identifySigner } from '../src/compare/identify';
import { enrolUser, scoreAgainstUser } from '../src/compare/user-model';
import { DuplicateEnrolmentError } from '../src/errors';
import { DEFAULT_SIGNATURE_PARAMS, parseSignatureParams } from '../src/params';
import { readSignature } from '../src/read/read-signature';
import { SignatureModality } from '../src/signature-modality';
import { extractSignatureTemplate, signatureRecipe, type SignatureTemplate } from '../src/template';

/** One-frame, one-function templates: with city-block frames, DTW between two of them is |a - b| / 2. */
const one = (v: number): SignatureTemplate => ({ local: { length: 1, dims: 1, values: Float32Array.from([v]) }, global: new Float32Array(1), recipe: signatureRecipe({ functions: ['x'] }) });
const params = (raw: Record<string, unknown>) => parseSignatureParams({ frameDistance: 'manhattan', localCombination: 'min', localScaleExponent: 1, ...raw });


describe('a template without frames', () => {
  const empty: SignatureTemplate = { ...one(0), local: { length: 0, dims: 1, values: new Float32Array(0) } };
  it('is refused by DTW, enrolment and 1:N search instead of scoring Infinity or NaN', () => {
    // Its DTW distance was Infinity, the user's scale Infinity and a genuine probe's score NaN;
    // identifySigner took the Infinity for an abandoned alignment and returned no candidate.
    expect(() => dtwDistance(one(1).local, empty.local)).toThrow(TemplateFormatError);
    expect(() => dtwDistance(empty.local, one(1).local)).toThrow('a signature template with no frames cannot be compared (nothing to align)');
    const p = params({});
    expect(() => enrolUser([one(0), one(2), empty], p)).toThrow(/no frames cannot be compared/);
    const enrolled = [{ id: 'a', model: enrolUser([one(0), one(2)], p) }];
    expect(() => identifySigner(empty, enrolled, p)).toThrow(TemplateFormatError);
    expect(() => scoreAgainstUser(enrolled[0].model, empty, p)).toThrow(TemplateFormatError);
  });
  it('or any distance that is not finite, named by the pair of references', () => {
    const p = params({});
    const err = thrownBy(() => enrolUser([one(0), one(2), one(4)], p, undefined, (a, b) => (a.local.values[0] + b.local.values[0] === 6 ? Number.POSITIVE_INFINITY : 1)));
    expect(err).toBeInstanceOf(TemplateFormatError);
    expect(err.message).toBe('enrolment signature 2 of 3 and enrolment signature 3 of 3 are at distance Infinity; a user model needs finite, non-negative distances among its references');
  });
});

describe('copies among the enrolment signatures', () => {
  it('are refused, naming every group of copies', () => {
    // Under 'mean-nearest' (the default) each copy is another's nearest at distance 0: the scale collapsed.
    const err = thrownBy(() => enrolUser([one(0), one(0), one(2), one(2), one(6)], params({ localNormalisation: 'mean-nearest' })));
    expect(err).toBeInstanceOf(DuplicateEnrolmentError);
    expect((err as DuplicateEnrolmentError).reason).toBe('duplicate_enrolment');
    expect((err as DuplicateEnrolmentError).pairs).toEqual([[0, 1], [2, 3]]);
    expect(err.message).toBe(
      'the same signature is enrolled more than once (DTW distance 0): enrolment signatures 1 and 2; 3 and 4 (counting from 1 in the order given). Enrol distinct recordings of the writer',
    );
    // Under 'z-score', five identical references scaled by 1e-9 and scored a genuine probe -580806.
    const all = thrownBy(() => enrolUser([one(3), one(3), one(3)], params({ localNormalisation: 'z-score' })));
    expect((all as DuplicateEnrolmentError).pairs).toEqual([[0, 1], [0, 2], [1, 2]]);
    expect(all.message).toMatch(/: enrolment signatures 1, 2 and 3 \(counting from 1/);
    // A caller restates it with its own names.
    expect(new DuplicateEnrolmentError([[0, 2]], ['a.txt', 'b.txt', 'c.txt']).message).toBe('the same signature is enrolled more than once (DTW distance 0): a.txt and c.txt. Enrol distinct recordings of the writer');
  });
});

describe('the user scale', () => {
  // With one function and city-block frames the distance floor is MIN_DISTANCE_PER_FUNCTION.
  const floor = MIN_DISTANCE_PER_FUNCTION;
  const nearCopies = [0, 2e-6, 4e-6].map(one); // pairwise 1e-6, 2e-6, 1e-6
  it('is floored for every normalisation, so near-copies do not blow up the scores', () => {
    expect(distanceFloor(1, 'manhattan')).toBe(floor);
    expect(distanceFloor(9, 'manhattan')).toBeCloseTo(9 * floor, 12);
    expect(distanceFloor(9, 'euclidean')).toBeCloseTo(3 * floor, 12);
    const probe = one(0.02); // distances 0.01, 0.01 - 1e-6, 0.01 - 2e-6: nearest 0.009998
    // z-score: the spread (4.7e-7) and 0.1 x the mean (1.3e-7) were the scale, and the probe scored -21000.
    const z = params({ localNormalisation: 'z-score' });
    const zModel = enrolUser(nearCopies, z);
    expect(zModel.localScale).toBeCloseTo(0.1 * floor, 12);
    expect(scoreAgainstUser(zModel, probe, z).details?.local).toBeCloseTo((0.009998 - 4e-6 / 3) / (0.1 * floor), 3);
    for (const localNormalisation of ['mean-pairwise', 'mean-nearest'] as const) {
      const p = params({ localNormalisation });
      const model = enrolUser(nearCopies, p);
      expect(model.localScale, localNormalisation).toBeCloseTo(localNormalisation === 'mean-nearest' ? MIN_NEAREST_SHARE_OF_MEAN * floor : floor, 12);
      expect(scoreAgainstUser(model, probe, p).details?.local, localNormalisation).toBeCloseTo(0.009998 / model.localScale, 3);
    }
  });
  it("under 'mean-nearest', never falls below half the mean pairwise distance (one close pair shrank it)", () => {
    // 0 and 0.02 nearly copy each other: nearest distances 0.01, 0.01, 1.99, 2 (mean 1.0025); pairwise mean 13.99 / 6.
    const model = enrolUser([0, 0.02, 4, 8].map(one), params({ localNormalisation: 'mean-nearest' }));
    expect(model.localScale).toBeCloseTo(MIN_NEAREST_SHARE_OF_MEAN * (13.99 / 6), 6);
    // Where the references are spread out, the floor leaves it alone: nearest 1, 1, 2 of pairwise 1, 3, 2.
    expect(enrolUser([0, 2, 6].map(one), params({ localNormalisation: 'mean-nearest' })).localScale).toBeCloseTo(4 / 3, 12);
  });
});

const svc2004 = sharedDataset('svc2004-task2');
describe.skipIf(svc2004.skip)('the user scale on SVC2004', () => {
  const P = DEFAULT_SIGNATURE_PARAMS;
  const template = async (name: string) => extractSignatureTemplate(await readSignature(join(svc2004.path, name)), P);

  it('refuses U1S1 and U1S2 given twice (the scale fell from 1.46 to 0.25 and a genuine U1S6 was rejected)', async () => {
    const modality = new SignatureModality();
    const refs = await Promise.all(['U1S1.TXT', 'U1S1.TXT', 'U1S2.TXT', 'U1S2.TXT', 'U1S3.TXT'].map(template));
    const err = thrownBy(() => modality.enrol(refs));
    expect(err).toBeInstanceOf(DuplicateEnrolmentError);
    expect((err as DuplicateEnrolmentError).pairs).toEqual([[0, 1], [2, 3]]);
  });

  it('is never floored for 5 of S1-S10 of any of the 40 writers with the defaults (what the benchmark enrols)', async () => {
    // The floors' margins: every enrolment the SVC2004 protocol can draw keeps its scale.
    let minNearestShare = Number.POSITIVE_INFINITY;
    let minMeanPerFunction = Number.POSITIVE_INFINITY;
    for (let u = 1; u <= 40; u++) {
      const t = await Promise.all(Array.from({ length: 10 }, (_, s) => template(`U${u}S${s + 1}.TXT`)));
      const d = t.map((a) => t.map((b) => (a === b ? 0 : dtwDistance(a.local, b.local, { band: P.dtwBand, frameDistance: P.frameDistance }))));
      for (let mask = 0; mask < 1 << 10; mask++) {
        const set = [...Array(10).keys()].filter((k) => mask & (1 << k));
        if (set.length !== 5) continue;
        const nearest = set.reduce((s, i) => s + Math.min(...set.filter((j) => j !== i).map((j) => d[i][j])) / 5, 0);
        const pairs = set.flatMap((i) => set.filter((j) => j > i).map((j) => d[i][j]));
        const mean = pairs.reduce((a, b) => a + b, 0) / pairs.length;
        minNearestShare = Math.min(minNearestShare, nearest / mean);
        minMeanPerFunction = Math.min(minMeanPerFunction, mean / P.functions.length);
      }
    }
    expect(minNearestShare).toBeGreaterThan(MIN_NEAREST_SHARE_OF_MEAN); // 0.70 measured
    expect(minMeanPerFunction).toBeGreaterThan(MIN_DISTANCE_PER_FUNCTION); // 0.089 measured
  }, 60_000);
});
