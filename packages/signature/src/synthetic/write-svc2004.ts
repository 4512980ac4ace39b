import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PenTrajectory } from '../pen-trajectory';
import { makeFolder } from '@biofuse/core';

/**
 * A trajectory in SVC2004 Task 2 text (`X Y T BUTTON AZIMUTH ALTITUDE PRESSURE`). Values are
 * written as they are, decimals included (the released files hold whole numbers, and
 * parseSvc2004 reads both): rounding turned a pad's fractional pixels and 0-1 pressures into
 * other values, silently. Each number is written in the shortest form that reads back as the
 * same double, so reading the text gives the trajectory again exactly. Angles the device did
 * not report are written as 0.
 */
export function formatSvc2004(p: PenTrajectory): string {
  const lines = [String(p.x.length)];
  const angle = (v: number) => (Number.isNaN(v) ? 0 : v);
  for (let k = 0; k < p.x.length; k++) {
    lines.push(`${p.x[k]} ${p.y[k]} ${p.t[k]} ${p.penDown[k]} ${angle(p.azimuth[k])} ${angle(p.altitude[k])} ${p.pressure[k]}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes signatures by file name into a folder (created if needed). */
export async function writeSvc2004Folder(dir: string, signatures: ReadonlyMap<string, PenTrajectory>): Promise<void> {
  await makeFolder(dir, 'dataset folder');
  await Promise.all([...signatures].map(([name, p]) => writeFile(join(dir, name), formatSvc2004(p))));
}
