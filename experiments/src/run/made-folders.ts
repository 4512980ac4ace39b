import { existsSync, rmdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The folders from `dir` upwards that do not exist yet, deepest first: what making `dir` makes. */
export function missingFolders(dir: string): string[] {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at) && dirname(at) !== at; at = dirname(at)) missing.push(at);
  return missing;
}

/**
 * Removes each of `folders` (deepest first) that is empty, stopping at the first that is not:
 * something else was written there (another run's results), and the folders above hold it.
 */
export function removeIfEmpty(folders: readonly string[]): void {
  for (const folder of folders) {
    try {
      rmdirSync(folder);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return; // not made yet, or gone already: look further up
    }
  }
}
