import { describe, expect, it } from 'vitest';
import { ConfigError } from '@biofuse/core';
import { identifySigner, type EnrolledSigner } from '../src/compare/identify';
import { enrolUser, scoreAgainstUser } from '../src/compare/user-model';
import { DEFAULT_SIGNATURE_PARAMS as params } from '../src/params';
import { synthesizeSignatures } from '../src/synthetic/synthesize';
import { extractSignatureTemplate } from '../src/template';

const USERS = 8;
const signatures = synthesizeSignatures({ seed: 31, users: USERS, genuine: 7, forgeries: 1 });
const template = (user: number, session: number) => extractSignatureTemplate(signatures.get(`U${user}S${session}.TXT`)!, params);
const enrolled: EnrolledSigner<number>[] = Array.from({ length: USERS }, (_, i) => ({
  id: i + 1,
  model: enrolUser([1, 2, 3, 4, 5].map((s) => template(i + 1, s)), params),
}));
// Genuine probes (S6-S7) and the skilled forgery (S8): the search must agree with scoring everyone on both.
const probes = Array.from({ length: USERS }, (_, i) => [6, 7, 8].map((s) => ({ user: i + 1, genuine: s <= 7, t: template(i + 1, s) }))).flat();

describe('identifySigner', () => {
  it('returns the same k best users and scores as scoring every user, while abandoning most alignments', () => {
    let abandoned = 0;
    let started = 0;
    let scoredForTop1 = 0;
    for (const { t } of probes) {
      const all = enrolled.map((u) => ({ id: u.id, similarity: scoreAgainstUser(u.model, t, params).similarity })).sort((a, b) => b.similarity - a.similarity);
      for (const k of [1, 3]) {
        const found = identifySigner(t, enrolled, params, k);
        expect(found.candidates.map((c) => c.id)).toEqual(all.slice(0, k).map((c) => c.id));
        found.candidates.forEach((c, i) => expect(c.score.similarity).toBeCloseTo(all[i].similarity, 12));
        if (k === 1) scoredForTop1 += found.usersScored;
        abandoned += found.dtwAbandoned;
        started += found.dtwRuns;
      }
    }
    // Exhaustive search would run 5 x 8 full alignments per probe and k.
    expect(started).toBeGreaterThanOrEqual(probes.length * 2 * 5);
    expect(abandoned / started).toBeGreaterThan(0.5);
    // For the best user alone, most users are ruled out before their score is complete.
    expect(scoredForTop1 / probes.length).toBeLessThan(2);
  });

  it('finds the genuine writer first for the genuine probes', () => {
    const genuine = probes.filter((p) => p.genuine);
    const hits = genuine.filter(({ user, t }) => identifySigner(t, enrolled, params).candidates[0].id === user).length;
    expect(hits / genuine.length).toBeGreaterThanOrEqual(0.9);
  });

  it('returns every user when k exceeds the gallery, and refuses a k that is not a positive integer', () => {
    expect(identifySigner(probes[0].t, enrolled, params, USERS + 3).candidates).toHaveLength(USERS);
    expect(identifySigner(probes[0].t, [], params).candidates).toEqual([]);
    expect(() => identifySigner(probes[0].t, enrolled, params, 0)).toThrow(ConfigError);
    expect(() => identifySigner(probes[0].t, enrolled, params, 1.5)).toThrow(ConfigError);
  });
});
