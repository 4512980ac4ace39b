import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DatasetError } from './errors';

/**
 * mkdir -p for a folder results are written into: a file in the way, or a folder that cannot
 * be made, is a DatasetError naming it (`what` says what the folder is for), before any work.
 */
export async function makeFolder(dir: string, what = 'folder'): Promise<string> {
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new DatasetError('is a file, not a folder to write into', dir);
  if (existing) return dir;
  // One level at a time from the nearest folder that exists: Node's recursive mkdir never
  // returns on some pseudo file systems (/proc), where this fails at once.
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    const found = await stat(at).catch(() => undefined);
    if (found) {
      if (!found.isDirectory()) throw new DatasetError(`cannot create the ${what} (ENOTDIR)`, dir);
      break;
    }
    missing.unshift(at);
    if (dirname(at) === at) break;
    at = dirname(at);
  }
  for (const level of missing) {
    try {
      await mkdir(level);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(level).catch(() => undefined))?.isDirectory()) continue;
      throw new DatasetError(`cannot create the ${what} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, dir);
    }
  }
  return dir;
}
