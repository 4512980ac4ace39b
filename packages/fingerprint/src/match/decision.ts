import { join } from 'node:path';
import { shippedDecisionThreshold, shippedDecisionThresholds, type DecisionThreshold } from '@biofuse/core';

const FILE = join(import.meta.dirname, 'decision-thresholds.json');

/**
 * The shipped operating points of our extractor and matcher at their default parameters
 * (targetFmr 0.01 or 0.001), written by bench/decision-thresholds.ts from the four FVC2002 B
 * sets pooled; the file also records how each transfers to a set it was not set on (a target
 * of 0.1 % gave 0.00-0.49 %). Templates from another extractor (ISO records) score
 * differently: set a threshold on their own impostor comparisons.
 */
export function fingerprintDecisionThreshold(targetFmr = 0.001): DecisionThreshold {
  return shippedDecisionThreshold(FILE, targetFmr, 'fingerprint');
}

/** Every shipped operating point, for listing or choosing among them. */
export function fingerprintDecisionThresholds(): readonly DecisionThreshold[] {
  return shippedDecisionThresholds(FILE);
}
