import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryFolders } from '@biofuse/core/testing';

const tempFolder = temporaryFolders();

const BIN = resolve(import.meta.dirname, '../bin/biofuse.js');

/**
 * Starts the command, waits until `folder` exists (the run made it), does `meanwhile`, then sends
 * `signal` and returns the signal the process ended by. The run reads a named pipe that no one
 * writes, so it is caught mid-way.
 */
async function interruptedOnceMade(args: string[], folder: string, signal: NodeJS.Signals, meanwhile: () => Promise<void> = async () => undefined): Promise<NodeJS.Signals | null> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, s) => done(s)));
  for (const started = Date.now(); !existsSync(folder) && Date.now() - started < 30_000; ) await new Promise((r) => setTimeout(r, 20));
  const made = existsSync(folder);
  if (made) await meanwhile();
  child.kill(made ? signal : 'SIGKILL');
  const ended = await exited;
  expect(made, `${folder} was never made`).toBe(true);
  return ended;
}

/** A folder with a score-matrix config whose matrix is a named pipe: reading it never ends. */
async function blockedRun(prefix: string): Promise<{ dir: string; config: string; pipe: string }> {
  const dir = await tempFolder(prefix);
  await mkdir(join(dir, 'data'));
  const pipe = join(dir, 'data', 'm.csv');
  expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
  const config = join(dir, 'blocked.yaml');
  await writeFile(config, 'id: blocked\ndataset: { loader: score-matrix, root: data, systems: { m: m.csv } }\n');
  return { dir, config, pipe };
}

describe('an interrupted first run', () => {
  it('bench: leaves no empty results/<id>/, nor the results/ folder it made (both were left)', async () => {
    const { dir, config } = await blockedRun('biofuse-interrupted-bench-');
    const results = join(dir, 'results');
    expect(await interruptedOnceMade(['bench', config, '--data-root', dir, '--results', results], join(results, 'blocked'), 'SIGINT')).toBe('SIGINT');
    expect(existsSync(results)).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(['blocked.yaml', 'data']);
  }, 60_000);

  it('fuse: removes only what it made (a results/ folder that was there stays) and on SIGTERM too', async () => {
    const { dir, pipe } = await blockedRun('biofuse-interrupted-fuse-');
    const results = join(dir, 'results');
    await mkdir(results);
    expect(await interruptedOnceMade(['fuse', pipe, '--results', results], join(results, 'fuse'), 'SIGTERM')).toBe('SIGTERM');
    expect(await readdir(results)).toEqual([]);
  }, 60_000);

  it('keeps a folder it made once something else is written into it (another run of the same config)', async () => {
    const { dir, config } = await blockedRun('biofuse-interrupted-shared-');
    const results = join(dir, 'results');
    const other = join(results, 'blocked', '20260101T000000Z-00000000');
    const ended = await interruptedOnceMade(['bench', config, '--data-root', dir, '--results', results], join(results, 'blocked'), 'SIGINT', async () => {
      await mkdir(other);
      await writeFile(join(other, 'metrics.json'), '{}\n');
    });
    expect(ended).toBe('SIGINT');
    expect(await readdir(join(results, 'blocked'))).toEqual(['20260101T000000Z-00000000']);
    expect(await readdir(other)).toEqual(['metrics.json']);
  }, 60_000);
});
