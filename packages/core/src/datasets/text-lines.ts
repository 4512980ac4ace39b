import { readFile } from 'node:fs/promises';
import { DatasetError } from '../errors';

/** A text file's non-empty lines with their 1-based line numbers; a missing file is a DatasetError. */
export async function readTextLines(path: string): Promise<{ text: string; line: number }[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DatasetError(`cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, path);
  }
  // A byte-order mark (editors on Windows write one) would become part of the first path.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const out: { text: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (t.length > 0 && !t.startsWith('#')) out.push({ text: raw.replace(/\r$/, ''), line: i + 1 });
  });
  return out;
}
