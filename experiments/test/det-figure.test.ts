import { describe, expect, it } from 'vitest';
import { decodeImage, pngFromSvg, probit, scoreSet, seededRandom, verificationReport } from '@biofuse/core';
import { detAxes } from '../src/report/det-axes';
import { detFigureSvg } from '../src/report/det-figure';
import { detPageHtml } from '../src/report/det-page';

/** Two seeded systems, one stronger than the other. */
function systems() {
  const rng = seededRandom(17);
  const make = (dPrime: number) => verificationReport(scoreSet({ genuine: Array.from({ length: 400 }, () => dPrime + rng.normal()), impostor: Array.from({ length: 900 }, () => rng.normal()) }));
  return [
    { name: 'strong <fp>', report: make(3) },
    { name: 'weak & slow', report: make(1.5) },
  ];
}

/** The numbers of an SVG element's attribute, for every element of that kind. */
const attributes = (svg: string, element: string, attribute: string) => [...svg.matchAll(new RegExp(`<${element} [^>]*${attribute}="([^"]+)"`, 'g'))].map((m) => m[1]);

describe('DET figure (det.svg, det.png)', () => {
  it('draws each curve through every DET point on the page\'s axes, its EER on the diagonal, and names each system with its EER', () => {
    const curves = systems();
    const svg = detFigureSvg('runs: a < b', curves);
    expect(detFigureSvg('runs: a < b', curves)).toBe(svg); // the same bytes each time
    // Text is escaped: the title and the names carry < and &.
    expect(svg).toContain('>runs: a &lt; b</text>');
    expect(svg).toContain(`>strong &lt;fp&gt; (EER ${(curves[0].report.eer.value * 100).toFixed(2)} %)</text>`);
    expect(svg).toContain('>weak &amp; slow (EER ');
    // One polyline per system, with every point of its DET curve, placed on the page's axes.
    const polylines = attributes(svg, 'polyline', 'points').map((p) => p.split(' ').map((xy) => xy.split(',').map(Number)));
    expect(polylines.map((p) => p.length)).toEqual(curves.map((c) => c.report.det.fmrDeviate.length));
    const { x, y } = detAxes(curves.map((c) => c.report.det));
    const [left, right, top, bottom] = [78, 820 - 24, 52, 680 - 64];
    const det = curves[0].report.det;
    for (const k of [0, det.fmrDeviate.length >> 1, det.fmrDeviate.length - 1]) {
      expect(polylines[0][k][0]).toBeCloseTo(left + ((det.fmrDeviate[k] - x.range[0]) / (x.range[1] - x.range[0])) * (right - left), 1);
      expect(polylines[0][k][1]).toBeCloseTo(bottom - ((det.fnmrDeviate[k] - y.range[0]) / (y.range[1] - y.range[0])) * (bottom - top), 1);
    }
    // The EER marks: one per system, at probit(EER) on both axes.
    const cx = attributes(svg, 'circle', 'cx').map(Number);
    const cy = attributes(svg, 'circle', 'cy').map(Number);
    expect(cx.length).toBe(2);
    const eer = curves[1].report.eer.value;
    expect(cx[1]).toBeCloseTo(left + ((probit(eer) - x.range[0]) / (x.range[1] - x.range[0])) * (right - left), 1);
    expect(cy[1]).toBeCloseTo(bottom - ((probit(eer) - y.range[0]) / (y.range[1] - y.range[0])) * (bottom - top), 1);
    // The page's plotly axes are the same ones.
    const html = detPageHtml('t', curves);
    expect(html).toContain(`"range":[${x.range[0]},${x.range[1]}]`);
    expect(html).toContain(`"ticktext":${JSON.stringify(x.labels)}`);
  });

  it('keeps a long title and many long names inside the figure, saying how many systems the legend leaves out', () => {
    const [one] = systems();
    const many = Array.from({ length: 30 }, (_, i) => ({ ...one, name: `run ${i} `.padEnd(150, 'x') }));
    const svg = detFigureSvg('t'.repeat(200), many);
    expect(svg).toContain(`>${'t'.repeat(79)}\u2026</text>`);
    const legendTexts = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" font-size="12" [^>]*>([^<]*)<\/text>/g)].filter((m) => m[2].startsWith('run') || m[2].startsWith('...'));
    expect(legendTexts.length).toBe(24);
    expect(legendTexts.at(-1)?.[2]).toBe('... and 7 more (see the page)');
    expect(legendTexts.every((m) => m[2].length <= 90)).toBe(true);
    // Every legend line starts inside the plot (its left edge at 78 px) and the box ends above its bottom.
    expect(Math.min(...legendTexts.map((m) => Number(m[1])))).toBeGreaterThan(78);
    expect(attributes(svg, 'polyline', 'points').length).toBe(30);
  });

  it('keeps every system\'s EER in a cut legend line, and renders text XML cannot hold (a control character failed the PNG after the run)', async () => {
    const [one, two] = systems();
    const svg = detFigureSvg('run\u0007s \ud83d\ude00', [{ ...one, name: 'M'.repeat(200) }, { ...two, name: `a\u0001b\ud800` }]);
    expect(svg).toContain(`${'M'.repeat(70)}\u2026 (EER ${(one.report.eer.value * 100).toFixed(2)} %)</text>`);
    expect(svg).toContain('>run\ufffds \ud83d\ude00</text>');
    expect(svg).toContain('>a\ufffdb\ufffd (EER ');
    const { width } = await decodeImage(await pngFromSvg(svg));
    expect(width).toBe(820);
  });

  it('draws a det.json with points that are no numbers (a hand-edited file) without losing the axes', () => {
    const [one] = systems();
    const det = { ...one.report.det, fmrDeviate: Float64Array.from(one.report.det.fmrDeviate, (v, k) => (k === 3 ? Number.NaN : v)) };
    const svg = detFigureSvg('t', [{ ...one, report: { ...one.report, det } }]);
    expect(svg).not.toContain('NaN');
    const [points] = attributes(svg, 'polyline', 'points');
    expect(points.split(' ').length).toBe(det.fmrDeviate.length - 1);
  });

  it('renders to a PNG at twice the figure\'s size, the curves drawn in their colours', async () => {
    const svg = detFigureSvg('t', systems());
    const { data, width, height, channels } = await decodeImage(await pngFromSvg(svg, 2));
    expect([width, height, channels]).toEqual([1640, 1360, 3]);
    // The first system's colour (#1f77b4) and the second's (#d62728) are both drawn.
    const counts = [0, 0];
    for (let i = 0; i < data.length; i += 3) {
      if (Math.abs(data[i] - 0x1f) < 12 && Math.abs(data[i + 1] - 0x77) < 12 && Math.abs(data[i + 2] - 0xb4) < 12) counts[0]++;
      if (Math.abs(data[i] - 0xd6) < 12 && Math.abs(data[i + 1] - 0x27) < 12 && Math.abs(data[i + 2] - 0x28) < 12) counts[1]++;
    }
    expect(counts[0]).toBeGreaterThan(1000);
    expect(counts[1]).toBeGreaterThan(1000);
  });
});
