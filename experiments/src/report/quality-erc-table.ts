import type { QualityErc } from '../run/quality-erc';
import { ERC_REJECTED_SHARES, ERC_SUMMARY_SHARE } from '../run/quality-erc';
import { textTableLines } from './table-layout';

/** A system whose sample quality was judged. */
export interface QualityErcRow {
  readonly name: string;
  readonly qualityErc?: readonly QualityErc[];
}

export const QUALITY_ERC_TITLE = 'Sample quality against false non-matches (error-versus-reject, ISO/IEC 29794-1)';

export function qualityErcColumns(): string[] {
  return [
    'system',
    'target FMR',
    ...ERC_REJECTED_SHARES.map((s) => (s === 0 ? 'FNMR %' : `FNMR % (${s * 100} % rejected)`)),
    `share of ideal (0-${ERC_SUMMARY_SHARE * 100} %)`,
  ];
}

/**
 * One row per system and operating point; none for systems that report no quality. Target FMRs
 * that a small impostor set resolves to the same threshold share a row.
 */
export function qualityErcCells(rows: readonly QualityErcRow[]): string[][] {
  return rows.flatMap((row) =>
    groupBySharedThreshold(row.qualityErc ?? []).map((group) => {
      const e = group[0];
      return [
        row.name,
        group.map((g) => String(g.targetFmr)).join(', '),
        ...e.fnmr.map((v) => (v * 100).toFixed(2)),
        Number.isNaN(e.shareOfIdeal) ? '-' : e.shareOfIdeal.toFixed(2),
      ];
    }),
  );
}

/** Consecutive operating points grouped where their thresholds are equal (the same curve). */
export function groupBySharedThreshold(ercs: readonly QualityErc[]): QualityErc[][] {
  const groups: QualityErc[][] = [];
  for (const e of ercs) {
    const last = groups[groups.length - 1];
    if (last && last[0].threshold === e.threshold) last.push(e);
    else groups.push([e]);
  }
  return groups;
}

/** A plain-text table, or '' when no system reports quality. */
export function formatQualityErcTable(rows: readonly QualityErcRow[]): string {
  const body = qualityErcCells(rows);
  if (body.length === 0) return '';
  return [
    `${QUALITY_ERC_TITLE}:`,
    ...textTableLines(qualityErcColumns(), body),
    'share of ideal: 0 = no better than a random quality, 1 = rejects exactly the false non-matches first',
  ].join('\n');
}
