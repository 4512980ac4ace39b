import { escapeHtml, plotlyScript, scriptJson, CURVE_COLOURS, probit } from '@biofuse/core';
import { detAxes, detDiagonal, type DetAxis } from './det-axes';
import { metricsTableCells, metricsTableColumns, tableNotes, tableTargetFmrs, type TableRow } from './metrics-table';
import { htmlTable } from './table-layout';
import { QUALITY_ERC_TITLE, qualityErcCells, qualityErcColumns, groupBySharedThreshold, type QualityErcRow } from './quality-erc-table';
import { ERC_CURVE_SHARE, ERC_SUMMARY_SHARE } from '../run/quality-erc';

/** One evaluated system as the reports show it (table row, DET curve, quality curves). */
export interface EvaluationRow extends TableRow, QualityErcRow {
  /** Legend label; defaults to the row name. */
  readonly label?: string;
}

/**
 * A self-contained HTML page: DET curves on normal-deviate (probit) axes, ticks labelled in
 * %, each system's EER marked on the FMR = FNMR diagonal, and the metrics table below.
 */
export function detPageHtml(title: string, curves: readonly EvaluationRow[], notes: readonly string[] = []): string {
  // Every point is drawn at det.json's deviates, where a rate of 0 or 1 sits half a comparison from the edge (0.5 / n).
  const axes = detAxes(curves.map((c) => c.report.det));
  const plotlyAxis = (a: DetAxis) => ({ title: { text: a.title }, tickvals: a.ticks, ticktext: a.labels, range: a.range, zeroline: false, gridcolor: '#e5e5e5' });
  const xAxis = plotlyAxis(axes.x);
  const yAxis = plotlyAxis(axes.y);
  const traces: Record<string, unknown>[] = curves.flatMap((c, i) => {
    const label = c.label ?? c.name;
    const color = CURVE_COLOURS[i % CURVE_COLOURS.length];
    const eer = c.report.eer.value;
    const d = c.report.det;
    const curve = {
      type: 'scatter',
      mode: 'lines',
      name: `${label} (EER ${(eer * 100).toFixed(2)} %)`,
      x: Array.from(d.fmrDeviate),
      y: Array.from(d.fnmrDeviate),
      customdata: Array.from(d.thresholds, (t, k) => [t, d.fmr[k] * 100, d.fnmr[k] * 100]),
      hovertemplate: `threshold %{customdata[0]:.6g}<br>FMR %{customdata[1]:.4g} %<br>FNMR %{customdata[2]:.4g} %<extra>${escapeHtml(label)}</extra>`,
      line: { width: 2, color },
      legendgroup: String(i),
    };
    if (!(eer > 0 && eer < 1)) return [curve];
    const marker = {
      type: 'scatter',
      mode: 'markers',
      name: `${label} EER`,
      x: [probit(eer)],
      y: [probit(eer)],
      marker: { size: 10, symbol: 'circle-open', color, line: { width: 2, color } },
      showlegend: false,
      hovertemplate: `EER ${(eer * 100).toFixed(3)} %<extra>${escapeHtml(label)}</extra>`,
      legendgroup: String(i),
    };
    return [curve, marker];
  });
  const diagonal = detDiagonal(axes.x, axes.y);
  traces.push({
    type: 'scatter',
    mode: 'lines',
    name: 'FMR = FNMR',
    x: diagonal,
    y: diagonal,
    line: { width: 1, dash: 'dot', color: '#999' },
    hoverinfo: 'skip',
  });
  const layout = {
    title: { text: title },
    xaxis: xAxis,
    yaxis: yAxis,
    legend: { x: 1, xanchor: 'right', y: 1 },
    margin: { t: 50 },
    height: 680,
    width: 820,
  };
  const targets = tableTargetFmrs(curves);
  const table = htmlTable(metricsTableColumns(targets), curves.map((c) => metricsTableCells(c, targets)));
  const footnote = tableNotes(curves)
    .map((n) => `<p class="note">${escapeHtml(n)}</p>\n`)
    .join('');
  const erc = qualityErcSection(curves);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin-top:16px}
th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child{text-align:left}
#det{max-width:820px}.table{overflow-x:auto}th{white-space:nowrap}p.note{color:#555;font-size:90%}</style>
<script>${plotlyScript()}</script></head>
<body><h1>${escapeHtml(title)}</h1><div id="det"></div>${table}
${footnote}${[...notes, ...edgeNotes(curves)].map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n')}
<p class="note">Axes are normal deviates (probit); rates are in %. Failed comparisons count as non-matches (ISO/IEC 19795-1).</p>
<script>Plotly.newPlot('det', ${scriptJson(traces)}, ${scriptJson(layout)}, {responsive: true, displaylogo: false});</script>
${erc}</body></html>
`;
}

/**
 * What the curves' ends mean where a rate of 0 was measured: probit axes have no place for 0,
 * so a reader must know that the edge is drawn, not measured; and a system with an EER of 0
 * draws nothing but that edge.
 */
function edgeNotes(curves: readonly EvaluationRow[]): string[] {
  const out: string[] = [];
  const atZero = curves.some((c) => c.report.det.fmr.some((r) => r === 0) || c.report.det.fnmr.some((r) => r === 0));
  if (atZero) out.push('A rate of 0 (no error among n comparisons) has no place on probit axes: it is drawn at 0.5 / n, half of one comparison, and the hover shows 0 %.');
  for (const c of curves) {
    if (c.report.eer.value === 0) out.push(`${c.label ?? c.name} separates its genuine and impostor comparisons completely (EER 0): its curve is the edge drawn at 0.5 / n on both axes.`);
  }
  return out;
}

/**
 * For systems that report sample quality: their error-versus-reject curves (FNMR of the kept
 * genuine comparisons against the share rejected, lowest quality first) and the table; '' otherwise.
 */
function qualityErcSection(curves: readonly EvaluationRow[]): string {
  const cells = qualityErcCells(curves);
  if (cells.length === 0) return '';
  const traces = curves.flatMap((c, i) =>
    groupBySharedThreshold(c.qualityErc ?? []).map((group, k) => ({
      type: 'scatter',
      mode: 'lines',
      line: { shape: 'hv', width: 2, color: CURVE_COLOURS[i % CURVE_COLOURS.length], dash: ['solid', 'dash', 'dot', 'dashdot'][k % 4] },
      name: `${c.label ?? c.name}, threshold at FMR ${group.map((e) => e.targetFmr).join(', ')}`,
      x: group[0].curve.rejected.map((r) => r * 100),
      y: group[0].curve.fnmr.map((f) => f * 100),
    })),
  );
  const layout = {
    title: { text: QUALITY_ERC_TITLE },
    xaxis: { title: { text: 'Genuine comparisons rejected, lowest quality first (%)' }, range: [0, ERC_CURVE_SHARE * 100], gridcolor: '#e5e5e5' },
    yaxis: { title: { text: 'False non-match rate of those kept (%)' }, rangemode: 'tozero', gridcolor: '#e5e5e5' },
    margin: { t: 50 },
    height: 480,
    width: 820,
  };
  const table = htmlTable(qualityErcColumns(), cells);
  return `<h2>Sample quality</h2><div id="erc"></div>${table}
<p class="note">Share of ideal sums the curve up to ${ERC_SUMMARY_SHARE * 100} % rejected: 0 is what a random quality gives, 1 a quality that rejects exactly the false non-matches first. A comparison whose sample could not be acquired ranks lowest.</p>
<script>Plotly.newPlot('erc', ${scriptJson(traces)}, ${scriptJson(layout)}, {responsive: true, displaylogo: false});</script>
`;
}
