import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors';

/** A similarity threshold (accept when similarity >= threshold) and where it was measured. */
export interface DecisionThreshold {
  /** Share of impostor (or forgery) comparisons the threshold accepted where it was set. */
  readonly targetFmr: number;
  readonly threshold: number;
  readonly source: string;
}

/** What a modality ships: the data the thresholds were set on, and one threshold per target. */
interface DecisionThresholdFile {
  readonly source: string;
  readonly thresholds: readonly { readonly targetFmr: number; readonly threshold: number }[];
}

const files = new Map<string, DecisionThresholdFile>();

/**
 * The threshold for `targetFmr` from a modality's shipped thresholds file (JSON: `source`, and
 * `thresholds` as { targetFmr, threshold } pairs, written by that modality's calibration
 * script); each file is read once. An FMR the file does not hold is a ConfigError naming the
 * ones it does: thresholds are measured, never interpolated.
 */
export function shippedDecisionThreshold(file: string, targetFmr: number, modality: string): DecisionThreshold {
  let shipped = files.get(file);
  if (!shipped) files.set(file, (shipped = JSON.parse(readFileSync(file, 'utf8')) as DecisionThresholdFile));
  const point = shipped.thresholds.find((t) => Math.abs(t.targetFmr - targetFmr) <= 1e-12);
  if (!point) throw new ConfigError(`no shipped ${modality} threshold for FMR ${targetFmr} (available: ${shipped.thresholds.map((t) => t.targetFmr).join(', ')})`);
  return { targetFmr: point.targetFmr, threshold: point.threshold, source: shipped.source };
}
