import { existsSync, rmdirSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DatasetError } from './errors';

/** Tries for one call: another process's failing call may remove a parent this call had found. */
const ATTEMPTS = 5;

/**
 * Calls in this process run one at a time, so a failing call's clean-up never meets another
 * call half-way (removing a level that call found, made or returned). Calls are rare (a
 * folder per run or command) and each is a few system calls.
 */
let previous: Promise<unknown> = Promise.resolve();

/**
 * mkdir -p for a folder results are written into: a file in the way, or a folder that cannot
 * be made, is a DatasetError naming it (`what` says what the folder is for), before any work.
 * A call that fails removes the folders it made, deepest first, so nothing half-made is left;
 * concurrent calls in this process never lose a folder they found or made. (Another process
 * that finds a folder this call made and then removes is not seen.)
 */
export function makeFolder(dir: string, what = 'folder'): Promise<string> {
  const call = previous.then(async () => {
    for (let attempt = 1; !(await makeLevels(dir, what, attempt === ATTEMPTS)); attempt++);
    return dir;
  });
  previous = call.catch(() => undefined);
  return call;
}

/** One try: true when the folder exists; false when a parent vanished and the call should start over. */
async function makeLevels(dir: string, what: string, lastTry: boolean): Promise<boolean> {
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new DatasetError('is a file, not a folder to write into', dir);
  if (existing) return true;
  // One level at a time from the nearest folder that exists: Node's recursive mkdir never
  // returns on some pseudo file systems (/proc), where this fails at once.
  const missing: string[] = [];
  for (let at = resolve(dir); ; at = dirname(at)) {
    const found = await stat(at).catch(() => undefined);
    if (found && !found.isDirectory()) throw new DatasetError(`cannot create the ${what} (ENOTDIR)`, dir);
    if (found) break;
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  const made: string[] = [];
  for (const level of missing) {
    let code: string;
    try {
      await mkdir(level);
      made.push(level);
      continue;
    } catch (err) {
      code = (err as NodeJS.ErrnoException).code ?? String(err);
    }
    // Made meanwhile by another process: use it.
    if (code === 'EEXIST' && (await stat(level).catch(() => undefined))?.isDirectory()) continue;
    removeEmptyFolders([...made].reverse());
    // ENOENT: the parent was removed meanwhile; EEXIST without a folder: it was being removed.
    if (!lastTry && (code === 'ENOENT' || code === 'EEXIST')) return false;
    throw new DatasetError(`cannot create the ${what} (${code})`, dir);
  }
  return true;
}

/**
 * The folders from `dir` upwards that do not exist yet, deepest first: what making `dir` makes,
 * and so what a run that fails or is interrupted may take away again (see removeEmptyFolders,
 * and removedOnInterrupt's onlyIfEmpty).
 */
export function missingFolders(dir: string): string[] {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at) && dirname(at) !== at; at = dirname(at)) missing.push(at);
  return missing;
}

/**
 * Removes each of `folders` (give them deepest first) that is empty: one that is gone already,
 * or holds something (another run's results, another process's files), is kept, and so are the
 * folders above it. Returns the folders that could not be removed for another reason, with the
 * error code, for a caller that reports them.
 */
export function removeEmptyFolders(folders: readonly string[]): { readonly folder: string; readonly code: string }[] {
  const failed: { folder: string; code: string }[] = [];
  for (const folder of folders) {
    try {
      rmdirSync(folder);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? String(err);
      if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') failed.push({ folder, code });
    }
  }
  return failed;
}
