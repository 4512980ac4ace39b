import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let plotlySource: string | undefined;

/** The colours of successive curves on biofuse's plotly pages (plotly's own sequence). */
export const CURVE_COLOURS: readonly string[] = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

/**
 * plotly.js (basic bundle) read once from node_modules and made safe to inline in a `<script>`,
 * so every page biofuse writes works offline.
 */
export function plotlyScript(): string {
  if (plotlySource === undefined) {
    const require = createRequire(import.meta.url);
    const path = require.resolve('plotly.js-basic-dist-min');
    plotlySource = readFileSync(path, 'utf8').replaceAll('</script', '<\\/script');
  }
  return plotlySource;
}

/** Text made safe for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** JSON safe inside a `<script>` element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c');
}
