import type { EvaluationRow } from './det-page';

/**
 * A run's evaluation (or a comparison row) as JSON: the report without its DET points (det.json
 * and the page hold those), with the EER interval and the quality curves where it has them.
 * metrics.json and every `--json` output use this one shape.
 */
export function evaluationSummary(row: EvaluationRow): Record<string, unknown> {
  const { det: _det, ...report } = row.report;
  const summary: Record<string, unknown> = { name: row.name, ...report, ...(row.eerInterval ? { eerInterval: row.eerInterval } : {}), ...(row.qualityErc ? { qualityErc: row.qualityErc } : {}) };
  // A report read back from metrics.json holds the name within its run ("face"): the row's ("quickstart/face") stands.
  summary.name = row.name;
  return summary;
}
