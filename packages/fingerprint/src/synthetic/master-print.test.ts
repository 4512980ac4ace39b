import { ConfigError, seededRandom } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import { areaRadius } from './fingerprint-area';
import { drawFingerprintClass } from './fingerprint-class';
import { synthesizeMasterFingerprint } from './master-print';
import { blockRidgePeriod } from './measure';

describe('synthesizeMasterFingerprint', () => {
  const a = synthesizeMasterFingerprint(11);

  it('is deterministic: same seed, same pixels; another seed, another print', () => {
    const again = synthesizeMasterFingerprint(11);
    expect(Buffer.from(again.pixels).equals(Buffer.from(a.pixels))).toBe(true);
    expect(again.singularPoints).toEqual(a.singularPoints);
    const other = synthesizeMasterFingerprint(12);
    expect(other.width === a.width && other.height === a.height && Buffer.from(other.pixels).equals(Buffer.from(a.pixels))).toBe(false);
  });

  it('has the class of its seed’s first draw, and a forced class keeps the rest of the finger', () => {
    for (const seed of [11, 12, 13]) expect(synthesizeMasterFingerprint(seed).fingerprintClass).toBe(drawFingerprintClass(seededRandom(seed)));
    const whorl = synthesizeMasterFingerprint(11, { fingerprintClass: 'whorl' });
    expect(whorl.fingerprintClass).toBe('whorl');
    expect(whorl.area).toEqual(a.area);
    expect(whorl.singularPoints.map((p) => p.kind).sort()).toEqual(['core', 'core', 'delta', 'delta']);
  });

  it('draws dark ridges inside the area and nothing outside it', () => {
    let inside = 0;
    let dark = 0;
    for (let y = 0; y < a.height; y++) {
      for (let x = 0; x < a.width; x++) {
        const v = a.pixels[y * a.width + x];
        const r = areaRadius(a.area, x, y);
        if (r > 1.05) expect(v).toBe(255);
        if (r < 0.9) {
          inside++;
          if (v < 128) dark++;
        }
      }
    }
    // Ridges and valleys about equally wide.
    expect(dark / inside).toBeGreaterThan(0.4);
    expect(dark / inside).toBeLessThan(0.6);
  });

  it('has a ridge period of about 9 px at 500 dpi', () => {
    expect(a.dpi).toBe(500);
    const periods = [-60, 0, 60].flatMap((dy) => [-50, 50].map((dx) => blockRidgePeriod(a, Math.round(a.area.cx + dx - 32), Math.round(a.area.cy + dy - 32))));
    const median = periods.sort((p, q) => p - q)[Math.floor(periods.length / 2)];
    expect(median).toBeGreaterThan(7);
    expect(median).toBeLessThan(11);
    expect(Math.abs(median - a.basePeriodPx)).toBeLessThan(1.5);
  });

  it('places the singular points of each class inside the fingerprint area', () => {
    const expected = { arch: 0, tented_arch: 2, left_loop: 2, right_loop: 2, whorl: 4 } as const;
    for (const cls of Object.keys(expected) as (keyof typeof expected)[]) {
      const m = synthesizeMasterFingerprint(5, { fingerprintClass: cls });
      expect(m.singularPoints).toHaveLength(expected[cls]);
      const cores = m.singularPoints.filter((p) => p.kind === 'core');
      for (const c of cores) expect(areaRadius(m.area, c.x, c.y)).toBeLessThan(0.7);
      if (cls === 'left_loop' || cls === 'right_loop') {
        const delta = m.singularPoints.find((p) => p.kind === 'delta');
        // Left loop: the delta lies to the right of the core (as seen on the image).
        expect(Math.sign((delta?.x ?? 0) - cores[0].x)).toBe(cls === 'left_loop' ? 1 : -1);
      }
    }
  });

  it('rejects an unknown class and a non-finite seed', () => {
    expect(() => synthesizeMasterFingerprint(Number.NaN)).toThrow(/seed/);
    // The generator keeps 32 bits: these gave seed 1's print (or seed 4294967295's) under another name.
    for (const seed of [1.5, 2 ** 32 + 1, -1]) {
      expect(() => synthesizeMasterFingerprint(seed)).toThrow(ConfigError);
      expect(() => synthesizeMasterFingerprint(seed)).toThrow(`master fingerprint seed must be a whole number in [0, 4294967295], got ${seed}`);
    }
    expect(() => synthesizeMasterFingerprint(1, { fingerprintClass: 'spiral' as never })).toThrow(/unknown fingerprint class/);
  });
});
