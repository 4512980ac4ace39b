import { mkdir, stat } from 'node:fs/promises';
import { DatasetError } from '@biofuse/core';

/**
 * mkdir -p for a folder results are written into: a file in the way, or a folder that cannot
 * be made, is a DatasetError naming it (`what` says what the folder is for), before any work.
 */
export async function makeFolder(dir: string, what = 'folder'): Promise<string> {
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new DatasetError('is a file, not a folder to write into', dir);
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new DatasetError(`cannot create the ${what} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, dir);
  }
  return dir;
}
