import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { DatasetError, parseDecimal, readTextFile } from '@biofuse/core';
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
  if (records.length === 0) throw new DatasetError('empty scores file', path);
  const header = records[0].cells;
  FIXED.forEach((name, k) => {
    if (header[k] !== name) throw new DatasetError(`column ${k + 1} must be "${name}" (a biofuse scores.csv), got "${header[k] ?? ''}"`, path, 1);
  });
  const systemNames: string[] = [];
  for (let c = FIXED.length; c < header.length; c += 2) {
    if (header[c + 1] !== `${header[c]}_error`) throw new DatasetError(`column "${header[c]}" must be followed by "${header[c]}_error"`, path, 1);
    if (systemNames.includes(header[c])) throw new DatasetError(`system "${header[c]}" has two columns`, path, 1);
    systemNames.push(header[c]);
  }
  const n = records.length - 1;
  const probe: string[] = new Array(n);
  const reference: string[] = new Array(n);
  const probeSubject: string[] = new Array(n);
  const referenceSubject: string[] = new Array(n);
  const kind: string[] = new Array(n);
  const label = new Uint8Array(n);
  const systems: { name: string; scores: Float64Array; errors: (string | undefined)[] }[] = systemNames.map((name) => ({
    name,
    scores: new Float64Array(n),
    errors: new Array(n).fill(undefined),
  }));
  for (let i = 0; i < n; i++) {
    const { cells, line } = records[i + 1];
    if (cells.length !== header.length) throw new DatasetError(`expected ${header.length} cells, got ${cells.length}`, path, line);
    [probe[i], reference[i], probeSubject[i], referenceSubject[i]] = cells;
    if (cells[4] !== '0' && cells[4] !== '1') throw new DatasetError(`label must be 0 or 1, got "${cells[4]}"`, path, line);
    label[i] = cells[4] === '1' ? 1 : 0;
    kind[i] = cells[5];
    // The kind names the comparison; one that contradicts the label made systems like "a/genuine" of impostors.
    if ((label[i] === 1) !== (kind[i] === 'genuine') || kind[i] === '') {
      throw new DatasetError(`kind "${kind[i]}" does not fit label ${label[i]} (genuine comparisons have kind "genuine", impostor ones another, such as "impostor" or "skilled")`, path, line);
    }
    systems.forEach((s, k) => {
      const cell = cells[FIXED.length + 2 * k];
      // writeScoresCsv writes a DTW that found no path as Infinity: it reads back; ' ' or '0x1F' do not.
      const v = cell === '' ? Number.NaN : parseDecimal(cell, { infinity: true });
      if (cell !== '' && Number.isNaN(v)) throw new DatasetError(`score of ${s.name} is not a number: "${cell}"`, path, line);
      s.scores[i] = v;
      const err = cells[FIXED.length + 2 * k + 1];
      s.errors[i] = err === '' ? (cell === '' ? 'no score' : undefined) : err;
    });
  }
  return { probe, reference, probeSubject, referenceSubject, label, kind, systems: systems as SystemScores[], skipped: [], dataFiles: [path] };
}

/** Quotes a CSV cell when it holds a comma, a quote or a line break (RFC 4180). */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The records of a CSV text (RFC 4180): cells split at commas, quoted cells may hold commas,
 * quotes ("") and line breaks (csvCell writes an error message with one that way; split into
 * lines first, such a row broke in two). Each record keeps the line it starts on, for messages;
 * blank lines at the end are not records.
 */
export function csvRecords(text: string, path: string): { readonly cells: string[]; readonly line: number }[] {
  const records: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = () => {
    cells.push(cell);
    records.push({ cells, line: start });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') line++;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') {
        i++;
        line++;
      }
      endRecord();
      start = line;
    } else cell += ch;
  }
  if (quoted) throw new DatasetError('a quoted cell is not closed before the end of the file', path, start);
  endRecord();
  while (records.length > 0 && records[records.length - 1].cells.length === 1 && records[records.length - 1].cells[0] === '') records.pop();
  return records;
}
