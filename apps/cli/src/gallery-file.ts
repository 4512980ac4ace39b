import { existsSync } from 'node:fs';
import { DatasetError, Gallery } from '@biofuse/core';
import { UsageError } from './exit-codes';

/**
 * Opens a gallery with `open`, runs `enrol` on it and closes it. When anything fails (the
 * open included), a gallery this call created is removed with SQLite's side files, so a failed
 * first enrolment leaves no empty gallery behind; one that existed before is kept as it is.
 * A first enrolment in which every sample failed is such a failure too (a data error, after
 * `enrol` has reported the reasons): searching an empty gallery would find no one. Another
 * enrolment may have made or filled the same file meanwhile, so removal is decided on the
 * file at that moment: a gallery holding records, or held open by another enrolment, is kept.
 */
export async function enrolIntoGallery<G extends { close(): void; readonly size: number }, R>(path: string, open: () => Promise<G>, enrol: (gallery: G) => Promise<R>): Promise<R> {
  const existed = existsSync(path);
  let gallery: G | undefined;
  let result: R;
  let empty: boolean;
  try {
    gallery = await open();
    result = await enrol(gallery);
    // The size as the file has it now: another enrolment's records count.
    empty = !existed && gallery.size === 0;
  } catch (err) {
    gallery?.close();
    if (!existed) await Gallery.removeIfEmpty(path);
    throw err;
  }
  gallery.close();
  if (!empty) return result;
  const removed = await Gallery.removeIfEmpty(path);
  throw new DatasetError(
    removed
      ? 'nothing was enrolled (every sample failed, see "failed"), so no gallery was made'
      : 'nothing was enrolled (every sample failed, see "failed"); the gallery is kept, as another enrolment is using it',
    path,
  );
}

/**
 * The enrol commands' choice of input: a folder (one sub-folder per identity) or one identity
 * with its `items` ("images", "files"). Items named beside --folder were skipped without a word.
 */
export function checkEnrolInput(flags: { folder?: string; identity?: string }, items: readonly string[], what: string): void {
  if (!flags.folder === !flags.identity) throw new UsageError(`give either --folder or --identity with ${what}`);
  if (flags.identity && items.length === 0) throw new UsageError(`--identity needs at least one ${what.replace(/s$/, '')}`);
  if (flags.folder && items.length > 0) throw new UsageError(`--folder enrols the folder's ${what} only; give the other ${what} (${items.join(', ')}) with --identity in another run, or move them into the folder`);
}
