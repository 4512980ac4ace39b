import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { DatasetError } from '@biofuse/core';

/** The repository root: experiments/ sits directly inside it. */
export const WORKSPACE_ROOT = resolve(import.meta.dirname, '../../..');

export interface Provenance {
  readonly git: { readonly commit: string | null; readonly dirty: boolean | null };
  readonly lockfileSha256: string | null;
  readonly versions: Readonly<Record<string, string>>;
  readonly machine: {
    readonly platform: string;
    readonly release: string;
    readonly arch: string;
    readonly cpuModel: string;
    readonly cpus: number;
    readonly memoryBytes: number;
  };
}

/** Where the code, the dependencies and the machine of a run came from. */
export function provenance(): Provenance {
  return {
    git: gitState(),
    lockfileSha256: fileSha256Sync(join(WORKSPACE_ROOT, 'package-lock.json')),
    versions: {
      node: process.versions.node,
      v8: process.versions.v8,
      ...packageVersions(['@biofuse/core', '@biofuse/experiments', 'yaml', 'zod', 'plotly.js-basic-dist-min']),
    },
    machine: {
      platform: platform(),
      release: release(),
      arch: arch(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      cpus: cpus().length,
      memoryBytes: totalmem(),
    },
  };
}

/**
 * A content fingerprint of a run's data files: sha256 over each file's path (relative to the
 * data root) and sha256. The same data gives the same fingerprint wherever it is copied.
 */
export async function dataFingerprint(files: readonly string[], dataRoot: string): Promise<{ files: number; bytes: number; sha256: string }> {
  const sorted = [...new Set(files.map((f) => resolve(f)))].sort();
  const h = createHash('sha256');
  let bytes = 0;
  for (const f of sorted) {
    const fh = createHash('sha256');
    for await (const chunk of createReadStream(f)) {
      fh.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    h.update(`${relative(dataRoot, f)}\0${fh.digest('hex')}\n`);
  }
  return { files: sorted.length, bytes, sha256: h.digest('hex') };
}

/**
 * Every file under a folder, recursively, sorted; a folder that does not exist is a
 * DatasetError, not an empty list. Links are followed, as the dataset loaders follow them (a
 * folder of links to the prints was fingerprinted as no files at all); a link back into a
 * folder already walked is not walked again.
 */
export async function listFilesRecursive(dir: string): Promise<string[]> {
  if (!existsSync(dir)) throw new DatasetError('no such folder', dir);
  const out: string[] = [];
  const walked = new Set<string>();
  const walk = async (d: string) => {
    const real = await realpath(d);
    if (walked.has(real)) return;
    walked.add(real);
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const kind = e.isSymbolicLink() ? await stat(p).catch(() => undefined) : e;
      if (kind?.isDirectory()) await walk(p);
      else if (kind?.isFile()) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

function gitState(): Provenance['git'] {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: WORKSPACE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    // Untracked files count (a new source file not yet committed changes what ran); ignored ones (results, scratch) do not.
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=normal'], { cwd: WORKSPACE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

function fileSha256Sync(path: string): string | null {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return null;
  }
}

function packageVersions(names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const path = join(WORKSPACE_ROOT, 'node_modules', name, 'package.json');
    try {
      out[name] = (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
    } catch {
      out[name] = 'unknown';
    }
  }
  return out;
}
