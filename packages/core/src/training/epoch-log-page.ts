import { escapeHtml, plotlyScript, scriptJson, CURVE_COLOURS } from '../report/plotly';
import type { EpochLog } from './train-head';

/** One training run's log on the page. */
export interface EpochLogCurve {
  readonly name: string;
  readonly log: readonly EpochLog[];
  /** The epoch whose weights were kept, marked on the validation curve (0 = untrained). */
  readonly bestEpoch?: number;
}

/**
 * A self-contained HTML page (plotly inlined, works offline) with the training loss, the share of
 * active (non-zero-loss) terms and the validation EER per epoch of one or more runs.
 */
export function epochLogPage(title: string, curves: readonly EpochLogCurve[], notes: readonly string[] = []): string {
  const traces: unknown[] = [];
  curves.forEach((c, i) => {
    const color = CURVE_COLOURS[i % CURVE_COLOURS.length];
    const epochs = c.log.map((r) => r.epoch);
    const series = (values: number[], yaxis: string, dash: string, showlegend: boolean) => ({
      type: 'scatter',
      mode: 'lines+markers',
      name: c.name,
      legendgroup: c.name,
      showlegend,
      x: epochs,
      y: values.map((v) => (Number.isNaN(v) ? null : v)),
      yaxis,
      line: { color, dash },
      marker: { size: 4 },
    });
    traces.push(series(c.log.map((r) => r.loss), 'y', 'solid', true));
    traces.push(series(c.log.map((r) => 100 * r.activeShare), 'y2', 'dot', false));
    traces.push(series(c.log.map((r) => 100 * r.validationEer), 'y3', 'solid', false));
    const best = c.bestEpoch ? c.log.find((r) => r.epoch === c.bestEpoch) : undefined;
    if (best) {
      traces.push({ type: 'scatter', mode: 'markers', x: [best.epoch], y: [100 * best.validationEer], yaxis: 'y3', showlegend: false, marker: { color, size: 11, symbol: 'star' }, hovertemplate: `kept: epoch ${best.epoch}<extra>${escapeHtml(c.name)}</extra>` });
    }
  });
  const layout = {
    height: 820,
    margin: { t: 20, l: 70, r: 20 },
    xaxis: { title: { text: 'epoch' }, anchor: 'y3' },
    yaxis: { title: { text: 'training loss' }, domain: [0.7, 1] },
    yaxis2: { title: { text: 'active terms %' }, domain: [0.37, 0.63], range: [0, 100] },
    yaxis3: { title: { text: 'validation EER %' }, domain: [0, 0.3] },
    legend: { orientation: 'h', y: 1.06 },
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5em;max-width:1100px}p.note{color:#444}</style>
<script>${plotlyScript()}</script></head>
<body><h1>${escapeHtml(title)}</h1><div id="log"></div>
${notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n')}
<script>Plotly.newPlot('log', ${scriptJson(traces)}, ${scriptJson(layout)}, {responsive: true});</script>
</body></html>
`;
}
