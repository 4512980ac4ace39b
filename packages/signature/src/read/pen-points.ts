import { SignatureFormatError } from '../errors';
import type { PenTrajectory } from '../pen-trajectory';
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
    const penDown = o.penDown === undefined ? true : o.penDown === true || o.penDown === 1;
    b.add(i + 1, { x: num('x'), y: num('y'), t: num('t'), penDown, pressure: num('pressure', penDown ? 1 : 0), azimuth: num('azimuth', Number.NaN), altitude: num('altitude', Number.NaN) });
  });
  return b.build();
}

export function parsePenCsv(text: string, path = '<memory>', opts: ReadOptions = {}): PenTrajectory {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new SignatureFormatError('empty file', path);
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string) => header.indexOf(name);
  for (const required of ['x', 'y', 't']) {
    if (col(required) < 0) throw new SignatureFormatError(`header must name "${required}" (got ${header.join(',')})`, path, 1);
  }
  const b = new TrajectoryBuilder(path, opts);
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',');
    if (cells.length !== header.length) throw new SignatureFormatError(`expected ${header.length} columns, got ${cells.length}`, path, i + 1);
    const get = (name: string, fallback: number) => {
      const k = col(name);
      if (k < 0) return fallback;
      const v = Number(cells[k]);
      if (cells[k].trim() === '' || Number.isNaN(v)) throw new SignatureFormatError(`${name} is not a number: "${cells[k]}"`, path, i + 1);
      return v;
    };
    const penDown = get('pen_down', 1) !== 0;
    b.add(i + 1, { x: get('x', 0), y: get('y', 0), t: get('t', 0), penDown, pressure: get('pressure', penDown ? 1 : 0), azimuth: get('azimuth', Number.NaN), altitude: get('altitude', Number.NaN) });
  }
  return b.build();
}
