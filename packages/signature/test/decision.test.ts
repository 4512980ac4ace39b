import { ConfigError } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import { signatureDecisionThreshold } from '../src/compare/decision';
import thresholds from '../src/compare/decision-thresholds.json';

describe('signatureDecisionThreshold', () => {
  it('gives the shipped operating points, stricter for a lower forgery acceptance', () => {
    const [loose, middle, strict] = [0.1, 0.05, 0.01].map((f) => signatureDecisionThreshold(f));
    expect(signatureDecisionThreshold().targetFmr).toBe(0.05);
    expect(loose.threshold).toBeLessThan(middle.threshold);
    expect(middle.threshold).toBeLessThan(strict.threshold);
    expect(middle.source).toMatch(/SVC2004/);
    expect(() => signatureDecisionThreshold(0.2)).toThrow(ConfigError);
  });

  it('records, for each target, its transfer between the halves of the users both ways', () => {
    expect(thresholds.references).toBe(5);
    expect(thresholds.heldOut).toHaveLength(6);
    for (const h of thresholds.heldOut) {
      expect(h.setOn).not.toBe(h.usedOn);
      expect(h.fmr).toBeLessThan(3 * h.targetFmr);
    }
  });
});
