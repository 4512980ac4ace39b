import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, realpath, rm, stat } from 'node:fs/promises';
import { arch, cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { byCodeUnits, DatasetError } from '@biofuse/core';

/** The repository root: experiments/ sits directly inside it. */
export const WORKSPACE_ROOT = resolve(import.meta.dirname, '../../..');

/** The code that ran: its commit and what the working tree changed on top of it. */
export interface GitState {
  readonly commit: string | null;
  readonly dirty: boolean | null;
  /**
   * The id of the git tree of the working tree as it ran: the tree `git add -A && git write-tree`
   * would make of it (tracked files as they are, untracked ones that git does not ignore), written
   * through a temporary index. With the commit it names the code that ran (a changed default
   * changed the numbers under one commit and `dirty: true`, and nothing told the runs apart), and
   * as git hashes the files' content, not a diff's text, it is the same id whatever the diff
   * settings of whoever ran it (a hash of `git diff HEAD` changed with diff.context). The
   * commit's own tree where nothing changed.
   */
  readonly tree: string | null;
  /** The paths changed against the commit and the untracked ones, in code-unit order, at most MAX_CHANGED_PATHS. */
  readonly changedPaths: readonly string[] | null;
  /** How many paths changed in all (changedPaths holds the first of them). */
  readonly changedPathCount: number | null;
  /** Why the fields are null: git is not installed, the folder is no repository, no commit yet. */
  readonly unavailable?: string;
}

/** The changed paths a manifest lists; their count and the tree's hash cover the rest. */
export const MAX_CHANGED_PATHS = 100;

export interface Provenance {
  readonly git: GitState;
  /** sha256 of package-lock.json: what should be installed. */
  readonly lockfileSha256: string | null;
  /**
   * sha256 of node_modules/.package-lock.json, npm's record of the tree it installed: what is
   * installed (a tree installed from an older lockfile, or changed by hand, has another); null
   * where there is none (another package manager, no install).
   */
  readonly installedTreeSha256: string | null;
  /** Node, V8 and the installed versions of the dependencies a run loads, by name, in code-unit order (see installedVersions). */
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

/**
 * Where the code, the dependencies and the machine of a run came from. Taken when the run
 * starts: the code and lockfile that ran are those of the start (a HEAD moved during a run
 * was recorded as the run's).
 */
export async function provenance(): Promise<Provenance> {
  return {
    git: await gitState(),
    lockfileSha256: await fileSha256OrNull(join(WORKSPACE_ROOT, 'package-lock.json')),
    installedTreeSha256: await installedTreeSha256(),
    versions: { node: process.versions.node, v8: process.versions.v8, ...installedVersions() },
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
 * data root) and sha256. The same data gives the same fingerprint wherever it is copied. A
 * path that is no file (a folder or a broken link that a loader lists as skipped, a sample that
 * is missing, which stops the run) counts by what it is, so that it still changes the
 * fingerprint, and is neither counted nor read.
 */
export async function dataFingerprint(files: readonly string[], dataRoot: string): Promise<{ files: number; bytes: number; sha256: string }> {
  const sorted = [...new Set(files.map((f) => resolve(f)))].sort();
  const h = createHash('sha256');
  let bytes = 0;
  let count = 0;
  for (const f of sorted) {
    const kind = await stat(f).then(
      (s) => (s.isFile() ? 'file' : s.isDirectory() ? 'folder' : 'other'),
      () => 'missing',
    );
    if (kind !== 'file') {
      h.update(`${relative(dataRoot, f)}\0${kind}\n`);
      continue;
    }
    const file = await fileSha256(f);
    bytes += file.bytes;
    count++;
    h.update(`${relative(dataRoot, f)}\0${file.sha256}\n`);
  }
  return { files: count, bytes, sha256: h.digest('hex') };
}

/** sha256 of a file's bytes and how many there are, read as a stream: a file is never held whole. */
async function fileSha256(path: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

/** fileSha256's hash, or null where the file cannot be read (there is none). */
async function fileSha256OrNull(path: string): Promise<string | null> {
  return fileSha256(path).then(
    (file) => file.sha256,
    () => null,
  );
}

/**
 * Every file under a folder, recursively, sorted; a folder that does not exist is a
 * DatasetError, not an empty list. Links are followed, as the dataset loaders follow them (a
 * folder of links to the prints was fingerprinted as no files at all); a link back into a
 * folder already walked is not walked again. A link to nothing is left out, unless
 * `brokenLinks` asks for it: a command that reports every sample it could not use must see it.
 */
export async function listFilesRecursive(dir: string, opts: { readonly brokenLinks?: boolean } = {}): Promise<string[]> {
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
      else if (kind?.isFile() || (kind === undefined && opts.brokenLinks)) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * The commit and working tree of the repository at `root` (the workspace), or nulls and why:
 * a run outside a repository, or on a machine without git, still writes its manifest.
 *
 * The working tree is named by its git tree (GitState.tree), made as `git add -A` and `git
 * write-tree` would make it, but through a temporary index and a temporary object folder (the
 * repository's objects are read through it as alternates): git hashes the files itself, a
 * stream at a time, and the repository's index and objects are left as they were. Both
 * temporaries are removed, whatever happens.
 */
export async function gitState(root: string = WORKSPACE_ROOT, git = 'git'): Promise<GitState> {
  const run = async (args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}) => (await gitOutput(git, args, cwd, env)).toString('utf8');
  let top: string;
  let commit: string;
  try {
    top = (await run(['rev-parse', '--show-toplevel'], root)).trim();
  } catch (err) {
    return noGitState((err as Error).message);
  }
  try {
    commit = (await run(['rev-parse', '--verify', 'HEAD^{commit}'], top)).trim();
  } catch {
    return noGitState(`the repository at ${top} has no commit yet`);
  }
  let scratch: string | undefined;
  try {
    const objects = resolve(top, (await run(['rev-parse', '--git-path', 'objects'], top)).trim());
    scratch = await mkdtemp(join(tmpdir(), 'biofuse-worktree-'));
    await mkdir(join(scratch, 'objects'));
    const aside = {
      GIT_INDEX_FILE: join(scratch, 'index'),
      GIT_OBJECT_DIRECTORY: join(scratch, 'objects'),
      GIT_ALTERNATE_OBJECT_DIRECTORIES: [objects, process.env.GIT_ALTERNATE_OBJECT_DIRECTORIES].filter((d) => d).join(delimiter),
    };
    await run(['read-tree', 'HEAD'], top, aside);
    await run(['add', '--all'], top, aside); // .gitignore, info/exclude and core.excludesFile apply
    const tree = (await run(['write-tree'], top, aside)).trim();
    // Plumbing, not `git diff`: no diff.* setting changes which paths it names.
    const paths = splitNul(await run(['diff-tree', '-r', '-z', '--name-only', '--no-renames', commit, tree], top, aside)).sort(byCodeUnits);
    return {
      commit,
      dirty: paths.length > 0,
      tree,
      changedPaths: paths.slice(0, MAX_CHANGED_PATHS),
      changedPathCount: paths.length,
    };
  } catch (err) {
    return { ...noGitState((err as Error).message), commit };
  } finally {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
}

function noGitState(why: string): GitState {
  return { commit: null, dirty: null, tree: null, changedPaths: null, changedPathCount: null, unavailable: why };
}

/**
 * Runs git with `env` added to the environment and gives its standard output; rejects with why
 * git could not answer: not installed, or its own first line of error ("not a git repository").
 */
function gitOutput(git: string, args: readonly string[], cwd: string, env: Readonly<Record<string, string>>): Promise<Buffer> {
  return new Promise((resolveOutput, reject) => {
    // Optional locks off: a run only reads the repository, and must not take its index lock from someone committing.
    const child = spawn(git, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', ...env } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT' && !existsSync(cwd)) reject(new Error(`no such folder ${cwd}`));
      else reject(new Error(e.code === 'ENOENT' ? `git is not installed (${git} not found)` : `cannot run git: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      if (code === 0) return resolveOutput(Buffer.concat(out));
      const first = Buffer.concat(err).toString('utf8').split('\n').find((l) => l.trim() !== '');
      reject(new Error(`git failed in ${cwd}: ${first?.trim() ?? (signal ? `killed by ${signal}` : `exit code ${code}`)}`));
    });
  });
}

function splitNul(b: string): string[] {
  return b.split('\0').filter((p) => p !== '');
}

/** sha256 of npm's record of the installed tree (node_modules/.package-lock.json), or null where there is none. */
export function installedTreeSha256(root: string = WORKSPACE_ROOT): Promise<string | null> {
  return fileSha256OrNull(join(root, 'node_modules', '.package-lock.json'));
}

/**
 * The workspace packages a run loads: the command, the experiments and every package below
 * them. Their own versions say nothing (always 0.1.0; the git state names their code); their
 * dependencies are what installedVersions records.
 */
export const RUN_WORKSPACE_PACKAGES: readonly string[] = ['apps/cli', 'experiments', 'packages/core', 'packages/face', 'packages/fingerprint', 'packages/fusion', 'packages/signature'];

/**
 * Installed packages a run loads that no workspace package lists: every package of these scopes
 * (tfjs's core, backends and converter; @vladmandic's model packages; sharp's prebuilt binary
 * and libvips, `@img/sharp-*`), onnxruntime-node's API and the compiler tsx runs the sources through.
 */
const LOADED_SCOPES: readonly (readonly [scope: string, prefix: string])[] = [
  ['@tensorflow', ''],
  ['@vladmandic', ''],
  ['@img', 'sharp-'],
];
const LOADED_PACKAGES: readonly string[] = ['onnxruntime-common', 'esbuild'];

/**
 * The installed version of every dependency that can change a run's numbers, read from each
 * package.json in node_modules (nothing is imported): the dependencies the run's workspace
 * packages list (sharp, tfjs, onnxruntime-node, the @vladmandic models, better-sqlite3, tsx,
 * yaml, zod...), resolved as Node resolves them from the package that lists them, and what
 * those load unlisted (LOADED_SCOPES, LOADED_PACKAGES); and `libvips`, the version of the libvips
 * that sharp's prebuilt binary carries (what sharp.versions.vips reports, read from the same
 * versions.json without loading sharp). A package resolved to two versions from two workspace
 * packages is recorded as both ("4.22.0, 4.21.0"); one not installed as 'not installed'.
 * Keys in code-unit order, so the same tree writes the same bytes.
 */
export function installedVersions(root: string = WORKSPACE_ROOT): Record<string, string> {
  const found = new Map<string, Set<string>>();
  const record = (name: string, version: string) => found.set(name, (found.get(name) ?? new Set()).add(version));
  for (const pkg of RUN_WORKSPACE_PACKAGES) {
    const dir = join(root, pkg);
    const manifest = readJson(join(dir, 'package.json')) as { dependencies?: Record<string, string> } | undefined;
    for (const name of Object.keys(manifest?.dependencies ?? {})) {
      if (name.startsWith('@biofuse/')) continue;
      record(name, installedVersion(name, dir, root));
    }
  }
  for (const [scope, prefix] of LOADED_SCOPES) {
    for (const entry of listDir(join(root, 'node_modules', scope))) {
      // A folder without a package.json is no package (an override's empty stub).
      if (entry.startsWith(prefix) && existsSync(join(root, 'node_modules', scope, entry, 'package.json'))) record(`${scope}/${entry}`, installedVersion(`${scope}/${entry}`, root, root));
    }
  }
  for (const name of LOADED_PACKAGES) record(name, installedVersion(name, root, root));
  record('libvips', libvipsVersion(root));
  const out: Record<string, string> = {};
  for (const name of [...found.keys()].sort(byCodeUnits)) out[name] = [...(found.get(name) as Set<string>)].join(', ');
  return out;
}

/** The version of `name` that Node resolves from `from`: the nearest node_modules/<name> up to `root`. */
function installedVersion(name: string, from: string, root: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const path = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(path)) {
      const version = (readJson(path) as { version?: unknown } | undefined)?.version;
      return typeof version === 'string' ? version : 'unknown';
    }
    if (dir === resolve(root) || dir === dirname(dir)) return 'not installed';
  }
}

/**
 * The libvips of sharp's prebuilt binaries, as sharp.versions reports it: the `vips` of the
 * versions.json of @img/sharp-<platform>, else of @img/sharp-libvips-<platform>, for this
 * platform and architecture; 'unknown' where there is none (sharp built against a global libvips).
 */
function libvipsVersion(root: string): string {
  const installed = listDir(join(root, 'node_modules', '@img'));
  const here = (name: string) => name.startsWith(`${process.platform}`) && name.endsWith(`-${process.arch}`);
  const binaries = installed.filter((e) => e.startsWith('sharp-') && !e.startsWith('sharp-libvips-') && here(e.slice('sharp-'.length)));
  const libraries = installed.filter((e) => e.startsWith('sharp-libvips-') && here(e.slice('sharp-libvips-'.length)));
  for (const entry of [...binaries.sort(), ...libraries.sort()]) {
    const vips = (readJson(join(root, 'node_modules', '@img', entry, 'versions.json')) as { vips?: unknown } | undefined)?.vips;
    if (typeof vips === 'string') return vips;
  }
  return 'unknown';
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
