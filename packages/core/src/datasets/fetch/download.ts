import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { FetchError } from '../../errors';

export interface DownloadOptions {
  readonly onProgress?: (bytes: number, total: number | undefined) => void;
  readonly signal?: AbortSignal;
  /**
   * Give up when the server sends nothing for this long (headers or body; default 60 s). A
   * stalled server otherwise held the download for undici's five minutes, then said only
   * "fetch failed". Slow is fine: every byte that arrives resets the clock.
   */
  readonly idleTimeoutMs?: number;
}

const duration = (ms: number) => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

interface IdleWatch {
  readonly signal: AbortSignal;
  /** Data arrived: restart the clock. */
  touch(): void;
  /** The download is over: no more timer, no listener left on the caller's signal. */
  stop(): void;
  /** Whether the abort came from the clock (not from the caller). */
  readonly idle: boolean;
}

/** An abort signal that fires after `ms` without a call to `touch`, or when `outer` fires. */
function idleWatch(ms: number, outer: AbortSignal | undefined): IdleWatch {
  const controller = new AbortController();
  let idle = false;
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      controller.abort(new Error(`no data for ${duration(ms)}`));
    }, ms);
  };
  const forward = () => controller.abort(outer?.reason);
  outer?.addEventListener('abort', forward, { once: true });
  touch();
  return {
    signal: controller.signal,
    touch,
    stop: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', forward);
    },
    get idle() {
      return idle;
    },
  };
}

/**
 * Downloads `url` to `dest`, resuming from `dest.part` with an HTTP Range request when an
 * earlier attempt was cut off. The finished file is renamed into place only when complete.
 */
export async function downloadResumable(url: string, dest: string, opts: DownloadOptions = {}): Promise<void> {
  const part = `${dest}.part`;
  const have = await fileSize(part);
  const idleMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const watch = idleWatch(idleMs, opts.signal);
  try {
    await downloadOnce(url, part, dest, have, watch, opts);
  } catch (err) {
    if (watch.idle && err instanceof FetchError) throw new FetchError(`${url}: the server sent nothing for ${duration(idleMs)} (run again to resume)`, { cause: err });
    throw err;
  } finally {
    watch.stop();
  }
}

/** One request: from byte `have` of `part` on, renamed to `dest` when complete. */
async function downloadOnce(url: string, part: string, dest: string, have: number, watch: IdleWatch, opts: DownloadOptions): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, signal: watch.signal, redirect: 'follow' });
    watch.touch();
  } catch (err) {
    // undici says "fetch failed"; the reason (a timeout, a redirect loop, a refused connection) is in its cause.
    const cause = (err as { cause?: { message?: string; code?: string } }).cause;
    const why = cause?.message ?? cause?.code;
    throw new FetchError(`${url}: ${(err as Error).message}${why ? ` (${why})` : ''}`, { cause: err });
  }
  if (res.status === 416 && have > 0) {
    // The server has nothing past our part: complete only if its size is what the part holds
    // (a smaller file on the server means the part is of something else).
    const size = Number(/\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1]);
    await res.body?.cancel();
    if (size !== have) {
      await rm(part, { force: true });
      throw new FetchError(`${url}: the partial download (${have} bytes) does not fit the file on the server${Number.isFinite(size) ? ` (${size} bytes)` : ''}; it was removed, run again`);
    }
    await rename(part, dest);
    return;
  }
  if (res.status === 206) {
    // A resumed body must start where the part ends: appending anything else corrupts the file.
    const from = Number(/^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1]);
    if (from !== have) {
      await res.body?.cancel();
      await rm(part, { force: true });
      throw new FetchError(`${url}: asked to resume at byte ${have}, the server answered from ${Number.isFinite(from) ? `byte ${from}` : 'an unstated byte'}; the partial download was removed, run again`);
    }
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
  // Every chunk received is on disk before the next is read, so a cut connection loses nothing
  // that arrived and the next run resumes exactly where this one stopped.
  const file = await open(part, resumed ? 'a' : 'w');
  try {
    for await (const chunk of Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>)) {
      watch.touch();
      await file.write(chunk as Uint8Array);
      bytes += (chunk as Uint8Array).length;
      opts.onProgress?.(bytes, total);
    }
  } catch (err) {
    throw new FetchError(`${url}: download interrupted after ${bytes} bytes (run again to resume): ${(err as Error).message}`, { cause: err });
  } finally {
    await file.close();
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
