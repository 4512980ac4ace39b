import { ConfigError, seededRandom, TemplateFormatError } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import type { FingerprintTemplate } from '../template/fingerprint-template';
import { minutiaList, minutiaSet } from '../template/minutiae';
import { compareFingerprints, FINGERPRINT_MATCH_PARAMS, matchParams, prepareTemplate, type PreparedTemplate } from './index';
import { moved, randomTemplate } from './test-templates';

const second = { dx: 25, dy: -15, jitterPx: 2, jitterDeg: 4, dropout: 0.1, seed: 7 };
const empty: FingerprintTemplate = { width: 300, height: 400, dpi: 500, quality: 0, minutiae: minutiaSet([]) };

describe('compareFingerprints', () => {
  const base = randomTemplate(1);
  const probe = prepareTemplate(base);
  const unrelated = Array.from({ length: 30 }, (_, k) => prepareTemplate(randomTemplate(100 + k)));

  it('scores a rotated, shifted, jittered, thinned copy high and unrelated sets low', () => {
    // Measured: self 0.998, copies moved by +-30 or 45 degrees 0.64-0.65, unrelated at most 0.011.
    expect(compareFingerprints(probe, probe).similarity).toBeGreaterThan(0.95);
    for (const rotationDeg of [30, -30, 45]) {
      const copy = prepareTemplate(moved(base, { ...second, rotationDeg }));
      expect(compareFingerprints(probe, copy).similarity).toBeGreaterThan(0.45);
    }
    const worst = Math.max(...unrelated.map((u) => compareFingerprints(probe, u).similarity));
    expect(worst).toBeLessThan(0.04);
  });

  it('pairs minutiae up to the direction gate, and any rotation when the gate is opened', () => {
    const upsideDown = moved(base, { ...second, rotationDeg: 180 });
    expect(compareFingerprints(probe, prepareTemplate(upsideDown)).similarity).toBeLessThan(0.04);
    const P = matchParams({ maxDirectionDifferenceRad: Math.PI });
    expect(compareFingerprints(prepareTemplate(base, P), prepareTemplate(upsideDown, P), P).similarity).toBeGreaterThan(0.45);
  });

  it('gives 0, never NaN, when a template has no (usable) minutiae', () => {
    const none = prepareTemplate(empty);
    const one = prepareTemplate({ ...empty, minutiae: minutiaSet([{ x: 10, y: 10, angle: 1, kind: 1, quality: 50 }]) });
    expect(none.count).toBe(0);
    expect(one.count).toBe(0); // a lone minutia has no neighbours, so no valid cylinder
    for (const [a, b] of [[none, probe], [probe, none], [none, none], [one, probe], [one, one]] as const) {
      expect(compareFingerprints(a, b).similarity).toBe(0);
    }
  });

  it('is symmetric, exactly, and stays in [0, 1]', () => {
    const copies = [30, -20].map((rotationDeg, k) => prepareTemplate(moved(base, { ...second, rotationDeg, seed: k })));
    const all = [probe, ...copies, ...unrelated.slice(0, 5)];
    for (const a of all) {
      for (const b of all) {
        const ab = compareFingerprints(a, b);
        expect(ab.similarity).toBe(compareFingerprints(b, a).similarity);
        expect(ab.similarity).toBeGreaterThanOrEqual(0);
        expect(ab.similarity).toBeLessThanOrEqual(1);
        expect(ab.details?.pairsA.length).toBe(ab.details?.pairsB.length);
      }
    }
  });

  it('reports the paired minutiae in the caller order', () => {
    const copy = prepareTemplate(moved(base, { ...second, rotationDeg: 0, dropout: 0, jitterPx: 0, jitterDeg: 0 }));
    const r = compareFingerprints(probe, copy);
    // Same minutiae in the same order: every pair behind the score is (i, i).
    expect(Array.from(r.details!.pairsA)).toEqual(Array.from(r.details!.pairsB));
  });

  it('scores the same minutiae the same whatever order a record lists them in', () => {
    // Exact ties between candidate pairs are broken by minutia index, so before the matcher put
    // minutiae in a canonical order, 86 of DB1_B's 3,160 pairs scored up to 0.0099 apart when one
    // record was reversed. Capped sets (80 > maxMinutiae) test the selection as well.
    const listedOtherwise = (t: FingerprintTemplate, seed: number): FingerprintTemplate => {
      const r = seededRandom(seed);
      const order = Array.from({ length: t.minutiae.count }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(r.next() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      return { ...t, minutiae: minutiaSet(order.map((i) => minutiaList(t.minutiae)[i])) };
    };
    let compared = 0;
    for (const count of [40, 80]) {
      const a = randomTemplate(11, count);
      for (let k = 0; k < 6; k++) {
        const b = moved(a, { ...second, rotationDeg: 5 * k, jitterPx: 0.25 * k, jitterDeg: k, dropout: 0.05 * k, seed: k });
        const expected = compareFingerprints(prepareTemplate(a), prepareTemplate(b)).similarity;
        for (const seed of [1, 2, 3]) {
          expect(compareFingerprints(prepareTemplate(listedOtherwise(a, seed)), prepareTemplate(listedOtherwise(b, seed + 10))).similarity).toBe(expected);
          compared++;
        }
      }
    }
    expect(compared).toBe(36);
  });

  it('scales coordinates to 500 dpi first', () => {
    // The same print scanned at 1000 dpi: twice the pixels each way.
    const at1000: FingerprintTemplate = {
      ...base,
      width: 2 * base.width,
      height: 2 * base.height,
      dpi: 1000,
      minutiae: { ...base.minutiae, x: base.minutiae.x.map((v) => 2 * v), y: base.minutiae.y.map((v) => 2 * v) },
    };
    expect(compareFingerprints(probe, prepareTemplate(at1000)).similarity).toBeCloseTo(compareFingerprints(probe, probe).similarity, 5);
  });

  it('refuses prepared templates of another version or cylinder layout', () => {
    const old = { ...probe, version: 0 } as unknown as PreparedTemplate;
    expect(() => compareFingerprints(old, probe)).toThrow(TemplateFormatError);
    const P = matchParams({ spatialCells: 12 });
    expect(() => compareFingerprints(prepareTemplate(base, P), probe)).toThrow(TemplateFormatError);
  });

  it('refuses cylinders with more bits than the popcount kernels can count', () => {
    // 25 x 25 x 6 = 3,750 bits fit in 31 blocks of 128; 26 x 26 x 6 = 4,056 do not (8-bit counters would wrap).
    expect(matchParams({ spatialCells: 25 }).spatialCells).toBe(25);
    expect(() => matchParams({ spatialCells: 26 })).toThrow(ConfigError);
    expect(() => matchParams({ spatialCells: 40 })).toThrow(/has 9600 bits; at most 3968 are supported/);
  });

  it('keeps PreparedTemplate plain: numbers and typed arrays only', () => {
    for (const [key, value] of Object.entries(probe)) {
      expect(typeof value === 'number' || ArrayBuffer.isView(value), key).toBe(true);
    }
    expect(FINGERPRINT_MATCH_PARAMS.maxMinutiae).toBeLessThanOrEqual(255);
  });
});
