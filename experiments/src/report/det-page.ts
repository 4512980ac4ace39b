import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { probit } from '@biofuse/core';
import { metricsTableCells, metricsTableColumns, type TableRow } from './metrics-table';

/** One curve on a DET page. */
export interface DetPageCurve extends TableRow {
  /** Legend label; defaults to the row name. */
  readonly label?: string;
}

const TICKS = [1e-5, 1e-4, 1e-3, 1e-2, 0.02, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8];

let plotlySource: string | undefined;

/** plotly.js (basic bundle) read once from node_modules, so every page works offline. */
function plotlyScript(): string {
  if (plotlySource === undefined) {
    const require = createRequire(import.meta.url);
    const path = require.resolve('plotly.js-basic-dist-min');
    plotlySource = readFileSync(path, 'utf8').replaceAll('</script', '<\\/script');
  }
  return plotlySource;
}

/**
 * A self-contained HTML page: DET curves on normal-deviate (probit) axes, ticks labelled in
 * %, each system's EER marked on the FMR = FNMR diagonal, and the metrics table below.
 */
export function detPageHtml(title: string, curves: readonly DetPageCurve[], notes: readonly string[] = []): string {
  let lo = probit(1e-3);
  for (const c of curves) {
    for (const v of c.report.det.fmrDeviate) if (Number.isFinite(v)) lo = Math.min(lo, v);
    for (const v of c.report.det.fnmrDeviate) if (Number.isFinite(v)) lo = Math.min(lo, v);
  }
  const hi = probit(0.6);
  const range = [lo - 0.15, hi];
  const ticks = TICKS.filter((t) => probit(t) >= range[0] - 1e-9 && probit(t) <= range[1] + 1e-9);
  const axis = (name: string) => ({
    title: { text: `${name} (%)` },
    tickvals: ticks.map(probit),
    ticktext: ticks.map((t) => `${+(t * 100).toPrecision(2)}`),
    range,
    zeroline: false,
    gridcolor: '#e5e5e5',
  });
  const traces = curves.flatMap((c, i) => {
    const label = c.label ?? c.name;
    const eer = c.report.eer.value;
    return [
      {
        type: 'scatter',
        mode: 'lines',
        name: `${label} (EER ${(eer * 100).toFixed(2)} %)`,
        x: Array.from(c.report.det.fmrDeviate),
        y: Array.from(c.report.det.fnmrDeviate),
        customdata: Array.from(c.report.det.thresholds, (t, k) => [t, c.report.det.fmr[k] * 100, c.report.det.fnmr[k] * 100]),
        hovertemplate: 'threshold %{customdata[0]:.6g}<br>FMR %{customdata[1]:.4g} %<br>FNMR %{customdata[2]:.4g} %<extra>' + escapeHtml(label) + '</extra>',
        line: { width: 2 },
        legendgroup: String(i),
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: `${label} EER`,
        x: [probit(Math.max(eer, 1e-9))],
        y: [probit(Math.max(eer, 1e-9))],
        marker: { size: 9, symbol: 'circle-open', line: { width: 2 } },
        showlegend: false,
        hovertemplate: `EER ${(eer * 100).toFixed(3)} %<extra>${escapeHtml(label)}</extra>`,
        legendgroup: String(i),
      },
    ];
  });
  traces.push({
    type: 'scatter',
    mode: 'lines',
    name: 'FMR = FNMR',
    x: range,
    y: range,
    line: { width: 1, dash: 'dot', color: '#999' },
    hoverinfo: 'skip',
  } as unknown as (typeof traces)[number]);
  const layout = {
    title: { text: title },
    xaxis: axis('False match rate'),
    yaxis: { ...axis('False non-match rate'), scaleanchor: 'x' },
    legend: { x: 1, xanchor: 'right', y: 1 },
    margin: { t: 50 },
    height: 640,
  };
  const targets = curves[0]?.report.fnmrAtFmr.map((p) => p.targetFmr) ?? [];
  const table =
    `<table><thead><tr>${metricsTableColumns(targets).map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>` +
    curves.map((c) => `<tr>${metricsTableCells(c).map((x) => `<td>${escapeHtml(x)}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin-top:16px}
th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child{text-align:left}
#det{max-width:760px}p.note{color:#555;font-size:90%}</style>
<script>${plotlyScript()}</script></head>
<body><h1>${escapeHtml(title)}</h1><div id="det"></div>${table}
${notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n')}
<p class="note">Axes are normal deviates (probit); rates are in %. Failed comparisons count as non-matches (ISO/IEC 19795-1).</p>
<script>Plotly.newPlot('det', ${scriptJson(traces)}, ${scriptJson(layout)}, {responsive: true, displaylogo: false});</script>
</body></html>
`;
}

function escapeHtml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c');
}
