import { escapeHtml } from '@biofuse/core';

/** Terminal lines: the first column left-aligned, the others right-aligned, a dashed rule under the header. */
export function textTableLines(header: readonly string[], body: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c].length)));
  const line = (cells: readonly string[]) => cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
}

/** The same table for a results page (escaped, inside the page's scrolling `.table` box). */
export function htmlTable(header: readonly string[], body: readonly (readonly string[])[]): string {
  const cells = (tag: 'th' | 'td', row: readonly string[]) => row.map((x) => `<${tag}>${escapeHtml(x)}</${tag}>`).join('');
  return `<div class="table"><table><thead><tr>${cells('th', header)}</tr></thead><tbody>${body.map((r) => `<tr>${cells('td', r)}</tr>`).join('')}</tbody></table></div>`;
}
