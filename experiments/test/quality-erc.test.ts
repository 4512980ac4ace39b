import { describe, expect, it } from 'vitest';
import { scoreSetFromLabelled, verificationReport } from '@biofuse/core';
import { formatQualityErcTable } from '../src/report/quality-erc-table';
import { detPageHtml, type EvaluationRow } from '../src/report/det-page';
import { qualityErcs } from '../src/run/quality-erc';

// Ten genuine comparisons (one could not be made) and ten impostors; quality in [0, 1].
const genuine = [0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.3, 0.2, Number.NaN];
const genuineQuality = [0.9, 0.8, 0.9, 0.7, 0.8, 0.6, 0.9, 0.2, 0.5, Number.NaN];
const impostor = [0.1, 0.15, 0.2, 0.25, 0.05, 0.35, 0.12, 0.18, 0.22, 0.08];
const scores = Float64Array.from([...genuine, ...impostor]);
const labels = Uint8Array.from([...genuine.map(() => 1), ...impostor.map(() => 0)]);
const quality = Float64Array.from([...genuineQuality, ...impostor.map(() => 0.5)]);

describe('qualityErcs', () => {
  const report = verificationReport(scoreSetFromLabelled(scores, labels), { targetFmrs: [0.1, 0.01] });
  const [atTenth, atHundredth] = qualityErcs(scores, labels, quality, report);

  it('starts from the report\'s FNMR at each target and ranks a failed comparison lowest', () => {
    // FMR 10 %: one impostor of ten (0.35) may pass, so the threshold lies just above 0.25.
    expect(atTenth.threshold).toBe(report.fnmrAtFmr[0].threshold);
    expect(atTenth.fnmr[0]).toBeCloseTo(report.fnmrAtFmr[0].fnmr, 12);
    expect(atTenth.fnmr[0]).toBeCloseTo(0.2, 12); // 0.2 and the failure
    // Rejecting 10 % removes the failure first (quality unknown = lowest): 1 of 9 left.
    expect(atTenth.fnmr[2]).toBeCloseTo(1 / 9, 12);
    // Rejecting 20 % removes the 0.3 comparison (quality 0.2) next, which matched: still 1 of 8.
    expect(atTenth.fnmr[3]).toBeCloseTo(1 / 8, 12);
    expect(atHundredth.fnmr[0]).toBeCloseTo(report.fnmrAtFmr[1].fnmr, 12);
    expect(atTenth.curve.rejected[0]).toBe(0);
    // Seven distinct qualities (the failure's lowest among them): every point up to half rejected is kept.
    expect(atTenth.curve.rejected.map((r) => Math.round(r * 10))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(atTenth.shareOfIdeal).toBeGreaterThan(0);
    expect(atTenth.shareOfIdeal).toBeLessThan(1);
  });

  it('reaches the terminal table and the DET page, one row per distinct threshold', () => {
    const row: EvaluationRow = { name: 'finger', report, qualityErc: [atTenth, atHundredth] };
    const table = formatQualityErcTable([row]);
    expect(table).toMatch(/error-versus-reject/);
    expect(atTenth.threshold).not.toBe(atHundredth.threshold);
    expect(table.split('\n').filter((l) => l.startsWith('finger')).length).toBe(2);
    // With ten impostors, FMR 1 % and 0.1 % both come down to accepting none: one threshold, one row.
    const tight = verificationReport(scoreSetFromLabelled(scores, labels), { targetFmrs: [0.01, 0.001] });
    const merged = formatQualityErcTable([{ name: 'finger', qualityErc: qualityErcs(scores, labels, quality, tight) }]);
    expect(merged.split('\n').filter((l) => l.startsWith('finger'))).toEqual([expect.stringMatching(/^finger\s+0\.01, 0\.001\s/)]);
    expect(formatQualityErcTable([{ name: 'face' }])).toBe('');
    const page = detPageHtml('t', [row]);
    expect(page).toContain('<div id="erc">');
    expect(detPageHtml('t', [{ name: 'face', report }])).not.toContain('id="erc"');
  });
});
