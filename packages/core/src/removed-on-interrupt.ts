import { renameSync, rmSync } from 'node:fs';

/*
 * Files and folders written beside their final names (a results file, a run folder, a
 * synthetic dataset, a checkpoint) are moved into place once complete, and a failure removes
 * them in a finally block. An interrupt (Ctrl-C, a kill) runs no finally block, so those left
 * `.partial-<pid>` files and folders behind. The ones registered here go on SIGINT or SIGTERM,
 * and the signal then ends the process as it would have (not process.exit, which waits for a
 * read that may never return, such as one from a named pipe).
 */

const pending = new Set<string>();

/**
 * Removes `path` (a file or a folder) if the process is interrupted before the returned
 * function is called. Call it once the path is moved into place or removed.
 */
export function removedOnInterrupt(path: string): () => void {
  if (pending.size === 0) process.on('SIGINT', removePending).on('SIGTERM', removePending);
  pending.add(path);
  return () => {
    if (pending.delete(path) && pending.size === 0) process.off('SIGINT', removePending).off('SIGTERM', removePending);
  };
}

function removePending(signal: NodeJS.Signals): void {
  for (const path of pending) {
    // Writes already handed to the thread pool keep creating files under a folder's name:
    // moved aside first, it takes no new ones, and removing it cannot race them.
    const aside = `${path}.interrupted`;
    try {
      renameSync(path, aside);
    } catch {
      continue; // not made yet, or already moved into place
    }
    rmSync(aside, { recursive: true, force: true, maxRetries: 50, retryDelay: 20 });
  }
  pending.clear();
  process.off('SIGINT', removePending).off('SIGTERM', removePending);
  process.kill(process.pid, signal);
}
