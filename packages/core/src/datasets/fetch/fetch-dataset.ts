import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BiometricError, FetchError } from '../../errors';
import type { CatalogEntry, RemoteFile } from './catalog';
import { downloadResumable, fileDigests, fileSize, removeQuietly } from './download';
import { extractArchive } from './extract';
import { makeFolder } from '../../make-folder';

export interface FetchOptions {
  /** The data root; the dataset goes to `<dataRoot>/<name>/`. */
  readonly dataRoot: string;
  /** Base URL that serves the files by name, tried instead of the official addresses. */
  readonly mirror?: string;
  readonly onProgress?: (file: string, bytes: number, total: number | undefined) => void;
  readonly onMessage?: (message: string) => void;
  /** Give up on a server that sends nothing for this long (default 60 s; see downloadResumable). */
  readonly idleTimeoutMs?: number;
}

/** How a file's content was checked. */
export type Verification = 'published-sha256' | 'published-md5' | 'recorded-sha256' | 'first-download';

export interface FetchedFile {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly verification: Verification;
  readonly downloaded: boolean;
  readonly extracted?: number;
}

export interface FetchReport {
  readonly name: string;
  readonly dir: string;
  readonly files: readonly FetchedFile[];
}

interface FetchState {
  files: Record<string, { sha256: string; bytes: number; url?: string; unpackedSha256?: string }>;
}

const STATE_FILE = '.biofuse-fetch.json';

/**
 * Fetches one catalog dataset: downloads each file (resuming interrupted downloads), verifies
 * it against the published digest (or the digest recorded at its first download), and unpacks
 * or places it. Files already present and verified are not downloaded again.
 */
export async function fetchDataset(entry: CatalogEntry, opts: FetchOptions): Promise<FetchReport> {
  if (entry.manual) throw new FetchError(`${entry.name} cannot be fetched by a script: ${entry.manual} (${entry.homepage})`);
  try {
    return await fetchInto(entry, opts);
  } catch (err) {
    // A file or folder in the way (ENOTDIR, EISDIR, EEXIST): say where, not a stack trace.
    const e = err as NodeJS.ErrnoException;
    if (err instanceof BiometricError || typeof e.code !== 'string') throw err;
    throw new FetchError(`${e.path ?? join(opts.dataRoot, entry.name)}: cannot write the dataset there (${e.code})`, { cause: err });
  }
}

async function fetchInto(entry: CatalogEntry, opts: FetchOptions): Promise<FetchReport> {
  const dir = join(opts.dataRoot, entry.name);
  const downloads = join(dir, '.downloads');
  await makeFolder(downloads, 'download folder');
  const state = await readState(dir);
  const files: FetchedFile[] = [];
  for (const remote of entry.files) {
    const dest = join(downloads, remote.file);
    let downloaded = false;
    if ((await fileSize(dest)) === 0) {
      await downloadFromAny(remote, dest, opts);
      downloaded = true;
    }
    const digests = await fileDigests(dest);
    const verification = await verify(remote, dest, digests, state);
    const record = state.files[remote.file] ?? { sha256: digests.sha256, bytes: digests.bytes };
    record.sha256 = digests.sha256;
    record.bytes = digests.bytes;
    let extracted: number | undefined;
    if (remote.extract && record.unpackedSha256 !== digests.sha256) {
      try {
        extracted = await extractArchive(dest, remote.extract.format, join(dir, remote.extract.into));
      } catch (err) {
        // A download that does not unpack (an error page, a cut archive) would be verified and
        // kept by every later run: it goes, so that the next run downloads it again.
        if (err instanceof FetchError) {
          await removeQuietly(dest);
          throw new FetchError(`${err.message}; the download was removed, run again to fetch it anew`, { cause: err });
        }
        throw err;
      }
      record.unpackedSha256 = digests.sha256;
    } else if (remote.saveAs) {
      await copyFile(dest, join(dir, remote.saveAs));
    }
    state.files[remote.file] = record;
    await writeState(dir, state);
    if (verification === 'first-download') {
      opts.onMessage?.(`${remote.file}: no published checksum; recorded sha256 ${digests.sha256} in ${join(dir, STATE_FILE)}, later downloads must match it`);
    }
    files.push({ file: remote.file, sha256: digests.sha256, bytes: digests.bytes, verification, downloaded, extracted });
  }
  return { name: entry.name, dir, files };
}

async function downloadFromAny(remote: RemoteFile, dest: string, opts: FetchOptions): Promise<void> {
  const urls = opts.mirror ? [`${opts.mirror.replace(/\/+$/, '')}/${remote.file}`] : remote.urls;
  const errors: string[] = [];
  for (const url of urls) {
    try {
      await downloadResumable(url, dest, { idleTimeoutMs: opts.idleTimeoutMs, onProgress: (b, t) => opts.onProgress?.(remote.file, b, t ?? remote.bytes) });
      return;
    } catch (err) {
      errors.push((err as Error).message);
      // A partial file from this address must not be resumed from another one.
      if (urls.length > 1) await removeQuietly(`${dest}.part`);
    }
  }
  throw new FetchError(`could not download ${remote.file}:\n  ${errors.join('\n  ')}`);
}

async function verify(
  remote: RemoteFile,
  dest: string,
  digests: { sha256: string; md5: string; bytes: number },
  state: FetchState,
): Promise<Verification> {
  const fail = async (expected: string, got: string, kind: string) => {
    // A corrupt download is removed so that the next run starts clean instead of resuming it.
    await removeQuietly(dest);
    throw new FetchError(`${remote.file}: ${kind} mismatch (expected ${expected}, got ${got}); the file was removed, run again to re-download`);
  };
  if (remote.sha256) {
    if (digests.sha256 !== remote.sha256) await fail(remote.sha256, digests.sha256, 'sha256');
    return 'published-sha256';
  }
  if (remote.md5) {
    if (digests.md5 !== remote.md5) await fail(remote.md5, digests.md5, 'md5');
    return 'published-md5';
  }
  const recorded = state.files[remote.file]?.sha256;
  if (recorded) {
    if (digests.sha256 !== recorded) await fail(recorded, digests.sha256, 'sha256 (recorded at first download)');
    return 'recorded-sha256';
  }
  return 'first-download';
}

/** The digests recorded by earlier fetches. A missing file is a first fetch; a damaged one is an error, not a reset. */
async function readState(dir: string): Promise<FetchState> {
  const path = join(dir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { files: {} };
    throw new FetchError(`${path}: cannot read the recorded digests (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    const parsed = JSON.parse(text) as FetchState;
    return { files: parsed.files ?? {} };
  } catch {
    // Starting afresh would silently trust the next download: make the user decide.
    throw new FetchError(`${path} is damaged; delete it to fetch again without the digests it recorded`);
  }
}

async function writeState(dir: string, state: FetchState): Promise<void> {
  await writeFile(join(dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}
