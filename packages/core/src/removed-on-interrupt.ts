import { lstatSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { makeFolder, missingFolders, removeEmptyFolders } from './make-folder';

/*
 * Files and folders written beside their final names (a results file, a run folder, a
 * synthetic dataset, a checkpoint) are moved into place once complete, and a failure removes
 * them in a finally block. An interrupt (Ctrl-C, a kill) runs no finally block, so those left
 * `.partial-<pid>` files and folders behind. The ones registered here go on SIGINT or SIGTERM.
 * Where nothing else listens for the signal, it then ends the process as it would have (not
 * process.exit, which waits for a read that may never return, such as one from a named pipe);
 * where the program has a listener of its own, ending the process is left to it.
 */

/**
 * The registered paths, each with one token per registration still held, and whether that
 * registration asked for the folder to go only if empty: two owners may register the same path
 * (the same `<file>.partial-<pid>` twice in one process), and the first to be done must not
 * unprotect the other's, nor leave its own care behind once it is done.
 */
const pending = new Map<string, Map<symbol, boolean>>();

/**
 * Whether a path goes only if empty: a folder a run made to hold its output, which another run
 * may meanwhile have written into (results/<config>/ of the same config run twice). Registered
 * both ways, it is kept where it holds anything: the careful owner's wish wins while it holds.
 */
const onlyIfEmpty = (path: string): boolean => [...(pending.get(path)?.values() ?? [])].some(Boolean);

export interface InterruptRemoval {
  /** Remove the folder only if it is empty (after the other registered paths are gone): never its contents. */
  readonly onlyIfEmpty?: boolean;
}

/** Tried after `<path>.interrupted` is taken: `<path>.interrupted-1` and so on. */
const ASIDE_NAMES = 100;

/**
 * Removes `path` (a file or a folder) if the process is interrupted before the returned
 * function is called. Call it once the path is moved into place or removed; calling it again
 * does nothing. With `onlyIfEmpty`, a folder goes only if nothing is left in it once the other
 * registered paths are removed (deepest such folder first).
 */
export function removedOnInterrupt(path: string, opts: InterruptRemoval = {}): () => void {
  // First in line: a listener of the program's own (a `once` one included) is still registered
  // when this one runs, so removePending sees it and leaves the process to it.
  if (pending.size === 0) process.prependListener('SIGINT', removePending).prependListener('SIGTERM', removePending);
  const token = Symbol(path);
  const holders = pending.get(path) ?? new Map<symbol, boolean>();
  holders.set(token, opts.onlyIfEmpty === true);
  pending.set(path, holders);
  return () => {
    const held = pending.get(path);
    // Released already, or the interrupt came first and cleared everything.
    if (!held?.delete(token)) return;
    if (held.size === 0) pending.delete(path);
    if (pending.size === 0) stopListening();
  };
}

function stopListening(): void {
  process.off('SIGINT', removePending).off('SIGTERM', removePending);
}

function removePending(signal: NodeJS.Signals): void {
  // Each path on its own: one that cannot be removed (EACCES, EBUSY) must not keep the others.
  const paths = [...pending.keys()];
  for (const path of paths) if (!onlyIfEmpty(path)) removeInterrupted(path, signal);
  // Then the folders that go only if empty, deepest first: a folder made inside another empties it.
  const folders = paths.filter(onlyIfEmpty).sort((a, b) => resolve(b).length - resolve(a).length);
  for (const { folder, code } of removeEmptyFolders(folders)) process.stderr.write(`${folder}: not removed on ${signal} (${code})\n`);
  pending.clear();
  stopListening();
  // The signal's default action ends the process by the signal, as if no one had listened. A
  // listener of the program's own would get the signal a second time and may end the process
  // otherwise than it intends (an exit code of its own, a graceful shutdown): it is left to it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function removeInterrupted(path: string, signal: NodeJS.Signals): void {
  let removed = path;
  try {
    if (!exists(path)) return; // not made yet, or already moved into place
    // Writes already handed to the thread pool keep creating files under a folder's name: moved
    // aside first, it takes no new ones, and removing it cannot race them. The aside name must
    // be free: an earlier run's folder there failed the rename, and the partial stayed.
    const aside = freeAsideName(path);
    if (aside !== undefined) {
      try {
        renameSync(path, aside);
        removed = aside;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // moved into place meanwhile
        // Else removed where it is: better than left.
      }
    }
    rmSync(removed, { recursive: true, force: true, maxRetries: 50, retryDelay: 20 });
  } catch (err) {
    process.stderr.write(`${removed}: not removed on ${signal} (${(err as NodeJS.ErrnoException).code ?? String(err)})\n`);
  }
}


function freeAsideName(path: string): string | undefined {
  for (let k = 0; k < ASIDE_NAMES; k++) {
    const name = k === 0 ? `${path}.interrupted` : `${path}.interrupted-${k}`;
    if (!exists(name)) return name;
  }
  return undefined;
}

/** Whether anything (a link included) is at `path`; not where a folder on the way is a file. */
function exists(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    throw err;
  }
}

/** Folders made for some work: kept once it is done, taken away again (where still empty) if it fails or is interrupted. */
export interface NewFolders {
  /** The work is done (or what it wrote is in place): the folders stay. */
  keep(): void;
  /** The work failed: the folders go now, where nothing was written into them. */
  undo(): void;
}

/**
 * Makes `dir` and the folders above it that are missing, and answers for them: an interrupt
 * before `keep` or `undo` removes them where empty, as `undo` does. A folder that was there,
 * or that something else has written into meanwhile (another run's results), is never removed.
 */
export async function makeNewFolders(dir: string, what?: string): Promise<NewFolders> {
  const made = missingFolders(dir);
  const releases = made.map((folder) => removedOnInterrupt(folder, { onlyIfEmpty: true }));
  const keep = () => {
    for (const release of releases.splice(0)) release();
  };
  try {
    await makeFolder(dir, what);
  } catch (err) {
    keep(); // makeFolder took away what it made
    throw err;
  }
  return {
    keep,
    undo: () => {
      keep();
      removeEmptyFolders(made);
    },
  };
}
