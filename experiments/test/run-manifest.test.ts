import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { byCodeUnits } from '@biofuse/core';
import { numberModality } from './number-modality';
import { temporaryFolders } from '@biofuse/core/testing';
import { parseExperimentConfig } from '../src/config/load-config';
import type { ModalityRegistry } from '../src/modalities';
import { parseResultsJson } from '../src/run/json';
import { gitState, listFilesRecursive, MAX_CHANGED_PATHS, WORKSPACE_ROOT, type GitState } from '../src/run/manifest';
import { dataRecord, runExperiment } from '../src/run/run-experiment';

// What a run's manifest.json says of the code, the data and the time that made its numbers.

/**
 * A stand-in for the repository's HEAD, which a test may move while a run is under way: while
 * it is set, provenance() reports it (read at the moment provenance() is called).
 */
const repository = vi.hoisted(() => ({ head: undefined as string | undefined }));
vi.mock(import('../src/run/manifest'), async (importOriginal) => {
  const actual = await importOriginal();
  const atHead = (head: string) => ({ git: { commit: head, dirty: false, tree: null, changedPaths: [], changedPathCount: 0 }, lockfileSha256: null, versions: {}, machine: {} });
  return { ...actual, provenance: (() => (repository.head === undefined ? actual.provenance() : atHead(repository.head))) as typeof actual.provenance };
});

const tempFolder = temporaryFolders();
type Manifest = {
  git: GitState;
  data: Record<string, unknown>;
  timingsMs: Record<string, number>;
};
const manifestOf = async (runDir: string) => parseResultsJson(await readFile(join(runDir, 'manifest.json'), 'utf8')) as Manifest;

const hasGit = spawnSync('git', ['--version']).status === 0;
/** Whether this workspace is a git checkout with a commit (a copy of the sources is not). */
const inRepository = hasGit && spawnSync('git', ['rev-parse', '--verify', 'HEAD^{commit}'], { cwd: WORKSPACE_ROOT }).status === 0;

/** Runs `f` with these environment variables set (git reads them), then puts the environment back. */
async function withEnv<T>(vars: Readonly<Record<string, string>>, f: () => Promise<T>): Promise<T> {
  const saved = Object.entries(vars).map(([name]) => [name, process.env[name]] as const);
  Object.assign(process.env, vars);
  try {
    return await f();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe.skipIf(!hasGit)('the git state of a run', () => {
  const git = (dir: string, ...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=biofuse', '-c', 'user.email=biofuse@example.org', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, stdio: 'pipe' });
  async function repositoryWith(files: Record<string, string | Buffer>): Promise<string> {
    const dir = await tempFolder('biofuse-git-');
    git(dir, 'init', '-q');
    for (const [path, content] of Object.entries(files)) await writeFile(join(dir, path), content);
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'start');
    return dir;
  }

  it('names the working tree that ran: every edit, binary ones too, and untracked files that git does not ignore', async () => {
    const binary = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7) % 256));
    const dir = await repositoryWith({ 'params.ts': 'export const minutiae = 40;\n', 'weights.bin': binary, '.gitignore': 'scratch/\n' });
    const clean = await gitState(dir);
    expect(clean.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(clean).toMatchObject({ dirty: false, changedPaths: [], changedPathCount: 0 });
    expect(clean.tree).toBe(git(dir, 'rev-parse', 'HEAD^{tree}').toString().trim()); // nothing changed: the commit's own tree
    expect(clean.unavailable).toBeUndefined();

    // A changed default: the commit and `dirty` alone could not tell these two trees apart.
    await writeFile(join(dir, 'params.ts'), 'export const minutiae = 60;\n');
    const sixty = await gitState(dir);
    await writeFile(join(dir, 'params.ts'), 'export const minutiae = 80;\n');
    const eighty = await gitState(dir);
    expect(sixty).toMatchObject({ commit: clean.commit, dirty: true, changedPaths: ['params.ts'], changedPathCount: 1 });
    expect(new Set([clean.tree, sixty.tree, eighty.tree]).size).toBe(3);
    expect((await gitState(dir)).tree).toBe(eighty.tree); // the same tree, the same hash

    // Binary files: "Binary files differ" says the same of every edit; their bytes must count.
    const edited = (at: number) => Buffer.from(binary.map((b, i) => (i === at ? b ^ 0xff : b)));
    await writeFile(join(dir, 'weights.bin'), edited(3));
    const first = await gitState(dir);
    await writeFile(join(dir, 'weights.bin'), edited(300));
    const second = await gitState(dir);
    expect(second.changedPaths).toEqual(['params.ts', 'weights.bin']);
    expect(second.tree).not.toBe(first.tree);

    // A new source file not yet added is code that ran: its path and its content count.
    await writeFile(join(dir, 'extra.ts'), 'export const x = 1;\n');
    const untracked = await gitState(dir);
    expect(untracked.changedPaths).toEqual(['extra.ts', 'params.ts', 'weights.bin']);
    expect(untracked.tree).not.toBe(second.tree);
    await writeFile(join(dir, 'extra.ts'), 'export const x = 2;\n');
    const untrackedEdited = await gitState(dir);
    expect(untrackedEdited.tree).not.toBe(untracked.tree);
    // Ignored files (results, scratch) are not the code.
    await mkdir(join(dir, 'scratch'));
    await writeFile(join(dir, 'scratch', 'notes.txt'), 'anything');
    expect(await gitState(dir)).toEqual(untrackedEdited);
  });

  it('names the tree by its content, whatever diff settings the user who runs it has', async () => {
    const lines = (edit: number) => Array.from({ length: 60 }, (_, i) => (i === edit ? 'export const minutiae = 60;' : `export const p${i} = ${i};`)).join('\n');
    const dir = await repositoryWith({ 'a.ts': lines(-1), 'b.ts': lines(-1), 'order.txt': 'b.ts\na.ts\n' });
    await writeFile(join(dir, 'a.ts'), lines(20));
    await writeFile(join(dir, 'b.ts'), lines(40));
    const plain = await gitState(dir);
    // Settings from a user's or the global git config (as `git -c` passes them on) that change the text of `git diff`.
    const settings = ['diff.context=1', 'diff.interHunkContext=9', 'diff.indentHeuristic=false', 'diff.algorithm=patience', 'diff.orderFile=order.txt', 'diff.noprefix=true', 'diff.renames=copies'];
    for (const setting of [...settings.map((s) => [s]), settings]) {
      const withSettings = await withEnv({ GIT_CONFIG_PARAMETERS: setting.map((s) => `'${s}'`).join(' ') }, () => gitState(dir));
      expect(withSettings, setting.join(' ')).toEqual(plain);
    }
    // The tree git itself would commit: the same id as `git add -A && git write-tree`.
    expect(plain.tree).toMatch(/^[0-9a-f]{40}$/);
    git(dir, 'add', '-A');
    expect(plain.tree).toBe(git(dir, 'write-tree').toString().trim());
    git(dir, 'reset', '-q');
    // Another content, another tree.
    await writeFile(join(dir, 'b.ts'), lines(41));
    expect((await gitState(dir)).tree).not.toBe(plain.tree);
  });

  it('reads the repository without writing to it: its index and objects stay as they were, the temporary index goes', async () => {
    const dir = await repositoryWith({ 'a.txt': 'a\n', 'b.txt': 'b\n' });
    await writeFile(join(dir, 'a.txt'), 'a, staged\n');
    git(dir, 'add', 'a.txt');
    await writeFile(join(dir, 'a.txt'), 'a, staged, then edited\n');
    await writeFile(join(dir, 'new.txt'), 'not yet added\n');
    const objects = () => listFilesRecursive(join(dir, '.git', 'objects'));
    const before = { index: await readFile(join(dir, '.git', 'index')), indexTime: (await stat(join(dir, '.git', 'index'))).mtimeMs, objects: await objects() };
    const scratch = await tempFolder('biofuse-git-scratch-');
    const state = await withEnv({ TMPDIR: scratch }, () => gitState(dir));
    expect(state).toMatchObject({ dirty: true, changedPaths: ['a.txt', 'new.txt'], changedPathCount: 2 });
    expect(await readFile(join(dir, '.git', 'index'))).toEqual(before.index);
    expect((await stat(join(dir, '.git', 'index'))).mtimeMs).toBe(before.indexTime);
    expect(await objects()).toEqual(before.objects);
    expect(await readdir(scratch)).toEqual([]);
    expect(git(dir, 'status', '--porcelain').toString()).toBe('MM a.txt\n?? new.txt\n');
  });

  it('lists at most MAX_CHANGED_PATHS changed paths, and counts them all', async () => {
    const dir = await repositoryWith({ 'a.txt': 'a' });
    const n = MAX_CHANGED_PATHS + 20;
    for (let i = 0; i < n; i++) await writeFile(join(dir, `new-${String(i).padStart(3, '0')}.txt`), String(i));
    const state = await gitState(dir);
    expect(state.changedPathCount).toBe(n);
    expect(state.changedPaths).toHaveLength(MAX_CHANGED_PATHS);
    expect(state.changedPaths?.[0]).toBe('new-000.txt');
  });

  it('records nulls and why, and does not fail, outside a repository, before a first commit, or without git', async () => {
    const nulls = { commit: null, dirty: null, tree: null, changedPaths: null, changedPathCount: null };
    const plain = await tempFolder('biofuse-no-repo-');
    expect(await gitState(plain)).toEqual({ ...nulls, unavailable: expect.stringMatching(/not a git repository/) });
    const fresh = await tempFolder('biofuse-no-commit-');
    git(fresh, 'init', '-q');
    expect(await gitState(fresh)).toEqual({ ...nulls, unavailable: expect.stringMatching(/has no commit yet/) });
    expect(await gitState(WORKSPACE_ROOT, join(plain, 'no-git-here'))).toEqual({ ...nulls, unavailable: expect.stringMatching(/git is not installed/) });
  });
});

const simulated = (extra = '') => `
id: manifest-sim
seed: 3
dataset:
  loader: simulated-scores
  subjects: 60
  impostorsPerSubject: 6
  modalities:
    - { name: a, genuine: { mean: 2, sd: 1 }, impostor: { mean: 0, sd: 1 } }
    - { name: b, genuine: { mean: 1, sd: 1 }, impostor: { mean: 0, sd: 1 } }
${extra}`;

describe('the manifest', () => {
  it('records the git state the run started with, not the one it ended with', async () => {
    // Say, a checkout in another terminal while the samples are read.
    const moving = numberModality(() => (repository.head = 'moved-during-the-run'));
    const registry: ModalityRegistry = { fingerprint: async () => moving as never };
    const dataRoot = await tempFolder('biofuse-moving-');
    await mkdir(join(dataRoot, 'toy'));
    for (const [name, v] of Object.entries({ '101_1.tif': '1', '101_2.tif': '1.2', '102_1.tif': '5', '102_2.tif': '5.1' })) await writeFile(join(dataRoot, 'toy', name), v);
    repository.head = 'at-the-start';
    try {
      const run = await runExperiment(parseExperimentConfig('dataset: { loader: fvc, root: toy }\npipeline: { modality: fingerprint }\n', 'moving.yaml'), {
        dataRoot,
        resultsRoot: await tempFolder('biofuse-moving-results-'),
        registry,
      });
      expect(repository.head).toBe('moved-during-the-run');
      expect((await manifestOf(run.runDir)).git.commit).toBe('at-the-start');
    } finally {
      repository.head = undefined;
    }
  });

  it.skipIf(!inRepository)('records the real working tree of this workspace: its commit, and the paths git status names', async () => {
    const run = await runExperiment(parseExperimentConfig(simulated(), 'sim.yaml'), { dataRoot: '/nonexistent', resultsRoot: await tempFolder('biofuse-tree-') });
    const { git } = await manifestOf(run.runDir);
    const inWorkspace = (...args: string[]) => execFileSync('git', args, { cwd: WORKSPACE_ROOT, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }).toString('utf8');
    expect(git.unavailable).toBeUndefined();
    expect(git.commit).toBe(inWorkspace('rev-parse', 'HEAD').trim());
    // Every path git status names (staged, edited, deleted, untracked and not ignored), as the run began.
    const changed = inWorkspace('status', '--porcelain', '-z', '--untracked-files=all', '--no-renames')
      .split('\0')
      .filter((entry) => entry !== '')
      .map((entry) => entry.slice(3));
    expect(git.changedPathCount).toBe(changed.length);
    expect(git.changedPaths).toEqual(changed.sort(byCodeUnits).slice(0, MAX_CHANGED_PATHS));
    expect(git.dirty).toBe(changed.length > 0);
    if (changed.length === 0) expect(git.tree).toBe(inWorkspace('rev-parse', 'HEAD^{tree}').trim());
    else expect(git.tree).not.toBe(inWorkspace('rev-parse', 'HEAD^{tree}').trim());
  });

  it('times fusion apart from loading the data', async () => {
    const config = parseExperimentConfig(simulated('fusion: { folds: 2, methods: [{ method: logistic }] }\n'), 'sim.yaml');
    const run = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: await tempFolder('biofuse-fuse-time-') });
    const t = (await manifestOf(run.runDir)).timingsMs;
    expect(Object.keys(t)).toEqual(['provenance', 'load', 'fuse', 'metrics', 'write', 'total']);
    expect(t.fuse).toBeGreaterThan(0);
    // Reading the git state and the installed tree is part of the run's time, and shown apart.
    expect(t.provenance).toBeGreaterThan(0);
    expect(t.provenance + t.load + t.fuse + t.metrics + t.write).toBeCloseTo(t.total, 6);
  });

  it('names the generated folder a synthetic run read and its hash, not a data root it never read', async () => {
    const config = parseExperimentConfig('seed: 91\ndataset: { loader: synthetic-signatures, users: 4 }\npipeline: { modality: signature }\nprotocol: { trials: 1, randomForgeries: 3 }\n', 'synth.yaml');
    const run = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: await tempFolder('biofuse-synth-manifest-') });
    const { data } = await manifestOf(run.runDir);
    expect(data).toEqual({ folder: expect.stringMatching(/^results\/\.cache\/synthetic-signatures\/users4-seed91-code[0-9a-f]{12}$/), files: 160, bytes: expect.any(Number), sha256: expect.any(String) });
    // The hash the cache of generated data keeps beside the folder, and checks it by before each reuse.
    expect(data.sha256).toBe((await readFile(join(WORKSPACE_ROOT, `${data.folder as string}.sha256`), 'utf8')).trim());
  });

  it('names every generated folder a chimeric run of two synthetic sources read, and no data root it never read', async () => {
    const source = (name: string, users: number) => `    - { name: ${name}, dataset: { loader: synthetic-signatures, users: ${users} }, pipeline: { modality: signature }, protocol: { trials: 1, randomForgeries: 3 } }\n`;
    const config = parseExperimentConfig(`seed: 91\ndataset:\n  loader: chimeric\n  sources:\n${source('first', 4)}${source('second', 5)}`, 'chimeric-synth.yaml');
    const run = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: await tempFolder('biofuse-chimeric-synth-') });
    const { data } = await manifestOf(run.runDir);
    const generated = (users: number) => ({ folder: expect.stringMatching(new RegExp(`^results/\\.cache/synthetic-signatures/users${users}-seed91-code[0-9a-f]{12}$`)), files: users * 40, bytes: expect.any(Number), sha256: expect.any(String) });
    expect(data).toEqual({ generated: [generated(4), generated(5)] });
  });

  it('records the data root only where files were read under it', async () => {
    const dataRoot = await tempFolder('biofuse-data-record-');
    await writeFile(join(dataRoot, 'scores.csv'), 'a,b\n');
    const made = (users: number) => ({ folder: join(WORKSPACE_ROOT, 'results', `synth-${users}`), files: users, bytes: 10 * users, sha256: `${users}`.repeat(64) });
    const record = (users: number) => ({ ...made(users), folder: `results/synth-${users}` });
    const underRoot = { root: dataRoot, files: 1, bytes: 4, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) };
    const files = [join(dataRoot, 'scores.csv')];
    expect(await dataRecord({ dataFiles: files }, dataRoot)).toEqual(underRoot);
    expect(await dataRecord({ dataFiles: [], generated: [made(4)] }, dataRoot)).toEqual(record(4));
    expect(await dataRecord({ dataFiles: [], generated: [made(4), made(5)] }, dataRoot)).toEqual({ generated: [record(4), record(5)] });
    expect(await dataRecord({ dataFiles: files, generated: [made(4)] }, dataRoot)).toEqual({ ...underRoot, generated: [record(4)] });
    // Simulated scores read nothing: they name their simulation, beside whatever else a chimeric run read.
    const simulation = { simulator: 'simulateMultimodalScores', seed: 1, subjects: 2, impostorsPerSubject: 1, genuinePerSubject: 1, modalities: [], genuineCorrelation: [], impostorCorrelation: [] } as const;
    expect(await dataRecord({ dataFiles: [], simulated: [simulation] }, dataRoot)).toEqual({ simulated: [simulation] });
    expect(await dataRecord({ dataFiles: [], generated: [made(4)], simulated: [simulation] }, dataRoot)).toEqual({ generated: [record(4)], simulated: [simulation] });
    expect(await dataRecord({ dataFiles: files, simulated: [simulation] }, dataRoot)).toEqual({ ...underRoot, simulated: [simulation] });
  });

  it('says a simulated run\'s data are simulated, with the seed and settings that reproduce them, and names no data root it never read', async () => {
    const config = parseExperimentConfig(
      'seed: 17\ndataset:\n  loader: simulated-scores\n  subjects: 30\n  impostorsPerSubject: 4\n  modalities:\n    - { name: a, genuine: { mean: 2, sd: 1 }, impostor: { mean: 0, sd: 1 } }\n    - { name: b, genuine: { mean: 1, sd: 0.5 }, impostor: { mean: 0, sd: 0.5 }, failureRate: 0.1, userSpread: 0.2 }\n  genuineCorrelation: [[1, 0.3], [0.3, 1]]\n',
      'simulated.yaml',
    );
    const run = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: await tempFolder('biofuse-simulated-manifest-') });
    const { data } = await manifestOf(run.runDir);
    expect(data).toEqual({
      simulated: [
        {
          simulator: 'simulateMultimodalScores',
          seed: 17,
          subjects: 30,
          impostorsPerSubject: 4,
          genuinePerSubject: 1,
          modalities: [
            { name: 'a', genuine: { mean: 2, sd: 1 }, impostor: { mean: 0, sd: 1 }, failureRate: 0, userSpread: 0 },
            { name: 'b', genuine: { mean: 1, sd: 0.5 }, impostor: { mean: 0, sd: 0.5 }, failureRate: 0.1, userSpread: 0.2 },
          ],
          genuineCorrelation: [
            [1, 0.3],
            [0.3, 1],
          ],
          // Left out of the config: the simulator's identity.
          impostorCorrelation: [
            [1, 0],
            [0, 1],
          ],
        },
      ],
    });
  });
});
