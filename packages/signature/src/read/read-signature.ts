import { readFile } from 'node:fs/promises';
import { imageFormatOf } from '@biofuse/core';
import { IN_MEMORY, SignatureFormatError } from '../errors';
import { checkUsableTrajectory, type PenTrajectory } from '../pen-trajectory';
import { checkReadOptions, type ReadOptions } from './builder';
import { parseMcytFpg } from './mcyt-fpg';
import { parsePenCsv, parsePenJson } from './pen-points';
import { parseSvc2004 } from './svc2004-text';
import { LINE_END } from './text-lines';

/**
 * Reads a signature from a path or bytes, recognising the format by content: SVC2004 text
 * (first line a point count), JSON, CSV with an `x,y,t` header, or binary MCYT .fpg. The result
 * passes checkUsableTrajectory (MIN_PEN_DOWN_SAMPLES of ink, among other things), or a typed
 * error naming the file says why not.
 */
export async function readSignature(input: Buffer | Uint8Array | string, opts: ReadOptions & { path?: string } = {}): Promise<PenTrajectory> {
  checkReadOptions(opts, ['path']);
  // `path` names bytes in messages; the rest go to the format's reader.
  const { path: named, ...readOpts } = opts;
  let bytes: Uint8Array;
  let path = named;
  if (typeof input === 'string') {
    path = input;
    try {
      bytes = await readFile(input);
    } catch (err) {
      throw new SignatureFormatError(`cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, input);
    }
  } else bytes = input;
  return checkUsableTrajectory(parseSignatureBytes(bytes, path, readOpts), path ?? IN_MEMORY);
}

/** Parses a signature's bytes; `path` names them in messages (without one: `signature bytes, line 3: ...`). */
export function parseSignatureBytes(bytes: Uint8Array, path?: string, opts: ReadOptions = {}): PenTrajectory {
  checkReadOptions(opts);
  if (bytes.length === 0) throw new SignatureFormatError('empty file', path);
  const image = imageFormatOf(bytes);
  if (image) throw new SignatureFormatError(`not a signature file: a ${image.toUpperCase()} image`, path);
  const other = otherFormatOf(bytes);
  if (other) throw new SignatureFormatError(`not a signature file: ${other}`, path);
  // The bytes decide, not the name: a text file called .fpg is read as text (MCYT's floats would take its characters as numbers).
  const text = decodedText(bytes);
  if (text === undefined) {
    // Any binary file gets here: say that it is not a recognised format, not only which value broke.
    try {
      return parseMcytFpg(bytes, path);
    } catch (err) {
      if (!(err instanceof SignatureFormatError)) throw err;
      throw new SignatureFormatError(`not a signature file: binary, and not an MCYT .fpg either (${err.detail})`, path);
    }
  }
  const head = text.trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return parsePenJson(text, path, opts);
  const first = head.split(LINE_END, 1)[0].trim();
  if (/^\d+$/.test(first)) return parseSvc2004(text, path, opts);
  if (/^[A-Za-z_]+(\s*,\s*[A-Za-z_]+)+$/.test(first)) return parsePenCsv(text, path, opts);
  throw new SignatureFormatError('not a signature file (expected SVC2004 text, MCYT .fpg, JSON or CSV pen points)', path, 1);
}

/** The file as text, or undefined when it is binary: control bytes other than tab and line ends, or invalid UTF-8. */
function decodedText(bytes: Uint8Array): string | undefined {
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Binary formats biofuse writes or reads elsewhere, by their first bytes, named for the error message. */
function otherFormatOf(b: Uint8Array): string | undefined {
  const ascii = (text: string) => b.length >= text.length && [...text].every((c, i) => b[i] === c.charCodeAt(0));
  if (ascii('FMR\0')) return 'an ISO/IEC 19794-2 fingerprint minutiae record';
  if (ascii('BFFP')) return 'a biofuse fingerprint template';
  if (ascii('BFSG')) return 'a biofuse signature template (a template, not a recording)';
  if (ascii('SQLite format 3\0')) return 'an SQLite database';
  if (ascii('%PDF')) return 'a PDF document';
  if (ascii('PK\x03\x04')) return 'a ZIP archive';
  return undefined;
}
