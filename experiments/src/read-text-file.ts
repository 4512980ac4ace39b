import { readFile } from 'node:fs/promises';
import type { DatasetError } from '@biofuse/core';

/**
 * A UTF-8 file's text. A file that cannot be read is the data's fault, never the config's: the
 * DatasetError that `unreadable` words from the reason (the errno code, such as ENOENT, where
 * there is one).
 */
export async function readTextFile(path: string, unreadable: (reason: string) => DatasetError): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw unreadable((err as NodeJS.ErrnoException).code ?? String(err));
  }
}
