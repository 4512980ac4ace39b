import { describe, expect, it } from 'vitest';
import { errorRateCurve, probit, scoreSet, seededRandom, verificationReport, type VerificationReport } from '@biofuse/core';
import { detPageHtml } from '../src/report/det-page';

interface Trace {
  readonly name: string;
  readonly x: number[];
  readonly y: number[];
}

/** The DET plot's traces and layout as the page hands them to plotly. */
function plot(html: string): { traces: Trace[]; layout: { xaxis: { range: number[] }; yaxis: { range: number[] } } } {
  const call = html.slice(html.indexOf("Plotly.newPlot('det', ") + "Plotly.newPlot('det', ".length);
  const [traces, layout] = JSON.parse(`[${call.slice(0, call.indexOf(', {responsive'))}]`);
  return { traces, layout };
}

const curveOf = (html: string, name: string) => {
  const t = plot(html).traces.find((x) => x.name.startsWith(`${name} (EER`));
  if (!t) throw new Error(`no curve ${name}`);
  return t;
};

describe('DET page', () => {
  it('draws a curve whose runs end at a rate of 0 (it drew nothing)', () => {
    // FNMR stays at 1/2 while FMR falls 1 -> 2/3 -> 1/3 -> 0: det.json keeps only the run's ends.
    const report = verificationReport(scoreSet({ genuine: [0.5, 5], impostor: [1, 2, 3] }));
    const t = curveOf(detPageHtml('t', [{ name: 'sys', report }]), 'sys');
    expect(t.x.length).toBe(4);
    // FMR 0 is drawn half an impostor from the edge (0.5 / 3), FNMR 0 half a genuine (0.5 / 2).
    expect(Math.min(...t.x)).toBeCloseTo(probit(0.5 / 3), 12);
    expect(Math.min(...t.y)).toBeCloseTo(probit(0.5 / 2), 12);
    // The measured points (2/3, 1/2) and (1/3, 1/2) lie on the drawn horizontal run.
    const run = t.x.filter((_, k) => t.y[k] === 0);
    expect(Math.min(...run)).toBeLessThan(probit(1 / 3));
    expect(Math.max(...run)).toBeGreaterThan(probit(2 / 3));
  });

  it('draws the whole measured range of a real run shape, and its axes reach the edge drawn for a rate of 0', () => {
    // quickstart-fingerprint's shape: 840 genuine, 435 impostor, well separated (EER near 0.2 %).
    const rng = seededRandom(3);
    const genuine = Array.from({ length: 840 }, () => 4.6 + rng.normal());
    const impostor = Array.from({ length: 435 }, () => rng.normal());
    const set = scoreSet({ genuine, impostor });
    const report = verificationReport(set);
    const html = detPageHtml('t', [{ name: 'fp', report }]);
    const t = curveOf(html, 'fp');
    // Every operating point with both rates measurable (in (0, 1)) lies within the drawn range.
    const full = errorRateCurve(set);
    let lowFmr = 1;
    let lowFnmr = 1;
    for (let k = 0; k < full.fmr.length; k++) {
      if (full.fmr[k] > 0 && full.fmr[k] < 1 && full.fnmr[k] > 0 && full.fnmr[k] < 1) {
        lowFmr = Math.min(lowFmr, full.fmr[k]);
        lowFnmr = Math.min(lowFnmr, full.fnmr[k]);
      }
    }
    expect(Math.min(...t.x)).toBeLessThanOrEqual(probit(lowFmr));
    expect(Math.min(...t.y)).toBeLessThanOrEqual(probit(lowFnmr));
    expect(Math.min(...t.x)).toBeCloseTo(probit(0.5 / 435), 12);
    const { layout } = plot(html);
    expect(layout.xaxis.range[0]).toBeLessThan(probit(0.5 / 435));
    expect(layout.yaxis.range[0]).toBeLessThan(Math.min(...t.y));
    expect(html).toMatch(/it is drawn at 0\.5 \/ n, half of one comparison/);
  });

  it('draws a perfectly separated system along the edges and says so', () => {
    const report = verificationReport(scoreSet({ genuine: [5, 6, 7, 8], impostor: [0, 1, 2, 3, 4] }));
    expect(report.eer.value).toBe(0);
    const html = detPageHtml('t', [{ name: 'signature/random', report }]);
    const t = curveOf(html, 'signature/random');
    expect(t.x.length).toBeGreaterThanOrEqual(3);
    expect(Math.min(...t.x)).toBeCloseTo(probit(0.5 / 5), 12);
    expect(Math.min(...t.y)).toBeCloseTo(probit(0.5 / 4), 12);
    expect(html).toMatch(/signature\/random separates its genuine and impostor comparisons completely \(EER 0\)/);
  });

  it('explains the * of a target below the resolution, as the terminal table does', () => {
    const few = verificationReport(scoreSet({ genuine: [1, 2, 3], impostor: [0, 1.5, 0.5] }), { targetFmrs: [1e-2] });
    expect(few.fnmrAtFmr[0]).toMatchObject({ belowResolution: true, unreachable: false });
    expect(detPageHtml('t', [{ name: 'a', report: few }])).toMatch(/\* target FMR below 1 \/ \(impostor comparisons\): not measurable on this set/);
    const many = verificationReport(scoreSet({ genuine: [1, 2, 3], impostor: Array.from({ length: 200 }, (_, i) => i / 400) }), { targetFmrs: [1e-2] });
    expect(detPageHtml('t', [{ name: 'a', report: many as VerificationReport }])).not.toMatch(/not measurable on this set/);
    // Impostors at +Infinity: reachable by count, not by any threshold; the page says so, and only that.
    const infinite = verificationReport(scoreSet({ genuine: [1, 2, 3], impostor: [...Array.from({ length: 197 }, (_, i) => i / 400), Infinity, Infinity, Infinity] }), { targetFmrs: [1e-2] });
    const page = detPageHtml('t', [{ name: 'a', report: infinite }]);
    expect(page).toMatch(/\* target FMR not reachable: impostor scores of \+Infinity are accepted at every threshold/);
    expect(page).not.toMatch(/not measurable on this set/);
  });
});
