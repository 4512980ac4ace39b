import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A maker of folders under the system's temporary folder, each removed with all it holds
 * once the tests of the file (or describe block) that called this have run: tests left a
 * biofuse-* folder in /tmp per run. Folders made in beforeAll live as long as the tests that
 * share them, so removal waits for afterAll, not afterEach.
 */
export function temporaryFolders(): (prefix: string) => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async (prefix) => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}
