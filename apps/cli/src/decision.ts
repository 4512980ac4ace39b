import { decisionThresholdAt, parseDecimal, type DecisionThreshold } from '@biofuse/core';
import { Option } from 'commander';
import { UsageError } from './exit-codes';
import { numberOption } from './options';
import { round } from './round';

/** The threshold a command decides with: shipped with the modality, or given on the command line (targetFmr null). */
export type Decision = Omit<DecisionThreshold, 'targetFmr'> & { readonly targetFmr: number | null };

/**
 * `--threshold T` (checked against the similarity's `range`, where it has one); otherwise the
 * modality's shipped threshold whose FMR `--fmr` names. The two flags exclude each other
 * (see thresholdOption).
 */
export function decisionFrom(
  flags: { readonly fmr: string; readonly threshold?: string },
  shipped: readonly DecisionThreshold[],
  range?: readonly [number, number],
): Decision {
  if (flags.threshold !== undefined) {
    const threshold = numberOption('--threshold', flags.threshold);
    if (range && !(threshold >= range[0] && threshold <= range[1])) {
      throw new UsageError(`--threshold must be in [${range[0]}, ${range[1]}], the similarity's range, got ${flags.threshold}`);
    }
    return { threshold, targetFmr: null, source: 'given on the command line' };
  }
  const fmr = parseDecimal(flags.fmr);
  const point = decisionThresholdAt(shipped, fmr);
  if (!point) throw new UsageError(`--fmr must be ${shipped.map((t) => t.targetFmr).join(' or ')} (the shipped operating points), got "${flags.fmr}"`);
  return point;
}

/** The decision's fields for JSON output. */
export function decisionJson(d: Decision): { threshold: number; targetFmr: number | null; thresholdSource: string } {
  return { threshold: round(d.threshold, 4), targetFmr: d.targetFmr, thresholdSource: d.source };
}

/** "FMR 0.1 %, threshold 0.0369" or "threshold 0.5, given". */
export function describeDecision(d: Decision): string {
  return d.targetFmr === null ? `threshold ${round(d.threshold, 4)}, given` : `FMR ${round(d.targetFmr * 100, 4)} %, threshold ${round(d.threshold, 4)}`;
}

/** `--threshold <t>`, refused by the parser when `--fmr` is also given on the command line (its default does not count). */
export function thresholdOption(description: string): Option {
  return new Option('--threshold <t>', description).conflicts('fmr');
}
