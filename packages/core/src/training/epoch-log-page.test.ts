import { describe, expect, it } from 'vitest';
import { epochLogPage } from './epoch-log-page';

describe('epochLogPage', () => {
  it('plots loss, active share and validation EER per epoch, offline, with the kept epoch marked', () => {
    const log = [1, 2, 3].map((epoch) => ({ epoch, loss: 1 / epoch, activeShare: 0.5 / epoch, validationEer: 0.2 - 0.01 * epoch, seconds: 1, samplesPerSecond: 100 }));
    const html = epochLogPage('heads <low-res>', [{ name: 'triplet', log, bestEpoch: 3 }, { name: 'binary', log: log.map((r) => ({ ...r, activeShare: Number.NaN })) }]);
    expect(html).toContain('<title>heads &lt;low-res&gt;</title>');
    expect(html).toMatch(/Plotly\.newPlot\('log'/);
    expect(html).not.toMatch(/<script src=/); // plotly inlined
    const data = JSON.parse(/Plotly\.newPlot\('log', (\[.*?\]), \{"height"/s.exec(html)?.[1] ?? '[]') as { name?: string; y: (number | null)[]; hovertemplate?: string }[];
    expect(data.filter((t) => t.name === 'triplet').length).toBe(3); // loss, active, EER
    expect(data.find((t) => t.hovertemplate?.includes('kept: epoch 3'))?.y[0]).toBeCloseTo(17, 10);
    expect(data.filter((t) => t.name === 'binary')[1].y).toEqual([null, null, null]); // NaN active share: a gap
  });

  it('plots the untrained head at epoch 0 and marks it when it was kept (bestEpoch 0 was taken for none)', () => {
    const log = [1, 2, 3].map((epoch) => ({ epoch, loss: 1 / epoch, activeShare: 0.5, validationEer: 0.2 + epoch / 100, seconds: 1, samplesPerSecond: 10 }));
    const traces = (html: string) => JSON.parse(/Plotly\.newPlot\('log', (\[.*?\]), \{"height"/s.exec(html)?.[1] ?? '[]') as { x: number[]; y: (number | null)[]; yaxis: string; hovertemplate?: string }[];
    const data = traces(epochLogPage('t', [{ name: 'binary', log, bestEpoch: 0, initialValidationEer: 0.15 }]));
    const eer = data.find((t) => t.yaxis === 'y3' && t.hovertemplate === undefined)!;
    expect(eer.x).toEqual([0, 1, 2, 3]);
    expect(eer.y[0]).toBeCloseTo(15, 10);
    const star = data.find((t) => t.hovertemplate?.includes('kept: epoch 0 (untrained)'));
    expect(star?.x).toEqual([0]);
    expect(star?.y[0]).toBeCloseTo(15, 10);
    expect(data.find((t) => t.yaxis === 'y')!.x).toEqual([1, 2, 3]); // no loss at epoch 0
    // Without the untrained EER there is no point to mark: the panel says so instead.
    const html = epochLogPage('t', [{ name: 'binary', log, bestEpoch: 0 }]);
    expect(traces(html).some((t) => t.hovertemplate !== undefined)).toBe(false);
    expect(html).toContain('binary: kept epoch 0 (untrained)');
    // A NaN untrained EER (a run without validation) is not plotted.
    expect(traces(epochLogPage('t', [{ name: 'x', log, bestEpoch: 3, initialValidationEer: Number.NaN }])).find((t) => t.yaxis === 'y3')!.x).toEqual([1, 2, 3]);
  });
});
