import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';

/**
 * What to call when an enrolment fails: removes the gallery (with SQLite's side files) if this
 * command created it, so a failed first enrolment leaves no empty gallery behind; a gallery
 * that existed before is kept as it is.
 */
export function discardIfCreated(path: string): () => Promise<void> {
  if (existsSync(path)) return async () => {};
  return async () => {
    for (const f of [path, `${path}-wal`, `${path}-shm`]) await rm(f, { force: true });
  };
}
