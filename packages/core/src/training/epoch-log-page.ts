import { escapeHtml, plotlyScript, scriptJson, CURVE_COLOURS } from '../report/plotly';
import type { EpochLog } from './train-head';

/** One training run's log on the page. */
export interface EpochLogCurve {
  readonly name: string;
  readonly log: readonly EpochLog[];
  /** The epoch whose weights were kept, marked on the validation curve (0 = untrained). */
  readonly bestEpoch?: number;
  /**
   * Validation EER of the untrained head (TrainedHead.initialValidationEer), plotted at epoch 0:
   * without it a run that kept epoch 0 has no point to mark.
   */
  readonly initialValidationEer?: number;
}

/**
 * A self-contained HTML page (plotly inlined, works offline) with the training loss, the share of
 * active (non-zero-loss) terms and the validation EER per epoch of one or more runs.
 */
export function epochLogPage(title: string, curves: readonly EpochLogCurve[], notes: readonly string[] = []): string {
  const traces: unknown[] = [];
  const annotations: unknown[] = [];
  curves.forEach((c, i) => {
    const color = CURVE_COLOURS[i % CURVE_COLOURS.length];
    const epochs = c.log.map((r) => r.epoch);
    const initial = c.initialValidationEer !== undefined && !Number.isNaN(c.initialValidationEer) ? c.initialValidationEer : undefined;
    const series = (values: number[], yaxis: string, dash: string, showlegend: boolean, x: number[] = epochs) => ({
      type: 'scatter',
      mode: 'lines+markers',
      name: c.name,
      legendgroup: c.name,
      showlegend,
      x,
      y: values.map((v) => (Number.isNaN(v) ? null : v)),
      yaxis,
      line: { color, dash },
      marker: { size: 4 },
    });
    traces.push(series(c.log.map((r) => r.loss), 'y', 'solid', true));
    traces.push(series(c.log.map((r) => 100 * r.activeShare), 'y2', 'dot', false));
    // Epoch 0 (the untrained head) has no loss, but it has a validation EER, and it may be the one kept.
    const eer = c.log.map((r) => 100 * r.validationEer);
    traces.push(initial === undefined ? series(eer, 'y3', 'solid', false) : series([100 * initial, ...eer], 'y3', 'solid', false, [0, ...epochs]));
    // bestEpoch 0 is a kept epoch, not a missing one (a truthiness test dropped it).
    const bestEer = c.bestEpoch === undefined ? undefined : c.bestEpoch === 0 ? initial : c.log.find((r) => r.epoch === c.bestEpoch)?.validationEer;
    if (c.bestEpoch !== undefined && bestEer !== undefined) {
      traces.push({ type: 'scatter', mode: 'markers', x: [c.bestEpoch], y: [100 * bestEer], yaxis: 'y3', showlegend: false, marker: { color, size: 11, symbol: 'star' }, hovertemplate: `kept: epoch ${c.bestEpoch}${c.bestEpoch === 0 ? ' (untrained)' : ''}<extra>${escapeHtml(c.name)}</extra>` });
    } else if (c.bestEpoch === 0) {
      // Kept the untrained head, whose EER was not given: say so in the EER panel rather than show nothing.
      annotations.push({ xref: 'x', yref: 'paper', x: 0, y: 0.28 - 0.035 * annotations.length, xanchor: 'left', showarrow: false, text: `${escapeHtml(c.name)}: kept epoch 0 (untrained)`, font: { color } });
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
    annotations,
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
