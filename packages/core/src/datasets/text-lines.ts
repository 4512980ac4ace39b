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
 * A text file's non-empty lines with their 1-based line numbers (lines starting with # are
 * comments); a missing file is a DatasetError, and so is a line that is not UTF-8 text (a binary
 * file, a Latin-1 export: its bytes decoded to U+FFFD, a path or label that named nothing) or
 * holds a NUL byte.
 */
export async function readTextLines(path: string): Promise<{ text: string; line: number }[]> {
  const bytes = await readFile(path).catch((err: unknown) => {
    throw new DatasetError(`cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, path, undefined, { cause: err });
  });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const out: { text: string; line: number }[] = [];
  // A byte-order mark (editors on Windows write one) would become part of the first path.
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (let line = 1; start <= bytes.length; line++) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline < 0 ? bytes.length : newline;
    const lineBytes = bytes.subarray(start, end);
    start = end + 1;
    let raw: string;
    try {
      raw = decoder.decode(lineBytes).replace(/\r$/, '');
    } catch {
      if (isComment(lineBytes)) continue;
      throw new DatasetError(`not UTF-8 text: bytes that are not UTF-8 at column ${firstInvalidUtf8(lineBytes) + 1} (a binary file, or text in another encoding: save it as UTF-8)`, path, line);
    }
    const t = raw.trim();
    if (t.length === 0 || t.startsWith('#')) continue;
    const nul = raw.indexOf('\0');
    if (nul >= 0) throw new DatasetError(`not UTF-8 text: a NUL byte at column ${nul + 1} (a binary file, or text in another encoding: save it as UTF-8)`, path, line);
    out.push({ text: raw, line });
  }
  return out;
}

/** Whether a line's first byte that is not a blank is "#". */
function isComment(line: Uint8Array): boolean {
  const first = line.findIndex((b) => b !== 0x20 && b !== 0x09);
  return first >= 0 && line[first] === 0x23;
}

/** The offset of the first byte of the first ill-formed UTF-8 sequence in bytes known to hold one. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  // A prefix decodes (an unfinished sequence at its end allowed) until it takes in the bad byte:
  // halving finds that length without decoding ever longer prefixes.
  const decodes = (n: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let ok = 0;
  let bad = bytes.length;
  while (bad - ok > 1) {
    const mid = (ok + bad) >>> 1;
    if (decodes(mid)) ok = mid;
    else bad = mid;
  }
  // The byte that broke a sequence may be plain ("\xE9." of Latin-1 "é."): the sequence began at its lead byte.
  const last = bad - 1;
  for (let k = last; k >= Math.max(0, last - 3); k--) {
    if (bytes[k] >= 0xc0) return k;
    if (bytes[k] < 0x80 && k < last) break;
  }
  return last;
}
