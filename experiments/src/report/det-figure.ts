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
 * for reading values off. Deterministic: the same curves give the same bytes (a PNG rendered
 * from it draws its text in the machine's fonts). Text runs no further than the figure and the
 * legend box, cut where a name is wider than they are.
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
    `<clipPath id="figure"><rect x="4" y="0" width="${WIDTH - 8}" height="${HEIGHT}"/></clipPath>`,
    `<text x="${WIDTH / 2}" y="30" text-anchor="middle" font-size="17" clip-path="url(#figure)" ${FONT}>${xmlText(shortened(title, TITLE_CHARACTERS))}</text>`,
  ];
  out.push(...gridAndTicks(x, 'x', px, plot), ...gridAndTicks(y, 'y', py, plot));
  out.push(`<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="#444"/>`);
  out.push(`<text x="${(plot.left + plot.right) / 2}" y="${HEIGHT - 18}" text-anchor="middle" font-size="14" ${FONT}>${xmlText(x.title)}</text>`);
  out.push(`<text transform="translate(20 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="14" ${FONT}>${xmlText(y.title)}</text>`);
  const [d0, d1] = detDiagonal(x, y);
  out.push(`<g clip-path="url(#plot)">`);
  out.push(`<line x1="${n(px(d0))}" y1="${n(py(d0))}" x2="${n(px(d1))}" y2="${n(py(d1))}" stroke="#999" stroke-dasharray="2 3"/>`);
  curves.forEach((c, i) => {
    const colour = CURVE_COLOURS[i % CURVE_COLOURS.length];
    const det = c.report.det;
    // Finite points only: a hand-edited det.json read by `biofuse report` may hold others.
    const points = Array.from(det.fmrDeviate, (v, k) => [v, det.fnmrDeviate[k]])
      .filter(([u, v]) => Number.isFinite(u) && Number.isFinite(v))
      .map(([u, v]) => `${n(px(u))},${n(py(v))}`)
      .join(' ');
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
    const label = xmlText(axis.labels[k]);
    return along === 'x'
      ? [`<line x1="${p}" y1="${plot.top}" x2="${p}" y2="${plot.bottom}" stroke="#e5e5e5"/>`, `<text x="${p}" y="${plot.bottom + 18}" text-anchor="middle" font-size="12" ${FONT}>${label}</text>`]
      : [`<line x1="${plot.left}" y1="${p}" x2="${plot.right}" y2="${p}" stroke="#e5e5e5"/>`, `<text x="${plot.left - 8}" y="${p}" dy="4" text-anchor="end" font-size="12" ${FONT}>${label}</text>`];
  });
}

/** The legend box, its top right corner at (right, top): each system's colour, name and EER. */
function legend(curves: readonly EvaluationRow[], right: number, top: number): string[] {
  if (curves.length === 0) return [];
  // The name is cut, never the EER the legend is for.
  const named = curves.map((c) => {
    const eer = ` (EER ${(c.report.eer.value * 100).toFixed(2)} %)`;
    return `${shortened(c.label ?? c.name, LEGEND_CHARACTERS - eer.length)}${eer}`;
  });
  const shown = named.length > LEGEND_LINES ? LEGEND_LINES - 1 : named.length;
  const lines = named.slice(0, shown);
  if (shown < named.length) lines.push(`... and ${named.length - shown} more (see the page)`);
  // No text measuring in SVG: a width from the longest label, at about 0.6 em per character.
  const width = 44 + Math.max(...lines.map((l) => Array.from(l).length)) * 7.2;
  const height = 10 + 20 * lines.length;
  const left = right - width;
  return [
    `<rect x="${left.toFixed(2)}" y="${top}" width="${width.toFixed(2)}" height="${height}" fill="#fff" fill-opacity="0.9" stroke="#ccc"/>`,
    // Wide letters (W, M) run past the estimate: the box clips them.
    `<clipPath id="legend"><rect x="${left.toFixed(2)}" y="${top}" width="${(width - 4).toFixed(2)}" height="${height}"/></clipPath>`,
    ...lines.flatMap((line, i) => {
      const y = top + 20 + 20 * i;
      const colour = CURVE_COLOURS[i % CURVE_COLOURS.length];
      const text = `<text x="${(left + 38).toFixed(2)}" y="${y}" font-size="12" clip-path="url(#legend)" ${FONT}>${xmlText(line)}</text>`;
      if (i >= shown) return [text];
      return [`<line x1="${(left + 8).toFixed(2)}" y1="${y - 4}" x2="${(left + 32).toFixed(2)}" y2="${y - 4}" stroke="${colour}" stroke-width="2"/>`, text];
    }),
  ];
}

/** `text` cut to `max` characters (code points, so no surrogate pair is split), ending in an ellipsis where it was cut. */
function shortened(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}\u2026`;
}

/**
 * Text as SVG (XML) content: escaped, and with the characters XML does not allow (control
 * characters, a lone surrogate, U+FFFE/FFFF) shown as U+FFFD. A config description with a
 * control character made an SVG no XML reader takes, and its PNG failed after the whole run.
 */
function xmlText(text: string): string {
  return escapeHtml(text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}
