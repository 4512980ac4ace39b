import { describe, expect, it } from 'vitest';
import { MetricsInputError } from '../errors';
import { seededRandom } from '../random';
import { bpcerAtApcer, padAtThreshold, padNonResponse, type PadScores } from './presentation-attack';

const scores = {
  bonaFide: [0.9, 0.8, 0.7, 0.6],
  attacks: { print: [0.1, 0.65, 0.2], replay: [0.3, 0.95] },
};

describe('presentation attack detection', () => {
  it('APCER per species, the worst species, BPCER and ACER', () => {
    expect(padAtThreshold(scores, 0.5)).toEqual({
      threshold: 0.5,
      apcerBySpecies: { print: 1 / 3, replay: 1 / 2 },
      apcer: 0.5,
      bpcer: 0,
      acer: 0.25,
    });
    const strict = padAtThreshold(scores, 0.75);
    expect(strict.apcerBySpecies).toEqual({ print: 0, replay: 0.5 });
    expect(strict.bpcer).toBe(0.5);
  });

  it('BPCER at APCER = target takes the lowest threshold that satisfies every species', () => {
    const five = bpcerAtApcer(scores, 0.05);
    expect(five.apcer).toBe(0);
    expect(five.bpcer).toBe(1); // the replay attack at 0.95 outscores every bona fide
    const half = bpcerAtApcer(scores, 0.5);
    expect(half.threshold).toBeGreaterThan(0.3);
    expect(half.threshold).toBeLessThan(0.3 + 1e-12);
    expect(half.apcer).toBe(0.5);
    expect(half.bpcer).toBe(0);
  });

  it('refuses a target APCER outside [0, 1] (-0.1 and NaN gave a NaN threshold and a report)', () => {
    for (const t of [-0.1, 1.1, Number.NaN]) expect(() => bpcerAtApcer(scores, t), String(t)).toThrow(MetricsInputError);
    expect(bpcerAtApcer(scores, 1).apcer).toBe(1);
  });

  it('needs both classes and no NaN', () => {
    expect(() => padAtThreshold({ bonaFide: [], attacks: { print: [1] } }, 0)).toThrow(MetricsInputError);
    expect(() => padAtThreshold({ bonaFide: [1], attacks: {} }, 0)).toThrow(/species/);
    expect(() => padAtThreshold({ bonaFide: [Number.NaN], attacks: { p: [1] } }, 0)).toThrow(/NaN/);
  });
});

describe('PAD non-responses (APNRR, BPNRR)', () => {
  it('are reported beside APCER and BPCER, which count only the classified presentations', () => {
    // One bona fide and one print attack got no decision. At 0.75: print 0/3 classified accepted,
    // replay 1/2; bona fide 0.7 and 0.6 rejected, 2 of the 4 classified.
    const withMisses = { ...scores, bonaFideNonResponses: 1, attackNonResponses: { print: 1 } };
    expect(padAtThreshold(withMisses, 0.75)).toEqual({
      threshold: 0.75,
      apcerBySpecies: { print: 0, replay: 0.5 },
      apcer: 0.5,
      bpcer: 0.5,
      acer: 0.5,
      nonResponse: { apnrrBySpecies: { print: 1 / 4, replay: 0 }, bpnrr: 1 / 5 },
    });
    expect(padNonResponse(withMisses)).toEqual({ apnrrBySpecies: { print: 1 / 4, replay: 0 }, bpnrr: 1 / 5 });
    const five = bpcerAtApcer(withMisses, 0.05);
    expect(five).toMatchObject({ apcer: 0, bpcer: 1, nonResponse: { apnrrBySpecies: { print: 1 / 4, replay: 0 }, bpnrr: 1 / 5 } });
  });

  it('a bona fide non-response does not lower BPCER, an attack one does not lower APCER, and both show', () => {
    const base = padAtThreshold(scores, 0.75);
    const missed = padAtThreshold({ ...scores, bonaFideNonResponses: 3, attackNonResponses: { replay: 2 } }, 0.75);
    // Counted as classified-correct they would give BPCER 2/7 and replay APCER 1/4.
    expect(missed.bpcer).toBe(base.bpcer);
    expect(missed.apcerBySpecies).toEqual(base.apcerBySpecies);
    expect(missed.nonResponse).toEqual({ apnrrBySpecies: { print: 0, replay: 2 / 4 }, bpnrr: 3 / 7 });
  });

  it('a species none of whose presentations was classified has APNRR 1 and no APCER, left out of the worst', () => {
    const s = { bonaFide: [0.9, 0.8, 0.7, 0.6], attacks: { print: [0.1, 0.65, 0.2], mask: [] }, attackNonResponses: { mask: 3 } };
    expect(padAtThreshold(s, 0.5)).toEqual({
      threshold: 0.5,
      apcerBySpecies: { mask: Number.NaN, print: 1 / 3 },
      apcer: 1 / 3,
      bpcer: 0,
      acer: 1 / 6,
      nonResponse: { apnrrBySpecies: { mask: 1, print: 0 }, bpnrr: 0 },
    });
    // Only print constrains the threshold: just above 0.65, which rejects the bona fide 0.6.
    expect(bpcerAtApcer(s, 0.05)).toMatchObject({ apcer: 0, bpcer: 1 / 4 });
  });

  it('padNonResponse answers where no presentation of a class was classified (it threw "BPCER is undefined")', () => {
    // BPNRR 1 and APNRR 1 are rates like any other; only APCER and BPCER are undefined there.
    const noBonaFide = { ...scores, bonaFide: [], bonaFideNonResponses: 2 };
    expect(padNonResponse(noBonaFide)).toEqual({ apnrrBySpecies: { print: 0, replay: 0 }, bpnrr: 1 });
    expect(() => padAtThreshold(noBonaFide, 0.5)).toThrow(/BPCER is undefined/);
    const noAttack = { bonaFide: [1], attacks: { print: [], mask: [] }, attackNonResponses: { print: 2, mask: 1 } };
    expect(padNonResponse(noAttack)).toEqual({ apnrrBySpecies: { mask: 1, print: 1 }, bpnrr: 0 });
    expect(() => bpcerAtApcer(noAttack, 0.05)).toThrow(/APCER is undefined/);
    // The input checks stay: no bona fide presentation at all, no species, an empty species, a NaN.
    expect(() => padNonResponse({ bonaFide: [], attacks: { print: [1] } })).toThrow(/at least one bona fide presentation/);
    expect(() => padNonResponse({ bonaFide: [], bonaFideNonResponses: 0, attacks: { print: [1] } })).toThrow(/at least one bona fide presentation/);
    expect(() => padNonResponse({ bonaFide: [1], bonaFideNonResponses: 1, attacks: {} })).toThrow(/species/);
    expect(() => padNonResponse({ ...noBonaFide, attacks: { print: [] } })).toThrow(/"print" has no presentations/);
    expect(() => padNonResponse({ ...noBonaFide, attacks: { print: [Number.NaN] } })).toThrow(/NaN/);
  });

  it('leave calls without non-response counts as they were; counts of 0 add rates of 0', () => {
    const plain = padAtThreshold(scores, 0.5);
    expect('nonResponse' in plain).toBe(false);
    expect('nonResponse' in bpcerAtApcer(scores, 0.05)).toBe(false);
    const zero = padAtThreshold({ ...scores, bonaFideNonResponses: 0, attackNonResponses: {} }, 0.5);
    expect(zero).toEqual({ ...plain, nonResponse: { apnrrBySpecies: { print: 0, replay: 0 }, bpnrr: 0 } });
  });

  it('checks the counts: whole, non-negative, under species the attacks name', () => {
    const bad = (extra: Partial<Record<'bonaFideNonResponses' | 'attackNonResponses', unknown>>) => () =>
      padAtThreshold({ ...scores, ...extra } as PadScores, 0.5);
    for (const n of [-1, 1.5, Number.NaN, Infinity, '2', null]) {
      expect(bad({ bonaFideNonResponses: n }), String(n)).toThrow(MetricsInputError);
      expect(bad({ attackNonResponses: { print: n } }), String(n)).toThrow(MetricsInputError);
    }
    expect(bad({ attackNonResponses: { photo: 1 } })).toThrow(/"photo", which attacks does not/);
    expect(bad({ attackNonResponses: { Print: 1 } })).toThrow(MetricsInputError);
    for (const v of [null, [1], 3]) expect(bad({ attackNonResponses: v }), String(v)).toThrow(MetricsInputError);
    expect(() => padNonResponse({ ...scores, bonaFideNonResponses: -2 })).toThrow(MetricsInputError);
    expect(() => bpcerAtApcer({ ...scores, attackNonResponses: { photo: 1 } }, 0.05)).toThrow(MetricsInputError);
    // Nothing classified in a class: its error rate is undefined, said so.
    expect(() => padAtThreshold({ ...scores, bonaFide: [], bonaFideNonResponses: 2 }, 0.5)).toThrow(/BPCER is undefined/);
    expect(() => padAtThreshold({ bonaFide: [1], attacks: { print: [] }, attackNonResponses: { print: 2 } }, 0.5)).toThrow(/APCER is undefined/);
    // A species with neither scores nor non-responses is still an empty species.
    expect(() => padAtThreshold({ ...scores, attacks: { ...scores.attacks, mask: [] }, attackNonResponses: { mask: 0 } }, 0.5)).toThrow(/"mask" has no presentations/);
  });

  it('agree with counting each presentation on random seeded cases', () => {
    const rng = seededRandom(301073);
    for (let trial = 0; trial < 100; trial++) {
      // Each presentation is a score in a coarse grid (ties are common) or, one time in four, no response.
      const draw = (n: number) => {
        const scored: number[] = [];
        let missed = 0;
        for (let i = 0; i < n; i++) {
          if (rng.int(4) === 0) missed++;
          else scored.push(rng.int(9) / 8);
        }
        return { scored, missed };
      };
      const bona = draw(1 + rng.int(8));
      const species = ['a', 'b', 'c'].slice(0, 1 + rng.int(3));
      const drawn = species.map(() => draw(1 + rng.int(6)));
      if (bona.scored.length === 0 || drawn.every((d) => d.scored.length === 0)) continue;
      const input: PadScores = {
        bonaFide: bona.scored,
        attacks: Object.fromEntries(species.map((n, i) => [n, drawn[i].scored])),
        bonaFideNonResponses: bona.missed,
        attackNonResponses: Object.fromEntries(species.map((n, i) => [n, drawn[i].missed])),
      };
      const where = `trial ${trial}: ${JSON.stringify(input)}`;
      const expectedNr = {
        apnrrBySpecies: Object.fromEntries(species.map((n, i) => [n, drawn[i].missed / (drawn[i].scored.length + drawn[i].missed)])),
        bpnrr: bona.missed / (bona.scored.length + bona.missed),
      };
      for (const t of [-Infinity, 0, 0.25, 0.5, 0.75, 1, 1.1]) {
        const at = padAtThreshold(input, t);
        const bySpecies = Object.fromEntries(
          species.map((n, i) => [n, drawn[i].scored.length === 0 ? Number.NaN : drawn[i].scored.filter((v) => v >= t).length / drawn[i].scored.length]),
        );
        const worst = Math.max(...Object.values(bySpecies).filter((v) => !Number.isNaN(v)));
        const bpcer = bona.scored.filter((v) => v < t).length / bona.scored.length;
        expect(at, where).toEqual({ threshold: t, apcerBySpecies: bySpecies, apcer: worst, bpcer, acer: (worst + bpcer) / 2, nonResponse: expectedNr });
      }
      for (const target of [0, 0.2, 0.5, 1]) {
        const b = bpcerAtApcer(input, target);
        const at = padAtThreshold(input, b.threshold);
        // Every classified species within the target, and the threshold the lowest that keeps it so:
        // accepting the highest attack score it rejects would break the target for some species.
        for (const v of Object.values(at.apcerBySpecies)) if (!Number.isNaN(v)) expect(v, where).toBeLessThanOrEqual(target);
        const rejected = drawn.flatMap((d) => d.scored).filter((v) => v < b.threshold);
        if (rejected.length > 0) expect(padAtThreshold(input, Math.max(...rejected)).apcer, where).toBeGreaterThan(target);
        expect(b, where).toEqual({ targetApcer: target, threshold: b.threshold, apcer: at.apcer, bpcer: at.bpcer, nonResponse: expectedNr });
      }
    }
  });
});
