import { SignatureFormatError } from '../errors';
import type { PenTrajectory } from '../pen-trajectory';
import { decimalRefusal, parseDecimal } from '@biofuse/core';
import { checkReadOptions, TrajectoryBuilder, type ReadOptions } from './builder';
import { textLines } from './text-lines';

/**
 * SVC2004 text: the first line is the point count, then one point per line,
 * `X Y T BUTTON AZIMUTH ALTITUDE PRESSURE` (Task 2) or `X Y T BUTTON` (Task 1, no pressure:
 * pressure is taken as 1 while the pen is down, 0 while up).
 */
export function parseSvc2004(text: string, path?: string, opts: ReadOptions = {}): PenTrajectory {
  checkReadOptions(opts);
  const all = textLines(text);
  while (all.length > 0 && all[all.length - 1].trim() === '') all.pop();
  // Blank lines before the header are skipped; `first` keeps the line numbers the file's.
  let first = 0;
  while (first < all.length && all[first].trim() === '') first++;
  const lines = all.slice(first);
  const lineNumber = (i: number) => first + i + 1;
  // Digits only, the rule parseSignatureBytes recognises the format by: Number() also read 0x3, 3.0 and 1e0 as counts.
  const head = lines[0]?.trim() ?? '';
  if (!/^\d+$/.test(head)) throw new SignatureFormatError(`first line must be the point count (digits only), got "${head.length > 40 ? `${head.slice(0, 40)}...` : head}"`, path, lineNumber(0));
  const count = Number(head);
  if (lines.length - 1 !== count) {
    throw new SignatureFormatError(`the header announces ${count} points but ${lines.length - 1} follow`, path, lineNumber(0));
  }
  const b = new TrajectoryBuilder(path, opts);
  let columns = 0;
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].trim().split(/\s+/);
    columns ||= cells.length;
    if (cells.length !== columns || (columns !== 7 && columns !== 4)) {
      throw new SignatureFormatError(`expected ${columns === 4 ? 4 : 7} columns (X Y T BUTTON${columns === 4 ? '' : ' AZIMUTH ALTITUDE PRESSURE'}), got ${cells.length}`, path, lineNumber(i));
    }
    const v = cells.map((c) => parseDecimal(c));
    const bad = v.findIndex((x) => Number.isNaN(x));
    if (bad >= 0) throw new SignatureFormatError(`column ${bad + 1} ${decimalRefusal(cells[bad])}: "${cells[bad]}"`, path, lineNumber(i));
    // The released files hold 0-5 (the tablet's button bits): 0 is pen up, anything else pen down.
    if (!(Number.isInteger(v[3]) && v[3] >= 0)) throw new SignatureFormatError(`BUTTON must be a whole number, 0 for pen up, got ${cells[3]}`, path, lineNumber(i));
    const penDown = v[3] !== 0;
    b.add({ line: lineNumber(i) }, columns === 7
      ? { x: v[0], y: v[1], t: v[2], penDown, azimuth: v[4], altitude: v[5], pressure: v[6] }
      : { x: v[0], y: v[1], t: v[2], penDown, azimuth: Number.NaN, altitude: Number.NaN, pressure: penDown ? 1 : 0 });
  }
  return b.build();
}
