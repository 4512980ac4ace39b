import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolders } from './testing';

const tempFolder = temporaryFolders();
const MODULE = resolve(import.meta.dirname, 'removed-on-interrupt.ts');

/**
 * A process that registers a folder with a file in it, a file, a path never made and a path
 * it then releases, says "ready" and waits to be interrupted.
 */
const CHILD = `
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removedOnInterrupt } from ${JSON.stringify(MODULE)};
const dir = process.argv[2];
mkdirSync(join(dir, 'run.partial-1'));
writeFileSync(join(dir, 'run.partial-1', 'scores.csv'), 'a,b\\n');
removedOnInterrupt(join(dir, 'run.partial-1'));
writeFileSync(join(dir, 'scores.csv.partial-1'), 'a,b\\n');
removedOnInterrupt(join(dir, 'scores.csv.partial-1'));
removedOnInterrupt(join(dir, 'never-made.partial-1'));
writeFileSync(join(dir, 'kept.partial-1'), 'moved into place\\n');
removedOnInterrupt(join(dir, 'kept.partial-1'))();
process.stdout.write('ready\\n');
setInterval(() => undefined, 1000);
`;

describe('removedOnInterrupt', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`removes what is registered on ${signal} and ends the process by the signal (a finally block never ran, so .partial-<pid> folders and files were left)`, async () => {
      const dir = await tempFolder('biofuse-interrupt-');
      const script = join(dir, 'child.mts');
      await writeFile(script, CHILD);
      const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { cwd: resolve(import.meta.dirname, '../../..'), stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      await once(child.stdout, 'data');
      child.kill(signal);
      const [code, endedBy] = await exited;
      expect({ code, endedBy }).toEqual({ code: null, endedBy: signal });
      expect((await readdir(dir)).sort()).toEqual(['child.mts', 'kept.partial-1']);
    }, 30_000);
  }
});
