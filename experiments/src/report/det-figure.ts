import { CURVE_COLOURS, escapeHtml, probit } from '@biofuse/core';
import { detAxes, detDiagonal, type DetAxis } from './det-axes';
import type { EvaluationRow } from './det-page';

/** The figure's size in pixels, and the plot area's margins inside it. */
const WIDTH = 820;
const HEIGHT = 680;
const MARGIN = { left: 78, right: 24, top: 52, bottom: 64 };
const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';
/** The most characters of a title, and of a legend line, that fit the figure's width; longer ones end in an ellipsis. */
const TITLE_CHARACTERS = 80;
const LEGEND_CHARACTERS = 90;
/** The most legend lines that fit the plot's height: beyond them the legend says how many more. */
const LEGEND_LINES = 24;

/**
 * The DET plot of det-page.ts as a static SVG drawing (the same axes, curves, EER marks and
 * diagonal, with a legend of each system's EER): what a paper or slide takes, where the page is
 * for reading values off. Deterministic: the same curves give the same bytes.
 */
export function detFigureSvg(title: string, curves: readonly EvaluationRow[]): string {
  const { x, y } = detAxes(curves.map((c) => c.report.det));
  const plot = { left: MARGIN.left, right: WIDTH - MARGIN.right, top: MARGIN.top, bottom: HEIGHT - MARGIN.bottom };
  const px = (v: number) => plot.left + ((v - x.range[0]) / (x.range[1] - x.range[0])) * (plot.right - plot.left);
  const py = (v: number) => plot.bottom - ((v - y.range[0]) / (y.range[1] - y.range[0])) * (plot.bottom - plot.top);
  const n = (v: number) => v.toFixed(2);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<clipPath id="plot"><rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}"/></clipPath>`,
    `<text x="${WIDTH / 2}" y="30" text-anchor="middle" font-size="17" ${FONT}>${escapeHtml(shortened(title, TITLE_CHARACTERS))}</text>`,
  ];
  out.push(...gridAndTicks(x, 'x', px, plot), ...gridAndTicks(y, 'y', py, plot));
  out.push(`<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="#444"/>`);
  out.push(`<text x="${(plot.left + plot.right) / 2}" y="${HEIGHT - 18}" text-anchor="middle" font-size="14" ${FONT}>${escapeHtml(x.title)}</text>`);
  out.push(`<text transform="translate(20 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="14" ${FONT}>${escapeHtml(y.title)}</text>`);
  const [d0, d1] = detDiagonal(x, y);
  out.push(`<g clip-path="url(#plot)">`);
  out.push(`<line x1="${n(px(d0))}" y1="${n(py(d0))}" x2="${n(px(d1))}" y2="${n(py(d1))}" stroke="#999" stroke-dasharray="2 3"/>`);
  curves.forEach((c, i) => {
    const colour = CURVE_COLOURS[i % CURVE_COLOURS.length];
    const det = c.report.det;
    const points = Array.from(det.fmrDeviate, (v, k) => `${n(px(v))},${n(py(det.fnmrDeviate[k]))}`).join(' ');
    out.push(`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2" stroke-linejoin="round"/>`);
    const eer = c.report.eer.value;
    if (eer > 0 && eer < 1) out.push(`<circle cx="${n(px(probit(eer)))}" cy="${n(py(probit(eer)))}" r="5" fill="none" stroke="${colour}" stroke-width="2"/>`);
  });
  out.push('</g>', ...legend(curves, plot.right - 10, plot.top + 10), '</svg>', '');
  return out.join('\n');
}

/** An axis's grid lines and tick labels. */
function gridAndTicks(axis: DetAxis, along: 'x' | 'y', at: (v: number) => number, plot: { left: number; right: number; top: number; bottom: number }): string[] {
  return axis.ticks.flatMap((t, k) => {
    const p = at(t).toFixed(2);
    const label = escapeHtml(axis.labels[k]);
    return along === 'x'
      ? [`<line x1="${p}" y1="${plot.top}" x2="${p}" y2="${plot.bottom}" stroke="#e5e5e5"/>`, `<text x="${p}" y="${plot.bottom + 18}" text-anchor="middle" font-size="12" ${FONT}>${label}</text>`]
      : [`<line x1="${plot.left}" y1="${p}" x2="${plot.right}" y2="${p}" stroke="#e5e5e5"/>`, `<text x="${plot.left - 8}" y="${p}" dy="4" text-anchor="end" font-size="12" ${FONT}>${label}</text>`];
  });
}

/** The legend box, its top right corner at (right, top): each system's colour, name and EER. */
function legend(curves: readonly EvaluationRow[], right: number, top: number): string[] {
  if (curves.length === 0) return [];
  const named = curves.map((c) => shortened(`${c.label ?? c.name} (EER ${(c.report.eer.value * 100).toFixed(2)} %)`, LEGEND_CHARACTERS));
  const shown = named.length > LEGEND_LINES ? LEGEND_LINES - 1 : named.length;
  const lines = named.slice(0, shown);
  if (shown < named.length) lines.push(`... and ${named.length - shown} more (see the page)`);
  // No text measuring in SVG: a width from the longest label, at about 0.6 em per character.
  const width = 44 + Math.max(...lines.map((l) => l.length)) * 7.2;
  const height = 10 + 20 * lines.length;
  const left = right - width;
  return [
    `<rect x="${left.toFixed(2)}" y="${top}" width="${width.toFixed(2)}" height="${height}" fill="#fff" fill-opacity="0.9" stroke="#ccc"/>`,
    ...lines.flatMap((line, i) => {
      const y = top + 20 + 20 * i;
      const colour = CURVE_COLOURS[i % CURVE_COLOURS.length];
      const text = `<text x="${(left + 38).toFixed(2)}" y="${y}" font-size="12" ${FONT}>${escapeHtml(line)}</text>`;
      if (i >= shown) return [text];
      return [`<line x1="${(left + 8).toFixed(2)}" y1="${y - 4}" x2="${(left + 32).toFixed(2)}" y2="${y - 4}" stroke="${colour}" stroke-width="2"/>`, text];
    }),
  ];
}

/** `text` cut to `max` characters, ending in an ellipsis where it was cut. */
function shortened(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
}
