import { mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DatasetError } from './errors';

/** Tries for one call: a concurrent call that fails may remove a parent this call had found. */
const ATTEMPTS = 5;

/**
 * Folders calls have found already made (perhaps by another call still in flight), kept while
 * any call is in flight: a call that fails leaves them, since another call relies on them.
 */
const reliedOn = new Set<string>();
/** Folders a failing call is removing: a call that finds one waits for the removal and starts over. */
const removing = new Map<string, Promise<void>>();
let inFlight = 0;

/**
 * mkdir -p for a folder results are written into: a file in the way, or a folder that cannot
 * be made, is a DatasetError naming it (`what` says what the folder is for), before any work.
 * A call that fails removes the folders it made, deepest first, so nothing half-made is left;
 * concurrent calls in this process never lose a folder they found or made. (Another process
 * that finds a folder this call made and then removes is not seen.)
 */
export async function makeFolder(dir: string, what = 'folder'): Promise<string> {
  inFlight++;
  try {
    let attempt = 1;
    while (!(await makeLevels(dir, what, attempt === ATTEMPTS))) attempt++;
    return dir;
  } finally {
    if (--inFlight === 0) reliedOn.clear();
  }
}

/** One try: true when the folder exists; false when a parent vanished and the call should start over. */
async function makeLevels(dir: string, what: string, lastTry: boolean): Promise<boolean> {
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new DatasetError('is a file, not a folder to write into', dir);
  if (existing) return relyOn(resolve(dir));
  // One level at a time from the nearest folder that exists: Node's recursive mkdir never
  // returns on some pseudo file systems (/proc), where this fails at once.
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    const found = await stat(at).catch(() => undefined);
    if (found) {
      if (!found.isDirectory()) throw new DatasetError(`cannot create the ${what} (ENOTDIR)`, dir);
      if (!(await relyOn(at))) return false;
      break;
    }
    missing.unshift(at);
    if (dirname(at) === at) break;
    at = dirname(at);
  }
  const made: string[] = [];
  for (const level of missing) {
    let code: string | undefined;
    try {
      await mkdir(level);
      made.push(level);
      continue;
    } catch (err) {
      code = (err as NodeJS.ErrnoException).code ?? String(err);
    }
    // Made meanwhile by a concurrent call (or process): use it.
    if (code === 'EEXIST' && (await stat(level).catch(() => undefined))?.isDirectory() && (await relyOn(level))) continue;
    await removeLevels(made);
    // ENOENT: the parent was removed meanwhile; EEXIST without a folder: it was being removed.
    if (!lastTry && (code === 'ENOENT' || code === 'EEXIST')) return false;
    throw new DatasetError(`cannot create the ${what} (${code})`, dir);
  }
  return true;
}

/** Marks a folder found made as relied on; false (after waiting) when a failing call is removing it. */
async function relyOn(folder: string): Promise<boolean> {
  const removal = removing.get(folder);
  if (removal) {
    await removal;
    return false;
  }
  reliedOn.add(folder);
  return true;
}

/**
 * Removes the folders this call made, deepest first. It stops at one another call relies on
 * or that is no longer empty (another call made something in it): its parents hold it. So a
 * level that several failing calls share (one made it, the others found it) stays.
 */
async function removeLevels(made: readonly string[]): Promise<void> {
  for (const level of [...made].reverse()) {
    if (reliedOn.has(level)) return;
    const removal = rmdir(level).then(
      () => true,
      () => false,
    );
    removing.set(level, removal.then(() => undefined));
    const removed = await removal;
    removing.delete(level);
    if (!removed) return;
  }
}
