import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { ComparisonScores } from '../sources/comparison-scores';

/**
 * scores.csv: one row per comparison, `probe,reference,label,kind`, then for every system its
 * score and the reason it is missing (`<system>`, `<system>_error`). An empty score means the
 * comparison could not be made; it still counts in the metrics.
 */
export async function writeScoresCsv(path: string, data: ComparisonScores): Promise<void> {
  const out = createWriteStream(path);
  const header = ['probe', 'reference', 'label', 'kind', ...data.systems.flatMap((s) => [s.name, `${s.name}_error`])];
  let chunk = `${header.map(csvCell).join(',')}\n`;
  for (let i = 0; i < data.label.length; i++) {
    chunk += `${csvCell(data.probe[i])},${csvCell(data.reference[i])},${data.label[i]},${csvCell(data.kind[i])}`;
    for (const s of data.systems) {
      const v = s.scores[i];
      chunk += `,${Number.isNaN(v) ? '' : String(v)},${csvCell(s.errors[i] ?? '')}`;
    }
    chunk += '\n';
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

/** Quotes a CSV cell when it holds a comma, a quote or a line break (RFC 4180). */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
