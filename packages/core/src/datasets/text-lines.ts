import { readFile } from 'node:fs/promises';
import { DatasetError } from '../errors';

/**
 * A UTF-8 file's text. A file that cannot be read is a DatasetError at `at` (the file unless
 * given), worded by `message` from the reason (the errno code, such as ENOENT, where there is
 * one), with the read's error as its cause.
 */
export async function readTextFile(path: string, message: (reason: string) => string, at: string = path): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new DatasetError(message((err as NodeJS.ErrnoException).code ?? String(err)), at, undefined, { cause: err });
  }
}

/**
 * A text file's non-empty lines with their 1-based line numbers; a missing file is a DatasetError,
 * and so is a line that is not UTF-8 text.
 */
export async function readTextLines(path: string): Promise<{ text: string; line: number }[]> {
  let text = await readTextFile(path, (reason) => `cannot read (${reason})`);
  // A byte-order mark (editors on Windows write one) would become part of the first path.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const out: { text: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (t.length === 0 || t.startsWith('#')) return;
    // Bytes that are not UTF-8 (a binary file, a Latin-1 export) decoded to U+FFFD, and a NUL
    // byte stayed: either way a path or label that names nothing in the file, read without a word.
    const bad = /[\uFFFD\0]/.exec(raw);
    if (bad) throw new DatasetError(`not UTF-8 text: ${bad[0] === '\0' ? 'a NUL byte' : 'bytes that are not UTF-8'} at column ${bad.index + 1} (a binary file, or text in another encoding: save it as UTF-8)`, path, i + 1);
    out.push({ text: raw.replace(/\r$/, ''), line: i + 1 });
  });
  return out;
}
