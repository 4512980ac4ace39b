import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DatasetError, makeFolder } from '@biofuse/core';

/*
 * Every file and folder the CLI writes goes through here, so every command follows one rule:
 * missing parent folders are created (makeFolder); a path that cannot be written (a file in the way of a
 * folder, a folder in the way of a file, no permission) fails before any work as a data error
 * naming it; and a file appears under its name only once it is complete, so a run that fails
 * half-way leaves an earlier file at that path as it was.
 */

const code = (err: unknown) => (err as NodeJS.ErrnoException).code ?? String(err);

/** A results file being written: bytes go to a temporary file beside `path`. */
export interface OutputFile {
  readonly path: string;
  readonly stream: WriteStream;
}

/** Opens a results file before any work is done (see the rule above). */
export async function openOutputFile(path: string): Promise<OutputFile> {
  const temporary = await checkedTemporaryPath(path);
  const stream = createWriteStream(temporary);
  try {
    await once(stream, 'open');
  } catch (err) {
    throw new DatasetError(`cannot write (${code(err)})`, path);
  }
  return { path, stream };
}

/** Ends the file, waits until every byte is written, and puts it in place. */
export async function closeOutputFile(out: OutputFile): Promise<void> {
  out.stream.end();
  await once(out.stream, 'finish');
  await moveIntoPlace(String(out.stream.path), out.path);
}

/** Gives up a file opened with openOutputFile: the temporary bytes go, `path` is untouched. */
export async function abandonOutputFile(out: OutputFile): Promise<void> {
  out.stream.destroy();
  await rm(String(out.stream.path), { force: true });
}

/**
 * Checks now that `path` can be written, and returns the function that writes it later (after
 * the work): for commands that only know their bytes at the end.
 */
export async function reserveOutputFile(path: string): Promise<(bytes: Uint8Array | string) => Promise<void>> {
  const temporary = await checkedTemporaryPath(path);
  try {
    await writeFile(temporary, '');
  } catch (err) {
    throw new DatasetError(`cannot write (${code(err)})`, path);
  } finally {
    await rm(temporary, { force: true });
  }
  return async (bytes) => {
    try {
      await writeFile(temporary, bytes);
    } catch (err) {
      await rm(temporary, { force: true });
      throw new DatasetError(`cannot write (${code(err)})`, path);
    }
    await moveIntoPlace(temporary, path);
  };
}

async function checkedTemporaryPath(path: string): Promise<string> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new DatasetError('is a folder, not a file to write', path);
  await makeFolder(dirname(path));
  return `${path}.partial-${process.pid}`;
}

async function moveIntoPlace(temporary: string, path: string): Promise<void> {
  try {
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    throw new DatasetError(`cannot write (${code(err)})`, path);
  }
}
