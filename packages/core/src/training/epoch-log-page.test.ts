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
});
