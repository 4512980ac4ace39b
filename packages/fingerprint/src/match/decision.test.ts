import { ConfigError } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import { fingerprintDecisionThreshold } from './decision';
import thresholds from './decision-thresholds.json';

describe('fingerprintDecisionThreshold', () => {
  it('gives the shipped operating points, stricter for a lower false match rate', () => {
    const loose = fingerprintDecisionThreshold(0.01);
    const strict = fingerprintDecisionThreshold();
    expect(strict.targetFmr).toBe(0.001);
    expect(strict.threshold).toBeGreaterThan(loose.threshold);
    // Impostor similarities of this matcher sit near 0 and genuine ones far above: a threshold
    // outside (0, 0.2) would mean the file came from another matcher or a broken run.
    for (const t of [loose, strict]) {
      expect(t.threshold).toBeGreaterThan(0);
      expect(t.threshold).toBeLessThan(0.2);
      expect(t.source).toMatch(/FVC2002/);
    }
    expect(() => fingerprintDecisionThreshold(0.05)).toThrow(ConfigError);
  });

  it('records how each threshold transferred to a set it was not set on, within 5x of its target', () => {
    expect(thresholds.heldOut).toHaveLength(8);
    for (const h of thresholds.heldOut) {
      expect(h.fmr).toBeLessThanOrEqual(5 * h.targetFmr);
      expect(h.fnmr).toBeLessThan(0.1);
    }
  });
});
