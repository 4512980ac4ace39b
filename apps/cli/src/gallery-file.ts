import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { DatasetError } from '@biofuse/core';

/**
 * Opens a gallery with `open`, runs `enrol` on it and closes it. When anything fails (the
 * open included), a gallery this call created is removed with SQLite's side files, so a failed
 * first enrolment leaves no empty gallery behind; one that existed before is kept as it is.
 * A first enrolment in which every sample failed is such a failure too (a data error, after
 * `enrol` has reported the reasons): searching an empty gallery would find no one, quietly.
 */
export async function enrolIntoGallery<G extends { close(): void; readonly size: number }, R>(path: string, open: () => Promise<G>, enrol: (gallery: G) => Promise<R>): Promise<R> {
  const existed = existsSync(path);
  let gallery: G | undefined;
  let done = false;
  try {
    gallery = await open();
    const result = await enrol(gallery);
    if (!existed && gallery.size === 0) throw new DatasetError('nothing was enrolled (every sample failed, see "failed"), so no gallery was made', path);
    done = true;
    return result;
  } finally {
    gallery?.close();
    if (!done && !existed) for (const f of [path, `${path}-wal`, `${path}-shm`]) await rm(f, { force: true });
  }
}
