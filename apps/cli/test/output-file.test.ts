import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '@biofuse/core';
import { abandonOutputFile, closeOutputFile, openOutputFile, removeUnwrittenOutputFolders, reserveOutputFile } from '../src/output-file';
import { temporaryFolders } from '@biofuse/core/testing';

const tempFolder = temporaryFolders();

describe('output files', () => {
  it('keep the earlier file and leave no temporary one when a write fails (a full disk crashed the command)', async () => {
    const dir = await tempFolder('biofuse-out-');
    const path = join(dir, 'q.csv');
    await writeFile(path, 'earlier\n');
    const out = await openOutputFile(path);
    out.stream.write('a,b\n');
    out.stream.destroy(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    const err = await closeOutputFile(out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toMatch(/q\.csv: cannot write \(ENOSPC\)/);
    expect(await readFile(path, 'utf8')).toBe('earlier\n');
    expect(await readdir(dir)).toEqual(['q.csv']);
  });

  it('take away the folders made for them when the command fails before writing them (they were left, empty), and keep the rest', async () => {
    const dir = await tempFolder('biofuse-out-');
    // Reserved, never written; opened, then given up; a folder that was there already; one written.
    await reserveOutputFile(join(dir, 'new', 'deep', 'report.html'));
    await abandonOutputFile(await openOutputFile(join(dir, 'other', 'scores.csv')));
    await mkdir(join(dir, 'existing'));
    await reserveOutputFile(join(dir, 'existing', 'figure.png'));
    const write = await reserveOutputFile(join(dir, 'kept', 'figure.svg'));
    await write('<svg/>');
    // Something else written into a folder made for an unwritten file: it stays.
    await reserveOutputFile(join(dir, 'shared', 'a.csv'));
    await writeFile(join(dir, 'shared', 'notes.txt'), 'x');
    await removeUnwrittenOutputFolders();
    expect((await readdir(dir)).sort()).toEqual(['existing', 'kept', 'shared']);
    expect(await readdir(join(dir, 'kept'))).toEqual(['figure.svg']);
  });

  it('write through a link to the file it names, and straight into a device that cannot be replaced', async () => {
    const dir = await tempFolder('biofuse-out-');
    await writeFile(join(dir, 'real.csv'), 'old');
    await symlink(join(dir, 'real.csv'), join(dir, 'link.csv'));
    const out = await openOutputFile(join(dir, 'link.csv'));
    out.stream.write('new');
    await closeOutputFile(out);
    expect((await lstat(join(dir, 'link.csv'))).isSymbolicLink()).toBe(true); // the link was replaced by a file before
    expect(await readlink(join(dir, 'link.csv'))).toBe(join(dir, 'real.csv'));
    expect(await readFile(join(dir, 'real.csv'), 'utf8')).toBe('new');
    const write = await reserveOutputFile(join(dir, 'link.csv'));
    await write('reserved');
    expect(await readFile(join(dir, 'real.csv'), 'utf8')).toBe('reserved');
    // /dev/null is written, not renamed over; /dev/full reports its failure as a data error.
    const sink = await openOutputFile('/dev/null');
    sink.stream.write('x');
    await closeOutputFile(sink);
    expect((await lstat('/dev/null')).isCharacterDevice()).toBe(true);
    const full = await openOutputFile('/dev/full');
    full.stream.write('x'.repeat(100_000));
    await expect(closeOutputFile(full)).rejects.toThrow(/\/dev\/full: cannot write \(ENOSPC\)/);
    await symlink(join(dir, 'nowhere', 'deeper'), join(dir, 'dangling.csv'));
    await expect(openOutputFile(join(dir, 'dangling.csv'))).rejects.toThrow(/dangling\.csv: is a link to nothing that can be written/);
  });
});
