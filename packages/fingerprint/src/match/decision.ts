import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@biofuse/core';

/** A similarity threshold (accept when similarity >= threshold) and where it was measured. */
export interface DecisionThreshold {
  /** Share of impostor comparisons the threshold accepted where it was set. */
  readonly targetFmr: number;
  readonly threshold: number;
  readonly source: string;
}

interface ThresholdFile {
  readonly source: string;
  readonly thresholds: readonly { readonly targetFmr: number; readonly threshold: number }[];
}

let shipped: ThresholdFile | undefined;

/**
 * The shipped operating points of our extractor and matcher at their default parameters,
 * written by bench/decision-thresholds.ts from the four FVC2002 B sets pooled; the file also
 * records how each transfers to a set it was not set on (a target of 0.1 % gave 0.00-0.49 %).
 * Templates from another extractor (ISO records) score differently: set a threshold on their
 * own impostor comparisons. Read on first use.
 */
export function fingerprintDecisionThreshold(targetFmr = 0.001): DecisionThreshold {
  shipped ??= JSON.parse(readFileSync(join(import.meta.dirname, 'decision-thresholds.json'), 'utf8')) as ThresholdFile;
  const point = shipped.thresholds.find((t) => Math.abs(t.targetFmr - targetFmr) <= 1e-12);
  if (!point) throw new ConfigError(`no shipped fingerprint threshold for FMR ${targetFmr} (available: ${shipped.thresholds.map((t) => t.targetFmr).join(', ')})`);
  return { ...point, source: shipped.source };
}
