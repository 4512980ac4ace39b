import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FetchError } from '../../errors';

export interface DownloadOptions {
  readonly onProgress?: (bytes: number, total: number | undefined) => void;
  readonly signal?: AbortSignal;
}

/**
 * Downloads `url` to `dest`, resuming from `dest.part` with an HTTP Range request when an
 * earlier attempt was cut off. The finished file is renamed into place only when complete.
 */
export async function downloadResumable(url: string, dest: string, opts: DownloadOptions = {}): Promise<void> {
  const part = `${dest}.part`;
  const have = await fileSize(part);
  let res: Response;
  try {
    res = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, signal: opts.signal, redirect: 'follow' });
  } catch (err) {
    throw new FetchError(`${url}: ${(err as Error).message}`, { cause: err });
  }
  if (res.status === 416 && have > 0) {
    // The part already holds every byte the server has.
    await res.body?.cancel();
    await rename(part, dest);
    return;
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel();
    throw new FetchError(`${url}: HTTP ${res.status} ${res.statusText}`);
  }
  const resumed = res.status === 206;
  const start = resumed ? have : 0;
  const length = Number(res.headers.get('content-length'));
  const total = Number.isFinite(length) && length > 0 ? start + length : undefined;
  let bytes = start;
  opts.onProgress?.(bytes, total);
  const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    opts.onProgress?.(bytes, total);
  });
  try {
    await pipeline(body, createWriteStream(part, { flags: resumed ? 'a' : 'w' }));
  } catch (err) {
    throw new FetchError(`${url}: download interrupted after ${bytes} bytes (run again to resume): ${(err as Error).message}`, { cause: err });
  }
  if (total !== undefined && bytes !== total) {
    throw new FetchError(`${url}: got ${bytes} of ${total} bytes (run again to resume)`);
  }
  await rename(part, dest);
}

/** Hex digests of a file, computed in one read. */
export async function fileDigests(path: string): Promise<{ sha256: string; md5: string; bytes: number }> {
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    sha.update(chunk as Buffer);
    md5.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: sha.digest('hex'), md5: md5.digest('hex'), bytes };
}

export async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true, recursive: true });
}
