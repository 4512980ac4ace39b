import { decimalRefusal, parseDecimal } from '@biofuse/core';
import { SignatureFormatError } from '../errors';
import type { PenTrajectory } from '../pen-trajectory';
import { penAngleMismatch } from '../pen-trajectory';
import { checkReadOptions, pointName, TrajectoryBuilder, type ReadOptions } from './builder';
import { textLines, withoutBom } from './text-lines';

/** The keys of a JSON point; any other is refused (an ignored "pen_down" left the pen down throughout). */
const JSON_KEYS: readonly string[] = ['x', 'y', 't', 'pressure', 'penDown', 'azimuth', 'altitude'];
/** The CSV columns (any letter case); any other is refused (an ignored "penDown" or "presure" column dropped its values silently). */
const CSV_COLUMNS: readonly string[] = ['x', 'y', 't', 'pressure', 'pen_down', 'azimuth', 'altitude'];

/**
 * The plain formats a web signature pad can post.
 * JSON: `{"points": [{"x": .., "y": .., "t": .., "pressure"?: .., "penDown"?: .., "azimuth"?: .., "altitude"?: ..}, ...]}`
 * (or the bare array). CSV: a header naming at least `x,y,t`, optionally `pressure`, `pen_down`,
 * `azimuth`, `altitude`. Without pressure, it is 1 while the pen is down; without `penDown`,
 * the pen is down throughout. Other keys or columns are refused, naming the accepted ones; a
 * pen angle is given on every point or on none (a time function is normalised over the whole
 * signature, so one point without it zeroed the whole function). JSON errors name the point,
 * counting from 1 (its points need not sit one to a line); CSV errors name the line.
 */
export function parsePenJson(text: string, path?: string, opts: ReadOptions = {}): PenTrajectory {
  checkReadOptions(opts);
  let raw: unknown;
  try {
    raw = JSON.parse(withoutBom(text));
  } catch (err) {
    // V8 quotes the text around the error, line ends and all: kept to one line, as every message is.
    throw new SignatureFormatError(`not valid JSON: ${(err as Error).message.replace(/\s+/g, ' ')}`, path);
  }
  const points = Array.isArray(raw) ? raw : (raw as { points?: unknown })?.points;
  if (!Array.isArray(points)) throw new SignatureFormatError('expected an array of points or {"points": [...]}', path);
  const b = new TrajectoryBuilder(path, opts);
  points.forEach((p: unknown, i) => {
    const fail = (message: string) => new SignatureFormatError(`${pointName(i + 1)}: ${message}`, path);
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw fail('is not an object');
    const o = p as Record<string, unknown>;
    const unknown = Object.keys(o).find((k) => !JSON_KEYS.includes(k));
    if (unknown !== undefined) throw fail(`unknown key ${JSON.stringify(unknown)} (accepted: ${JSON_KEYS.join(', ')})`);
    const num = (k: string, fallback?: number) => {
      const v = o[k];
      if (v === undefined && fallback !== undefined) return fallback;
      if (typeof v !== 'number') throw fail(`"${k}" must be a number`);
      return v;
    };
    if (!(o.penDown === undefined || typeof o.penDown === 'boolean' || o.penDown === 0 || o.penDown === 1)) {
      throw fail(`"penDown" must be true, false, 1 or 0, got ${JSON.stringify(o.penDown)}`);
    }
    const penDown = o.penDown === undefined ? true : o.penDown === true || o.penDown === 1;
    b.add({ point: i + 1 }, { x: num('x'), y: num('y'), t: num('t'), penDown, pressure: num('pressure', penDown ? 1 : 0), azimuth: num('azimuth', Number.NaN), altitude: num('altitude', Number.NaN) });
  });
  const p = b.build();
  // JSON is the one format whose points can leave an angle out one by one.
  const gap = penAngleMismatch(p);
  if (gap) {
    const which = gap.firstGives ? `no "${gap.angle}", which point 1 gives` : `"${gap.angle}", which point 1 does not give`;
    throw new SignatureFormatError(`${pointName(gap.sample + 1)}: ${which}: give the pen angles on every point or on none`, path);
  }
  return p;
}

export function parsePenCsv(text: string, path?: string, opts: ReadOptions = {}): PenTrajectory {
  checkReadOptions(opts);
  // Blank lines are skipped; each row keeps its line number in the file.
  const lines = textLines(text)
    .map((content, k) => ({ content, line: k + 1 }))
    .filter((l) => l.content.trim() !== '');
  if (lines.length === 0) throw new SignatureFormatError('empty file', path);
  const headerLine = lines[0].line;
  const names = lines[0].content.split(',').map((h) => h.trim());
  const header = names.map((h) => h.toLowerCase());
  const unknown = names.find((_, k) => !CSV_COLUMNS.includes(header[k]));
  if (unknown !== undefined) throw new SignatureFormatError(`unknown column "${unknown}" in the header (accepted: ${CSV_COLUMNS.join(', ')})`, path, headerLine);
  const repeated = header.find((h, k) => header.indexOf(h) !== k);
  if (repeated !== undefined) throw new SignatureFormatError(`the header names "${repeated}" twice`, path, headerLine);
  const col = (name: string) => header.indexOf(name);
  for (const required of ['x', 'y', 't']) {
    if (col(required) < 0) throw new SignatureFormatError(`header must name "${required}" (got ${names.join(',')})`, path, headerLine);
  }
  const b = new TrajectoryBuilder(path, opts);
  for (let i = 1; i < lines.length; i++) {
    const { content, line } = lines[i];
    const cells = content.split(',');
    if (cells.length !== header.length) throw new SignatureFormatError(`expected ${header.length} columns, got ${cells.length}`, path, line);
    const get = (name: string, fallback: number) => {
      const k = col(name);
      if (k < 0) return fallback;
      const v = parseDecimal(cells[k]);
      if (Number.isNaN(v)) throw new SignatureFormatError(`${name} ${decimalRefusal(cells[k])}: "${cells[k]}"`, path, line);
      return v;
    };
    const penState = get('pen_down', 1);
    if (penState !== 0 && penState !== 1) throw new SignatureFormatError(`pen_down must be 0 or 1, got ${penState}`, path, line);
    const penDown = penState === 1;
    b.add({ line }, { x: get('x', 0), y: get('y', 0), t: get('t', 0), penDown, pressure: get('pressure', penDown ? 1 : 0), azimuth: get('azimuth', Number.NaN), altitude: get('altitude', Number.NaN) });
  }
  return b.build();
}
