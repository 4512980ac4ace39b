import { seededRandom } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import { drawFingerprintClass, FINGERPRINT_CLASSES, NATURAL_CLASS_FREQUENCIES, type FingerprintClass } from './fingerprint-class';

describe('drawFingerprintClass', () => {
  it('draws the natural class frequencies over 2000 seeds', () => {
    const n = 2000;
    const counts = new Map<FingerprintClass, number>(FINGERPRINT_CLASSES.map((c) => [c, 0]));
    for (let seed = 0; seed < n; seed++) {
      const c = drawFingerprintClass(seededRandom(seed));
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    for (const c of FINGERPRINT_CLASSES) {
      const p = NATURAL_CLASS_FREQUENCIES[c];
      // Four binomial standard deviations.
      expect(Math.abs((counts.get(c) ?? 0) / n - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  it('follows configured frequencies and never draws a class with frequency 0', () => {
    const rng = seededRandom(7);
    const seen = new Set<FingerprintClass>();
    let whorls = 0;
    for (let i = 0; i < 1000; i++) {
      const c = drawFingerprintClass(rng, { whorl: 3, arch: 1 });
      seen.add(c);
      if (c === 'whorl') whorls++;
    }
    expect([...seen].sort()).toEqual(['arch', 'whorl']);
    expect(whorls / 1000).toBeGreaterThan(0.7);
    expect(whorls / 1000).toBeLessThan(0.8);
  });

  it('rejects frequencies that cannot be drawn from', () => {
    expect(() => drawFingerprintClass(seededRandom(1), { arch: 0 })).toThrow(/must not all be 0/);
    expect(() => drawFingerprintClass(seededRandom(1), { arch: -1, whorl: 1 })).toThrow(/finite number >= 0/);
  });
});
