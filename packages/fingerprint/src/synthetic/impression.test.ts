import { ConfigError } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import { areaRadius } from './fingerprint-area';
import { synthesizeImpression, type SyntheticImpression } from './impression';
import { impressionToMaster, masterToImpression } from './impression-transform';
import { synthesizeMasterFingerprint, type SyntheticMaster } from './master-print';
import { blockRidgePeriod, normalisedCrossCorrelation, sampleBilinear } from './measure';
import { encodeFingerprintPng } from './write-fvc-dataset';

describe('synthesizeImpression', () => {
  const a = synthesizeMasterFingerprint(21);
  const b = synthesizeMasterFingerprint(22);
  const impsA = [1, 2, 3, 4].map((i) => synthesizeImpression(a, 100 + i));
  const impB = synthesizeImpression(b, 201);

  it('is deterministic to the byte, from a freshly built master too', async () => {
    const again = synthesizeImpression(synthesizeMasterFingerprint(21), 101);
    expect(Buffer.from(again.pixels).equals(Buffer.from(impsA[0].pixels))).toBe(true);
    expect((await encodeFingerprintPng(again)).equals(await encodeFingerprintPng(impsA[0]))).toBe(true);
    expect(Buffer.from(impsA[1].pixels).equals(Buffer.from(impsA[0].pixels))).toBe(false);
  });

  it('renders an FVC-like 8-bit image at 500 dpi: light background, dark ridges', () => {
    const im = impsA[0];
    expect([im.width, im.height, im.dpi, im.pixels.length]).toEqual([388, 374, 500, 388 * 374]);
    const corner = im.pixels[2 * im.width + 2];
    expect(corner).toBeGreaterThan(140);
    const [ax, ay] = im.record.imageAnchor.map(Math.round);
    let dark = 0;
    for (let y = ay - 20; y < ay + 20; y++) for (let x = ax - 20; x < ax + 20; x++) if (im.pixels[y * im.width + x] < 110) dark++;
    expect(dark / 1600).toBeGreaterThan(0.2);
    const small = synthesizeImpression(a, 5, { width: 300, height: 320 });
    expect([small.width, small.height]).toEqual([300, 320]);
  });

  it('refuses seeds the generator would fold onto another, and images the loader or extractor would refuse', () => {
    for (const seed of [1.5, 2 ** 32 + 1, -1]) expect(() => synthesizeImpression(a, seed)).toThrow(`impression seed must be a whole number in [0, 4294967295], got ${seed}`);
    // 16 x 16 to 63 x 63 were made, then refused by loadFingerprintImage (a side under 64 px)...
    expect(() => synthesizeImpression(a, 1, { width: 63, height: 300 })).toThrow(ConfigError);
    expect(() => synthesizeImpression(a, 1, { width: 300, height: 16 })).toThrow('impression height must be an integer in 64..4096, got 16');
    // ...and 64 x 150 holds less than the 100 x 100 px of ridge area extraction needs.
    expect(() => synthesizeImpression(a, 1, { width: 64, height: 150 })).toThrow(/smaller than the least ridge area a print is extracted from \(10000 px/);
    expect(synthesizeImpression(a, 1, { width: 100, height: 100 }).pixels.length).toBe(10000);
  });

  it('maps impression and master coordinates back and forth', () => {
    const { record } = impsA[2];
    for (const [x, y] of [
      [10, 10],
      [200, 180],
      [350, 300],
    ]) {
      const [mx, my] = impressionToMaster(record, x, y);
      const [qx, qy] = masterToImpression(record, mx, my);
      expect(Math.hypot(qx - x, qy - y)).toBeLessThan(1e-3);
    }
    for (const [k, p] of a.singularPoints.entries()) {
      const q = impsA[2].singularPoints[k];
      const [mx, my] = impressionToMaster(record, q.x, q.y);
      expect(Math.hypot(mx - p.x, my - p.y)).toBeLessThan(1e-3);
    }
  });

  it('follows its master under the recorded transform, and not another master', () => {
    for (const im of impsA) {
      expect(correlationWithMaster(im, a, b)).toBeGreaterThan(0.45);
      expect(Math.abs(correlationWithMaster(im, b, a))).toBeLessThan(0.1);
    }
  });

  it('impressions of one finger agree with each other more than with another finger', () => {
    for (let i = 1; i < impsA.length; i++) {
      const genuine = correlationBetween(impsA[0], impsA[i]);
      const impostor = correlationBetween(impsA[0], { ...impB, record: impsA[i].record });
      expect(genuine).toBeGreaterThan(0.3);
      expect(genuine).toBeGreaterThan(impostor + 0.25);
    }
  });

  it('keeps a ridge period of 7-11 px', () => {
    for (const im of impsA) {
      const [ax, ay] = im.record.imageAnchor.map(Math.round);
      const periods = [-40, 40].flatMap((dy) => [-40, 40].map((dx) => blockRidgePeriod(im, ax + dx - 32, ay + dy - 32))).sort((p, q) => p - q);
      const median = (periods[1] + periods[2]) / 2;
      expect(median).toBeGreaterThan(7);
      expect(median).toBeLessThan(11);
    }
  });

  it('undistorted, unrotated, centred on request; wet prints are darker than dry ones', () => {
    const still = synthesizeImpression(a, 7, { maxRotationDeg: 0, maxTranslationPx: 0, distortion: 0 });
    expect(still.record.rotationRad).toBe(0);
    expect(still.record.imageAnchor).toEqual([(388 - 1) / 2, (374 - 1) / 2]);
    const [mx, my] = impressionToMaster(still.record, 100, 120);
    expect(mx - a.area.cx).toBeCloseTo(100 - 193.5, 6);
    expect(my - a.area.cy).toBeCloseTo(120 - 186.5, 6);
    const meanInk = (p: number) => {
      const im = synthesizeImpression(a, 7, { pressure: p, noise: 0 });
      let s = 0;
      for (const v of im.pixels) s += v;
      return s / im.pixels.length;
    };
    expect(meanInk(1)).toBeLessThan(meanInk(-1) - 5);
  });

  it('rejects bad options', () => {
    expect(() => synthesizeImpression(a, 1, { width: 0 })).toThrow(/width/);
    expect(() => synthesizeImpression(a, 1, { pressure: 2 })).toThrow(/pressure/);
    expect(() => synthesizeImpression(a, 1, { noise: -1 })).toThrow(/noise/);
  });
});

/** NCC between an impression and master `m` sampled through the impression's recorded transform, where both masters have skin. */
function correlationWithMaster(im: SyntheticImpression, m: SyntheticMaster, other: SyntheticMaster): number {
  const u: number[] = [];
  const v: number[] = [];
  const at: [number, number] = [0, 0];
  for (let y = 0; y < im.height; y += 2) {
    for (let x = 0; x < im.width; x += 2) {
      impressionToMaster(im.record, x, y, at);
      if (areaRadius(m.area, at[0], at[1]) > 0.75 || areaRadius(other.area, at[0], at[1]) > 0.75) continue;
      const s = sampleBilinear(m, at[0], at[1]);
      if (Number.isNaN(s)) continue;
      u.push(im.pixels[y * im.width + x]);
      v.push(s);
    }
  }
  return normalisedCrossCorrelation(u, v);
}

/** NCC between impression p and impression q resampled onto p through both recorded transforms. */
function correlationBetween(p: SyntheticImpression, q: SyntheticImpression): number {
  const u: number[] = [];
  const v: number[] = [];
  const m: [number, number] = [0, 0];
  const at: [number, number] = [0, 0];
  for (let y = 0; y < p.height; y += 3) {
    for (let x = 0; x < p.width; x += 3) {
      if (p.pixels[y * p.width + x] > 250) continue;
      impressionToMaster(p.record, x, y, m);
      masterToImpression(q.record, m[0], m[1], at);
      const s = sampleBilinear(q, at[0], at[1]);
      if (Number.isNaN(s)) continue;
      u.push(p.pixels[y * p.width + x]);
      v.push(s);
    }
  }
  return normalisedCrossCorrelation(u, v);
}
