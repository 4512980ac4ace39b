import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

let plotlySource: string | undefined;

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
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** JSON safe inside a `<script>` element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c');
}
