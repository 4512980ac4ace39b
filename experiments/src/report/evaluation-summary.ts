import type { EvaluationRow } from './det-page';

/**
 * A run's evaluation (or a comparison row) as JSON: the report without its DET points (det.json
 * and the page hold those), with the EER interval and the quality curves where it has them.
 * metrics.json and every `--json` output use this one shape.
 */
export function evaluationSummary(row: EvaluationRow): Record<string, unknown> {
  const { det: _det, ...report } = row.report;
  return { name: row.name, ...report, ...(row.eerInterval ? { eerInterval: row.eerInterval } : {}), ...(row.qualityErc ? { qualityErc: row.qualityErc } : {}) };
}
