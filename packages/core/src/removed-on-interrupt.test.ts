import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolders } from './testing';

const tempFolder = temporaryFolders();
const MODULE = resolve(import.meta.dirname, 'removed-on-interrupt.ts');

/**
 * A process that runs `body` (with `dir`, `join`, the fs functions and removedOnInterrupt in
 * scope), says "ready" and waits to be interrupted. Returns how it ended, what it wrote, and the
 * names left in `dir` but its own script.
 */
async function interrupted(body: string, signal: NodeJS.Signals) {
  const dir = await tempFolder('biofuse-interrupt-');
  const script = join(dir, 'child.mts');
  await writeFile(
    script,
    `import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removedOnInterrupt } from ${JSON.stringify(MODULE)};
const dir = process.argv[2];
${body}
process.stdout.write('ready\\n');
setInterval(() => undefined, 1000);
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script, dir], { cwd: resolve(import.meta.dirname, '../../..'), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  for (const started = Date.now(); !stdout.includes('ready\n'); ) {
    if (child.exitCode !== null || Date.now() - started > 20_000) throw new Error(`the child never got ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill(signal);
  const [code, endedBy] = await exited;
  const left = (await readdir(dir)).filter((n) => n !== 'child.mts').sort();
  return { code, endedBy, stdout, stderr, left, dir };
}

describe('removedOnInterrupt', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`removes what is registered on ${signal} and ends the process by the signal (a finally block never ran, so .partial-<pid> folders and files were left)`, async () => {
      const r = await interrupted(
        `mkdirSync(join(dir, 'run.partial-1'));
writeFileSync(join(dir, 'run.partial-1', 'scores.csv'), 'a,b\\n');
removedOnInterrupt(join(dir, 'run.partial-1'));
writeFileSync(join(dir, 'scores.csv.partial-1'), 'a,b\\n');
removedOnInterrupt(join(dir, 'scores.csv.partial-1'));
removedOnInterrupt(join(dir, 'never-made.partial-1'));
removedOnInterrupt(join(dir, 'scores.csv.partial-1', 'under-a-file'));
writeFileSync(join(dir, 'kept.partial-1'), 'moved into place\\n');
removedOnInterrupt(join(dir, 'kept.partial-1'))();`,
        signal,
      );
      expect({ code: r.code, endedBy: r.endedBy, stderr: r.stderr }).toEqual({ code: null, endedBy: signal, stderr: '' });
      expect(r.left).toEqual(['kept.partial-1']);
    }, 30_000);
  }

  it('removes folders registered onlyIfEmpty after the rest, deepest first, and keeps one something else was written into', async () => {
    // results/<id>/ made by the run, holding its partial run folder; results/other/ made too, where another run wrote.
    const r = await interrupted(
      `mkdirSync(join(dir, 'results', 'quick', 'run.partial-1'), { recursive: true });
writeFileSync(join(dir, 'results', 'quick', 'run.partial-1', 'scores.csv'), 'a,b\\n');
removedOnInterrupt(join(dir, 'results'), { onlyIfEmpty: true });
removedOnInterrupt(join(dir, 'results', 'quick'), { onlyIfEmpty: true });
removedOnInterrupt(join(dir, 'results', 'quick', 'run.partial-1'));
mkdirSync(join(dir, 'theirs', 'other'), { recursive: true });
writeFileSync(join(dir, 'theirs', 'other', 'metrics.json'), '{}');
removedOnInterrupt(join(dir, 'theirs', 'other'), { onlyIfEmpty: true });
removedOnInterrupt(join(dir, 'theirs'), { onlyIfEmpty: true });
removedOnInterrupt(join(dir, 'never-made'), { onlyIfEmpty: true });
// Registered by a careful owner, then by one that owns it whole: once the careful one is done, it goes whole.
mkdirSync(join(dir, 'scratch'));
writeFileSync(join(dir, 'scratch', 'partial'), 'x');
const careful = removedOnInterrupt(join(dir, 'scratch'), { onlyIfEmpty: true });
removedOnInterrupt(join(dir, 'scratch'));
careful();`,
      'SIGINT',
    );
    expect({ code: r.code, endedBy: r.endedBy, stderr: r.stderr }).toEqual({ code: null, endedBy: 'SIGINT', stderr: '' });
    expect(r.left).toEqual(['theirs']);
    expect(await readdir(join(r.dir, 'theirs', 'other'))).toEqual(['metrics.json']);
  }, 30_000);

  it('keeps a path registered twice until both owners are done (the first to be done unprotected the other)', async () => {
    const r = await interrupted(
      `writeFileSync(join(dir, 'scores.csv.partial-1'), 'a,b\\n');
const first = removedOnInterrupt(join(dir, 'scores.csv.partial-1'));
removedOnInterrupt(join(dir, 'scores.csv.partial-1'));
first();
first(); // a second call by the same owner does not release the other
writeFileSync(join(dir, 'done.partial-1'), 'x');
const a = removedOnInterrupt(join(dir, 'done.partial-1'));
const b = removedOnInterrupt(join(dir, 'done.partial-1'));
a();
b();`,
      'SIGINT',
    );
    expect({ code: r.code, endedBy: r.endedBy }).toEqual({ code: null, endedBy: 'SIGINT' });
    expect(r.left).toEqual(['done.partial-1']);
  }, 30_000);

  it('goes on to the other paths when one cannot be removed, says which, and still ends by the signal (an uncaught EBUSY left them and exited 1)', async () => {
    // rmSync throws EBUSY for one path, as for a mount point or a file held open on Windows.
    const r = await interrupted(
      `import { createRequire, syncBuiltinESMExports } from 'node:module';
const fs = createRequire(import.meta.url)('node:fs');
const rmSync = fs.rmSync;
fs.rmSync = (path, options) => {
  if (String(path).includes('busy')) throw Object.assign(new Error('EBUSY: resource busy or locked'), { code: 'EBUSY' });
  return rmSync(path, options);
};
syncBuiltinESMExports();
mkdirSync(join(dir, 'busy.partial-1'));
removedOnInterrupt(join(dir, 'busy.partial-1'));
mkdirSync(join(dir, 'run.partial-1'));
writeFileSync(join(dir, 'run.partial-1', 'scores.csv'), 'a,b\\n');
removedOnInterrupt(join(dir, 'run.partial-1'));
writeFileSync(join(dir, 'scores.csv.partial-1'), 'a,b\\n');
removedOnInterrupt(join(dir, 'scores.csv.partial-1'));`,
      'SIGTERM',
    );
    expect({ code: r.code, endedBy: r.endedBy }).toEqual({ code: null, endedBy: 'SIGTERM' });
    expect(r.left).toEqual(['busy.partial-1.interrupted']);
    expect(r.stderr).toBe(`${join(r.dir, 'busy.partial-1.interrupted')}: not removed on SIGTERM (EBUSY)\n`);
  }, 30_000);

  it('moves a partial aside under a free name (a folder left at <path>.interrupted failed the rename and the partial stayed)', async () => {
    const r = await interrupted(
      `mkdirSync(join(dir, 'run.partial-1'));
writeFileSync(join(dir, 'run.partial-1', 'scores.csv'), 'a,b\\n');
mkdirSync(join(dir, 'run.partial-1.interrupted'));
writeFileSync(join(dir, 'run.partial-1.interrupted', 'theirs'), 'x');
mkdirSync(join(dir, 'run.partial-1.interrupted-1'));
removedOnInterrupt(join(dir, 'run.partial-1'));
writeFileSync(join(dir, 'scores.csv.partial-1'), 'a,b\\n');
writeFileSync(join(dir, 'scores.csv.partial-1.interrupted'), 'not ours\\n');
removedOnInterrupt(join(dir, 'scores.csv.partial-1'));`,
      'SIGINT',
    );
    expect({ code: r.code, endedBy: r.endedBy, stderr: r.stderr }).toEqual({ code: null, endedBy: 'SIGINT', stderr: '' });
    // What was there already stays as it was (a file under the aside name was replaced).
    expect(r.left).toEqual(['run.partial-1.interrupted', 'run.partial-1.interrupted-1', 'scores.csv.partial-1.interrupted']);
    expect(await readdir(join(r.dir, 'run.partial-1.interrupted'))).toEqual(['theirs']);
    expect(await readFile(join(r.dir, 'scores.csv.partial-1.interrupted'), 'utf8')).toBe('not ours\n');
  }, 30_000);

  for (const listen of ['on', 'once'] as const) {
    it(`cleans up and leaves the ending to a program with a SIGINT listener of its own (process.${listen}): it got the signal twice, or was ended by it`, async () => {
      const r = await interrupted(
        `let calls = 0;
process.${listen}('SIGINT', () => {
  calls++;
  process.stdout.write('host ' + calls + '\\n');
  setTimeout(() => process.exit(7), 200);
});
mkdirSync(join(dir, 'run.partial-1'));
removedOnInterrupt(join(dir, 'run.partial-1'));`,
        'SIGINT',
      );
      expect({ code: r.code, endedBy: r.endedBy, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 7, endedBy: null, stdout: 'ready\nhost 1\n', stderr: '' });
      expect(r.left).toEqual([]);
    }, 30_000);
  }
});
