import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rmdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import yauzl from 'yauzl';
import { FetchError } from '../../errors';

/**
 * Unpacks a .zip or .tgz into `into`. Entries that would land outside it (absolute paths,
 * `..`) are refused. When the archive wraps everything in one top folder, its content is
 * moved up, so `into` holds the files themselves.
 */
export async function extractArchive(archive: string, format: 'zip' | 'tgz', into: string): Promise<number> {
  await mkdir(into, { recursive: true });
  const before = new Set(await readdir(into));
  const count = format === 'tgz' ? await extractTgz(archive, into) : await extractZip(archive, into);
  await liftSingleTopFolder(into, before);
  return count;
}

async function extractTgz(archive: string, into: string): Promise<number> {
  let count = 0;
  try {
    await tar.x({
      file: archive,
      cwd: into,
      strict: true,
      filter: (path) => {
        if (!safeEntry(path)) throw new FetchError(`${archive}: entry "${path}" would be written outside ${into}`);
        count++;
        return true;
      },
    });
  } catch (err) {
    if (err instanceof FetchError) throw err;
    throw new FetchError(`${archive}: not a readable .tgz (${(err as Error).message})`, { cause: err });
  }
  return count;
}

function extractZip(archive: string, into: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    yauzl.open(archive, { lazyEntries: true, strictFileNames: true }, (err, zip) => {
      if (err || !zip) return reject(new FetchError(`${archive}: not a readable .zip (${err?.message ?? 'unknown'})`, { cause: err }));
      let count = 0;
      zip.on('error', (e: Error) => reject(new FetchError(`${archive}: ${e.message}`, { cause: e })));
      zip.on('end', () => resolvePromise(count));
      zip.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName;
        if (!safeEntry(name)) {
          zip.close();
          return reject(new FetchError(`${archive}: entry "${name}" would be written outside ${into}`));
        }
        const target = join(into, name);
        if (name.endsWith('/')) {
          mkdir(target, { recursive: true }).then(() => zip.readEntry(), reject);
          return;
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(new FetchError(`${archive}: cannot read "${name}"`, { cause: e }));
          mkdir(dirname(target), { recursive: true })
            .then(() => pipeline(stream, createWriteStream(target)))
            .then(() => {
              count++;
              zip.readEntry();
            }, reject);
        });
      });
      zip.readEntry();
    });
  });
}

function safeEntry(path: string): boolean {
  if (isAbsolute(path) || /^[A-Za-z]:/.test(path)) return false;
  const n = normalize(path);
  return n !== '..' && !n.startsWith(`..${sep}`);
}

async function liftSingleTopFolder(into: string, before: Set<string>): Promise<void> {
  const added = (await readdir(into, { withFileTypes: true })).filter((e) => !before.has(e.name));
  if (added.length !== 1 || !added[0].isDirectory()) return;
  const top = join(into, added[0].name);
  const inner = await readdir(top);
  if (inner.some((name) => before.has(name) || name === added[0].name)) return;
  for (const name of inner) await rename(join(top, name), join(into, name));
  await rmdir(top);
}
