import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { lstat, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { DatasetError, makeNewFolders, removedOnInterrupt, type NewFolders } from '@biofuse/core';

/*
 * Every file and folder the CLI writes goes through here, so every command follows one rule:
 * missing parent folders are created (taken away again if the file is never written); a path
 * that cannot be written (a file in the way of a folder, a folder in the way of a file, no
 * permission) fails before any work as a data error naming it; and a file appears under its name only once it is complete, so a run that fails
 * half-way leaves an earlier file at that path as it was. A link is written through (the file it
 * points to is replaced, not the link), and a path that is not a regular file (/dev/stdout, a
 * named pipe) is written directly: it cannot be replaced, and there is nothing to keep.
 */

const code = (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err);

/** A results file being written: bytes go to a temporary file beside its target (or to the target itself, for a device or pipe). */
export interface OutputFile {
  readonly path: string;
  readonly stream: WriteStream;
}

interface Target {
  /** Where the bytes end up: `path`, or the file a link at `path` points to. */
  readonly file: string;
  /** Where they are written first; undefined when written directly (a device or pipe). */
  readonly temporary?: string;
}

/** A temporary file being written, removed if the process is interrupted (Ctrl-C, a kill) until `done` is called. */
interface Temporary {
  readonly path: string;
  readonly done: () => void;
}

/** What each open results file writes, and where. */
const opened = new WeakMap<WriteStream, { readonly target: Target; readonly temporary?: Temporary }>();

function writingTemporary(path: string): Temporary {
  return { path, done: removedOnInterrupt(path) };
}

async function removeTemporary(t: Temporary): Promise<void> {
  await rm(t.path, { force: true });
  t.done();
}

/** Opens a results file before any work is done (see the rule above). */
export async function openOutputFile(path: string): Promise<OutputFile> {
  const target = await checkedTarget(path);
  const temporary = target.temporary ? writingTemporary(target.temporary) : undefined;
  const stream = createWriteStream(target.temporary ?? target.file);
  // A write that fails later (a full disk) is reported by closeOutputFile, never as an unhandled stream error.
  stream.on('error', () => undefined);
  try {
    await once(stream, 'open');
  } catch (err) {
    temporary?.done();
    throw new DatasetError(`cannot write (${code(err)})`, path);
  }
  opened.set(stream, { target, temporary });
  return { path, stream };
}

/** Ends the file, waits until every byte is written, and puts it in place; a failed write leaves no trace. */
export async function closeOutputFile(out: OutputFile): Promise<void> {
  const { target, temporary } = opened.get(out.stream)!;
  out.stream.end();
  try {
    await finished(out.stream);
  } catch (err) {
    if (temporary) await removeTemporary(temporary);
    throw new DatasetError(`cannot write (${code(err)})`, out.path);
  }
  if (temporary) await moveIntoPlace(temporary, target.file, out.path);
}

/** Gives up a file opened with openOutputFile: the temporary bytes go, `path` is untouched. */
export async function abandonOutputFile(out: OutputFile): Promise<void> {
  const { temporary } = opened.get(out.stream)!;
  out.stream.destroy();
  if (temporary) await removeTemporary(temporary);
}

/**
 * Checks now that `path` can be written, and returns the function that writes it later (after
 * the work): for commands that only know their bytes at the end.
 */
export async function reserveOutputFile(path: string): Promise<(bytes: Uint8Array | string) => Promise<void>> {
  const target = await checkedTarget(path);
  if (target.temporary) {
    const probe = writingTemporary(target.temporary);
    try {
      await writeFile(probe.path, '');
    } catch (err) {
      throw new DatasetError(`cannot write (${code(err)})`, path);
    } finally {
      await removeTemporary(probe);
    }
  }
  return async (bytes) => {
    const temporary = target.temporary ? writingTemporary(target.temporary) : undefined;
    try {
      await writeFile(temporary?.path ?? target.file, bytes);
    } catch (err) {
      if (temporary) await removeTemporary(temporary);
      throw new DatasetError(`cannot write (${code(err)})`, path);
    }
    if (temporary) await moveIntoPlace(temporary, target.file, path);
  };
}

async function checkedTarget(path: string): Promise<Target> {
  // Through a link to the file it names: replacing the link with a file would cut it.
  const link = (await lstat(path).catch(() => undefined))?.isSymbolicLink();
  let file = path;
  if (link) {
    try {
      file = await realpath(path);
    } catch (err) {
      throw new DatasetError(`is a link to nothing that can be written (${code(err)})`, path);
    }
  }
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory()) throw new DatasetError('is a folder, not a file to write', path);
  if (existing && !existing.isFile()) return { file };
  await makeParentFolders(file);
  return { file, temporary: `${file}.partial-${process.pid}` };
}

/**
 * Folders made for output files not yet in place, by the file they were made for: made before
 * the work (to fail early), they go again, where still empty, if the command fails before
 * writing the file (removeUnwrittenOutputFolders) or is interrupted.
 */
const foldersMadeFor = new Map<string, NewFolders>();

async function makeParentFolders(file: string): Promise<void> {
  const folders = await makeNewFolders(dirname(file));
  if (foldersMadeFor.has(file)) folders.keep();
  else foldersMadeFor.set(file, folders);
}

/** The file is in place: the folders made for it stay. */
function inPlace(file: string): void {
  foldersMadeFor.get(file)?.keep();
  foldersMadeFor.delete(file);
}

export function removeUnwrittenOutputFolders(): void {
  for (const [file, folders] of foldersMadeFor) {
    foldersMadeFor.delete(file);
    folders.undo();
  }
}

async function moveIntoPlace(temporary: Temporary, file: string, path: string): Promise<void> {
  try {
    await rename(temporary.path, file);
  } catch (err) {
    await removeTemporary(temporary);
    throw new DatasetError(`cannot write (${code(err)})`, path);
  }
  temporary.done();
  inPlace(file);
}
