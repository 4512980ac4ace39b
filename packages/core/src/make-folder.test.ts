import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetError } from './errors';
import { makeFolder } from './make-folder';

/** A name over every file system's 255-byte limit: mkdir fails there, after the levels above it. */
const TOO_LONG = 'n'.repeat(300);

describe('makeFolder', () => {
  let base = '';
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'biofuse-mkdir-'));
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('makes every missing level and accepts a folder that exists', async () => {
    const dir = join(base, 'a', 'b', 'c');
    expect(await makeFolder(dir)).toBe(dir);
    expect(existsSync(dir)).toBe(true);
    expect(await makeFolder(dir)).toBe(dir);
  });

  it('removes the levels it made when a deeper one cannot be made', async () => {
    await expect(makeFolder(join(base, 'x', 'y', TOO_LONG), 'results folder')).rejects.toThrow(/cannot create the results folder \(ENAMETOOLONG\)/);
    expect(existsSync(join(base, 'x'))).toBe(false);
    expect(existsSync(base)).toBe(true);
    // Levels that were there before stay.
    await makeFolder(join(base, 'kept'));
    await expect(makeFolder(join(base, 'kept', 'new', TOO_LONG))).rejects.toBeInstanceOf(DatasetError);
    expect([existsSync(join(base, 'kept')), existsSync(join(base, 'kept', 'new'))]).toEqual([true, false]);
  });

  it('refuses a file in the way without making anything', async () => {
    await writeFile(join(base, 'file'), 'x');
    await expect(makeFolder(join(base, 'file'))).rejects.toThrow(/is a file/);
    await expect(makeFolder(join(base, 'file', 'sub', 'deeper'))).rejects.toThrow(/ENOTDIR/);
  });

  it('never removes a folder a concurrent call made, found or returned', async () => {
    // A failing call makes p/q/r on its way to a name too long; a succeeding call for p/q/r
    // starts a little later each time, so some find the levels made, return, and would lose
    // them to the failing call's clean-up.
    const later = (ticks: number) => new Promise<void>((done) => (ticks === 0 ? done() : setTimeout(() => later(ticks - 1).then(done), 0)));
    const trials = Array.from({ length: 30 }, (_, i) => {
      const good = join(base, `p${i}`, 'q', 'r');
      return [good, Promise.allSettled([makeFolder(join(good, TOO_LONG)), later(i % 10).then(() => makeFolder(good))])] as const;
    });
    for (const [good, settled] of trials) {
      const [bad, ok] = await settled;
      expect([bad.status, ok.status]).toEqual(['rejected', 'fulfilled']);
      expect(existsSync(good), good).toBe(true);
    }
  });

  it('cleans up after concurrent failing calls that share no new level', async () => {
    const bad = Array.from({ length: 20 }, (_, i) => join(base, `only${i}`, 'q', TOO_LONG));
    const results = await Promise.allSettled(bad.map((dir) => makeFolder(dir)));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    for (let i = 0; i < 20; i++) expect(existsSync(join(base, `only${i}`))).toBe(false);
  });
});
