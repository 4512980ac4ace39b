import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { DatasetError, decimalRefusal, parseDecimal, readTextFile } from '@biofuse/core';
import type { ComparisonScores, SystemScores } from '../sources/comparison-scores';

const FIXED = ['probe', 'reference', 'probe_subject', 'reference_subject', 'label', 'kind'] as const;

/**
 * scores.csv: one row per comparison, `probe,reference,probe_subject,reference_subject,label,kind`,
 * then for every system its score and the reason it is missing (`<system>`, `<system>_error`).
 * An empty score means the comparison could not be made; it still counts in the metrics.
 */
export async function writeScoresCsv(path: string, data: ComparisonScores): Promise<void> {
  const out = createWriteStream(path);
  const header = [...FIXED, ...data.systems.flatMap((s) => [s.name, `${s.name}_error`])];
  let chunk = `${header.map(csvCell).join(',')}\n`;
  for (let i = 0; i < data.label.length; i++) {
    chunk += `${csvCell(data.probe[i])},${csvCell(data.reference[i])},${csvCell(data.probeSubject[i])},${csvCell(data.referenceSubject[i])},${data.label[i]},${csvCell(data.kind[i])}`;
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

/** Reads a scores.csv written by writeScoresCsv back into comparisons and systems. */
export async function readScoresCsv(path: string): Promise<ComparisonScores> {
  const text = await readTextFile(path, (reason) => `cannot read scores (${reason})`);
  // A byte-order mark (a spreadsheet's export) is not part of the first column's name.
  const records = csvRecords(text.replace(/^\uFEFF/, ''), path);
  const first = records.next();
  if (first.done) throw new DatasetError('empty scores file', path);
  const header = first.value.cells;
  FIXED.forEach((name, k) => {
    if (header[k] !== name) throw new DatasetError(`column ${k + 1} must be "${name}" (a biofuse scores.csv), got "${header[k] ?? ''}"`, path, 1);
  });
  const systemNames: string[] = [];
  for (let c = FIXED.length; c < header.length; c += 2) {
    if (header[c + 1] !== `${header[c]}_error`) throw new DatasetError(`column "${header[c]}" must be followed by "${header[c]}_error"`, path, 1);
    if (systemNames.includes(header[c])) throw new DatasetError(`system "${header[c]}" has two columns`, path, 1);
    systemNames.push(header[c]);
  }
  const probe: string[] = [];
  const reference: string[] = [];
  const probeSubject: string[] = [];
  const referenceSubject: string[] = [];
  const kind: string[] = [];
  const labels: number[] = [];
  const columns = systemNames.map(() => ({ scores: [] as number[], errors: [] as (string | undefined)[] }));
  for (const { cells, line } of records) {
    if (cells.length !== header.length) throw new DatasetError(`expected ${header.length} cells, got ${cells.length}`, path, line);
    if (cells[4] !== '0' && cells[4] !== '1') throw new DatasetError(`label must be 0 or 1, got "${cells[4]}"`, path, line);
    const label = cells[4] === '1' ? 1 : 0;
    // The kind names the comparison; one that contradicts the label made systems like "a/genuine" of impostors.
    if ((label === 1) !== (cells[5] === 'genuine') || cells[5] === '') {
      throw new DatasetError(`kind "${cells[5]}" does not fit label ${label} (genuine comparisons have kind "genuine", impostor ones another, such as "impostor" or "skilled")`, path, line);
    }
    probe.push(cells[0]);
    reference.push(cells[1]);
    probeSubject.push(cells[2]);
    referenceSubject.push(cells[3]);
    labels.push(label);
    kind.push(cells[5]);
    columns.forEach((column, k) => {
      const cell = cells[FIXED.length + 2 * k];
      // writeScoresCsv writes a DTW that found no path as Infinity: it reads back; ' ' or '0x1F' do not.
      const v = cell === '' ? Number.NaN : parseDecimal(cell, { infinity: true });
      if (cell !== '' && Number.isNaN(v)) throw new DatasetError(`score of ${systemNames[k]} ${decimalRefusal(cell)}: "${cell}"`, path, line);
      column.scores.push(v);
      const err = cells[FIXED.length + 2 * k + 1];
      column.errors.push(err === '' ? (cell === '' ? 'no score' : undefined) : err);
    });
  }
  const label = Uint8Array.from(labels);
  const systems = systemNames.map((name, k) => ({ name, scores: Float64Array.from(columns[k].scores), errors: columns[k].errors }));
  return { probe, reference, probeSubject, referenceSubject, label, kind, systems: systems as SystemScores[], skipped: [], dataFiles: [path] };
}

/** Quotes a CSV cell when it holds a comma, a quote or a line break (RFC 4180). */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The records of a CSV text (RFC 4180), one at a time: cells split at commas, quoted cells may
 * hold commas, quotes ("") and line breaks (csvCell writes an error message with one that way;
 * split into lines first, such a row broke in two). Each record keeps the line it starts on,
 * for messages; blank lines at the end are not records.
 */
export function* csvRecords(text: string, path: string): Generator<{ readonly cells: string[]; readonly line: number }> {
  let line = 1;
  let i = 0;
  // Blank lines are held back until a record follows them: at the end of the file they are none.
  let blanks: number[] = [];
  while (i < text.length) {
    const start = line;
    const cells: string[] = [];
    for (;;) {
      let cell: string;
      if (text[i] === '"') {
        let value = '';
        let from = ++i;
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote < 0) throw new DatasetError('a quoted cell is not closed before the end of the file', path, start);
          for (let k = text.indexOf('\n', i); k >= 0 && k < quote; k = text.indexOf('\n', k + 1)) line++;
          if (text[quote + 1] === '"') {
            value += text.slice(from, quote + 1);
            i = from = quote + 2;
          } else {
            value += text.slice(from, quote);
            i = quote + 1;
            break;
          }
        }
        // What follows a closing quote up to the cell's end belongs to it, as it did to an unquoted one.
        const end = cellEnd(text, i);
        cell = value + text.slice(i, end);
        i = end;
      } else {
        const end = cellEnd(text, i);
        cell = text.slice(i, end);
        i = end;
      }
      cells.push(cell);
      if (text[i] === ',') {
        i++;
        continue;
      }
      // A record ends at \n, \r\n or the end of the text.
      if (text[i] === '\r') i++;
      if (i < text.length) {
        i++;
        line++;
      }
      break;
    }
    if (cells.length === 1 && cells[0] === '') {
      blanks.push(start);
      continue;
    }
    for (const b of blanks) yield { cells: [''], line: b };
    blanks = [];
    yield { cells, line: start };
  }
}

/** Where an unquoted cell starting at `from` ends: at a comma, a line end (\n or \r\n) or the end of the text. */
function cellEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const ch = text[i];
    if (ch === ',' || ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) return i;
    i++;
  }
  return i;
}
