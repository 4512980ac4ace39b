import { readdir } from 'node:fs/promises';
import { DatasetError } from '../errors';
import type { DatasetSample, SkippedFile } from './samples';

export interface KeyedFolder {
  /** The dataset named in the listing error: `cannot list <dataset> folder (ENOENT)`. */
  readonly dataset: string;
  readonly pattern: RegExp;
  /** The skip reason of a name `pattern` does not match. */
  readonly mismatch: string;
  /** A matched name's key (`impression 101_1`: two files with one key are one sample) and subject. */
  readonly key: (match: RegExpExecArray) => { key: string; subject: string };
  /** The order names are read in: of two files with one key, the first is kept. */
  readonly order: (a: string, b: string) => number;
}

/**
 * A dataset folder's samples in `order`, one per key: a second file for a key is skipped with
 * the name of the one kept, a name that does not match with `mismatch`.
 */
export async function readKeyedFolder(dir: string, folder: KeyedFolder): Promise<{ samples: DatasetSample[]; skipped: SkippedFile[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort(folder.order);
  } catch (err) {
    throw new DatasetError(`cannot list ${folder.dataset} folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`, dir);
  }
  const samples: DatasetSample[] = [];
  const skipped: SkippedFile[] = [];
  const kept = new Map<string, string>();
  for (const name of names) {
    const m = folder.pattern.exec(name);
    if (!m) {
      skipped.push({ path: name, reason: folder.mismatch });
      continue;
    }
    const { key, subject } = folder.key(m);
    const first = kept.get(key);
    if (first !== undefined) {
      skipped.push({ path: name, reason: `${key} again (${first} is used)` });
      continue;
    }
    kept.set(key, name);
    samples.push({ path: name, subject });
  }
  return { samples, skipped };
}
