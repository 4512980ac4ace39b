import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { DatasetError } from '@biofuse/core';

/**
 * A results file, opened before any work is done: a path that cannot be written fails at once
 * as a data error naming it (an unheard stream 'error' would otherwise kill the process).
 */
export async function openOutputFile(path: string): Promise<WriteStream> {
  const out = createWriteStream(path);
  try {
    await once(out, 'open');
  } catch (err) {
    throw new DatasetError(`cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`, path);
  }
  return out;
}

/** Ends the file and waits until every byte is written. */
export async function closeOutputFile(out: WriteStream): Promise<void> {
  out.end();
  await once(out, 'finish');
}
