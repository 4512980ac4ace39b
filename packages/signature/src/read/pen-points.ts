import { SignatureFormatError } from '../errors';
import type { PenTrajectory } from '../pen-trajectory';
import { parseDecimal } from '@biofuse/core';
import { TrajectoryBuilder, type ReadOptions } from './builder';

/**
 * The plain formats a web signature pad can post.
 * JSON: `{"points": [{"x": .., "y": .., "t": .., "pressure"?: .., "penDown"?: .., "azimuth"?: .., "altitude"?: ..}, ...]}`
 * (or the bare array). CSV: a header naming at least `x,y,t`, optionally `pressure`, `pen_down`,
 * `azimuth`, `altitude`. Without pressure, it is 1 while the pen is down; without `penDown`,
 * the pen is down throughout.
 */
export function parsePenJson(text: string, path = '<memory>', opts: ReadOptions = {}): PenTrajectory {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SignatureFormatError(`not valid JSON: ${(err as Error).message}`, path);
  }
  const points = Array.isArray(raw) ? raw : (raw as { points?: unknown })?.points;
  if (!Array.isArray(points)) throw new SignatureFormatError('expected an array of points or {"points": [...]}', path);
  const b = new TrajectoryBuilder(path, opts);
  points.forEach((p: unknown, i) => {
    if (typeof p !== 'object' || p === null) throw new SignatureFormatError(`point ${i} is not an object`, path, i + 1);
    const o = p as Record<string, unknown>;
    const num = (k: string, fallback?: number) => {
      const v = o[k];
      if (v === undefined && fallback !== undefined) return fallback;
      if (typeof v !== 'number') throw new SignatureFormatError(`point ${i}: "${k}" must be a number`, path, i + 1);
      return v;
    };
    if (!(o.penDown === undefined || typeof o.penDown === 'boolean' || o.penDown === 0 || o.penDown === 1)) {
      throw new SignatureFormatError(`point ${i}: "penDown" must be true, false, 1 or 0, got ${JSON.stringify(o.penDown)}`, path, i + 1);
    }
    const penDown = o.penDown === undefined ? true : o.penDown === true || o.penDown === 1;
    b.add(i + 1, { x: num('x'), y: num('y'), t: num('t'), penDown, pressure: num('pressure', penDown ? 1 : 0), azimuth: num('azimuth', Number.NaN), altitude: num('altitude', Number.NaN) });
  });
  return b.build();
}

export function parsePenCsv(text: string, path = '<memory>', opts: ReadOptions = {}): PenTrajectory {
  // Blank lines are skipped; each row keeps its line number in the file.
  const lines = text
    .split(/\r?\n/)
    .map((content, k) => ({ content, line: k + 1 }))
    .filter((l) => l.content.trim() !== '');
  if (lines.length === 0) throw new SignatureFormatError('empty file', path);
  const header = lines[0].content.split(',').map((h) => h.trim().toLowerCase());
  const repeated = header.find((h, k) => header.indexOf(h) !== k);
  if (repeated !== undefined) throw new SignatureFormatError(`the header names "${repeated}" twice`, path, lines[0].line);
  const col = (name: string) => header.indexOf(name);
  for (const required of ['x', 'y', 't']) {
    if (col(required) < 0) throw new SignatureFormatError(`header must name "${required}" (got ${header.join(',')})`, path, 1);
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
      if (Number.isNaN(v)) throw new SignatureFormatError(`${name} is not a number: "${cells[k]}"`, path, line);
      return v;
    };
    const penState = get('pen_down', 1);
    if (penState !== 0 && penState !== 1) throw new SignatureFormatError(`pen_down must be 0 or 1, got ${penState}`, path, line);
    const penDown = penState === 1;
    b.add(line, { x: get('x', 0), y: get('y', 0), t: get('t', 0), penDown, pressure: get('pressure', penDown ? 1 : 0), azimuth: get('azimuth', Number.NaN), altitude: get('altitude', Number.NaN) });
  }
  return b.build();
}
