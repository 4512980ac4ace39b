import type { VerificationReport } from '@biofuse/core';
import { textTableLines } from './table-layout';

export interface TableRow {
  readonly name: string;
  readonly report: VerificationReport;
  /** The EER's 95 % interval with the subjects resampled, where the run computed one. */
  readonly eerInterval?: { readonly low: number; readonly high: number };
}

/**
 * The target FMRs the table has a column for: every one any row reports (runs compared side by
 * side may have asked for different ones), largest first.
 */
export function tableTargetFmrs(rows: readonly TableRow[]): number[] {
  return [...new Set(rows.flatMap((r) => r.report.fnmrAtFmr.map((p) => p.targetFmr)))].sort((a, b) => b - a);
}

/** The columns every results table shows, in the order a reader compares systems. */
export function metricsTableColumns(targetFmrs: readonly number[]): string[] {
  return ['system', 'genuine', 'impostor', 'FTA %', 'EER %', 'EER 95 % CI', 'ROCCH-EER %', ...targetFmrs.map((t) => `FNMR@${fmtFmr(t)} %`), "d'", 'AUC'];
}

/** One row's cells under metricsTableColumns(targetFmrs); '-' where the row has no figure for a target. */
export function metricsTableCells(row: TableRow, targetFmrs: readonly number[]): string[] {
  const r = row.report;
  const atTarget = (t: number) => {
    const p = r.fnmrAtFmr.find((q) => q.targetFmr === t);
    return p ? `${pct(p.fnmr)}${p.belowResolution || p.unreachable ? '*' : ''}` : '-';
  };
  return [
    row.name,
    String(r.counts.genuine),
    String(r.counts.impostor),
    pct(r.fta),
    pct(r.eer.value),
    row.eerInterval ? `${pct(row.eerInterval.low)}-${pct(row.eerInterval.high)}` : '-',
    pct(r.eerRocch),
    ...targetFmrs.map(atTarget),
    dPrimeUnavailable(r.dPrime) === undefined ? r.dPrime.toFixed(3) : 'n/a',
    r.auc.toFixed(5),
  ];
}

/**
 * Why a d' has no value, or undefined where it has one. Core's dPrime is Infinity where both
 * classes' scores are constant and differ (a difference over a spread of 0) and NaN where a class
 * has no compared score or an infinite one: neither is a separation to compare systems by, and
 * "Infinity" in a table read as the best system there is.
 */
export function dPrimeUnavailable(dPrime: number): string | undefined {
  if (Number.isFinite(dPrime)) return undefined;
  return Number.isNaN(dPrime)
    ? "d' is undefined: a class has no compared score, or an infinite one"
    : "d' is undefined: the genuine scores are all equal and so are the impostor scores (zero spread), so there is no spread to divide their difference by";
}

/** The notes under a table: why any d' reads n/a, then what its `*` means (belowResolutionNote). The terminal and the DET page share them. */
export function tableNotes(rows: readonly TableRow[]): string[] {
  const dPrimes = [...new Set(rows.map((r) => dPrimeUnavailable(r.report.dPrime)).filter((why) => why !== undefined))];
  const resolution = belowResolutionNote(rows);
  return [...dPrimes.map((why) => `n/a: ${why}`), ...(resolution ? [resolution] : [])];
}

/**
 * The footnote to a table where some `*` marks a target FMR that the set cannot show; undefined
 * where none does. It says why, from core's flags (fnmrAtFmr): too few impostors to resolve the
 * target (`belowResolution`), or impostors scored +Infinity, which every threshold accepts, so
 * the point shown is at the lowest FMR reached, above the target (`unreachable`); a point may
 * have both.
 */
function belowResolutionNote(rows: readonly TableRow[]): string | undefined {
  const points = rows.flatMap((r) => r.report.fnmrAtFmr);
  const reasons = [
    ...(points.some((p) => p.belowResolution) ? ['target FMR below 1 / (impostor comparisons): not measurable on this set'] : []),
    ...(points.some((p) => p.unreachable) ? ['target FMR not reachable: impostor scores of +Infinity are accepted at every threshold (FNMR shown at the lowest FMR reached)'] : []),
  ];
  return reasons.length > 0 ? `* ${reasons.join('; ')}` : undefined;
}

/** A plain-text table for the terminal, with its notes (tableNotes). */
export function formatMetricsTable(rows: readonly TableRow[]): string {
  const targets = tableTargetFmrs(rows);
  return [...textTableLines(metricsTableColumns(targets), rows.map((r) => metricsTableCells(r, targets))), ...tableNotes(rows)].join('\n');
}

function pct(x: number): string {
  return (x * 100).toFixed(2);
}

function fmtFmr(t: number): string {
  const e = Math.log10(t);
  return Number.isInteger(e) ? `1e${e}` : String(t);
}
