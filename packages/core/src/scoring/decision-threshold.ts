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

const files = new Map<string, readonly DecisionThreshold[]>();

/**
 * Every threshold in a modality's shipped thresholds file (JSON: `source`, and `thresholds` as
 * { targetFmr, threshold } pairs, written by that modality's calibration script), in the file's
 * order; each file is read once.
 */
export function shippedDecisionThresholds(file: string): readonly DecisionThreshold[] {
  let points = files.get(file);
  if (!points) {
    const shipped = readThresholdFile(file);
    points = shipped.thresholds.map((t) => ({ targetFmr: t.targetFmr, threshold: t.threshold, source: shipped.source }));
    files.set(file, points);
  }
  return points;
}

/** The file, checked: a missing, unparsable or misshapen one is a ConfigError naming it. */
function readThresholdFile(file: string): DecisionThresholdFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new ConfigError(`${file}: cannot read the decision thresholds (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`);
  }
  const f = parsed as Partial<DecisionThresholdFile> | null;
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!f || typeof f.source !== 'string' || !Array.isArray(f.thresholds) || !f.thresholds.every((t) => t && finite(t.targetFmr) && finite(t.threshold))) {
    throw new ConfigError(`${file}: decision thresholds need "source" and "thresholds" as { targetFmr, threshold } numbers`);
  }
  return f as DecisionThresholdFile;
}

/**
 * The threshold for `targetFmr` from a shipped thresholds file (see shippedDecisionThresholds).
 * An FMR the file does not hold is a ConfigError naming the ones it does: thresholds are
 * measured, never interpolated.
 */
export function shippedDecisionThreshold(file: string, targetFmr: number, modality: string): DecisionThreshold {
  const points = shippedDecisionThresholds(file);
  const point = decisionThresholdAt(points, targetFmr);
  if (!point) throw new ConfigError(`no shipped ${modality} threshold for FMR ${targetFmr} (available: ${points.map((t) => t.targetFmr).join(', ')})`);
  return point;
}

/** The point measured for `targetFmr` among `points` (equal to within rounding), or undefined. */
export function decisionThresholdAt(points: readonly DecisionThreshold[], targetFmr: number): DecisionThreshold | undefined {
  return points.find((t) => Math.abs(t.targetFmr - targetFmr) <= 1e-12);
}
