import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { AcquisitionError, type Modality } from '@biofuse/core';
import { temporaryFolders } from '@biofuse/core/testing';
import { parseExperimentConfig } from '../src/config/load-config';
import type { ModalityRegistry } from '../src/modalities';
import { parseResultsJson } from '../src/run/json';
import { gitState, MAX_CHANGED_PATHS, WORKSPACE_ROOT, type GitState } from '../src/run/manifest';
import { runExperiment } from '../src/run/run-experiment';

// What a run's manifest.json says of the code, the data and the time that made its numbers.

/**
 * A stand-in for the repository's HEAD, which a test may move while a run is under way: while
 * it is set, provenance() reports it (read at the moment provenance() is called).
 */
const repository = vi.hoisted(() => ({ head: undefined as string | undefined }));
vi.mock(import('../src/run/manifest'), async (importOriginal) => {
  const actual = await importOriginal();
  const atHead = (head: string) => ({ git: { commit: head, dirty: false, worktreeSha256: null, changedPaths: [], changedPathCount: 0 }, lockfileSha256: null, versions: {}, machine: {} });
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
    expect(clean.worktreeSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(clean.unavailable).toBeUndefined();

    // A changed default: the commit and `dirty` alone could not tell these two trees apart.
    await writeFile(join(dir, 'params.ts'), 'export const minutiae = 60;\n');
    const sixty = await gitState(dir);
    await writeFile(join(dir, 'params.ts'), 'export const minutiae = 80;\n');
    const eighty = await gitState(dir);
    expect(sixty).toMatchObject({ commit: clean.commit, dirty: true, changedPaths: ['params.ts'], changedPathCount: 1 });
    expect(new Set([clean.worktreeSha256, sixty.worktreeSha256, eighty.worktreeSha256]).size).toBe(3);
    expect((await gitState(dir)).worktreeSha256).toBe(eighty.worktreeSha256); // the same tree, the same hash

    // Binary files: "Binary files differ" says the same of every edit; their bytes must count.
    const edited = (at: number) => Buffer.from(binary.map((b, i) => (i === at ? b ^ 0xff : b)));
    await writeFile(join(dir, 'weights.bin'), edited(3));
    const first = await gitState(dir);
    await writeFile(join(dir, 'weights.bin'), edited(300));
    const second = await gitState(dir);
    expect(second.changedPaths).toEqual(['params.ts', 'weights.bin']);
    expect(second.worktreeSha256).not.toBe(first.worktreeSha256);

    // A new source file not yet added is code that ran: its path and its content count.
    await writeFile(join(dir, 'extra.ts'), 'export const x = 1;\n');
    const untracked = await gitState(dir);
    expect(untracked.changedPaths).toEqual(['extra.ts', 'params.ts', 'weights.bin']);
    expect(untracked.worktreeSha256).not.toBe(second.worktreeSha256);
    await writeFile(join(dir, 'extra.ts'), 'export const x = 2;\n');
    const untrackedEdited = await gitState(dir);
    expect(untrackedEdited.worktreeSha256).not.toBe(untracked.worktreeSha256);
    // Ignored files (results, scratch) are not the code.
    await mkdir(join(dir, 'scratch'));
    await writeFile(join(dir, 'scratch', 'notes.txt'), 'anything');
    expect(await gitState(dir)).toEqual(untrackedEdited);
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
    const nulls = { commit: null, dirty: null, worktreeSha256: null, changedPaths: null, changedPathCount: null };
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
    const moving: Modality<number, number> = {
      name: 'fingerprint',
      async load(input) {
        repository.head = 'moved-during-the-run'; // say, a checkout in another terminal
        const v = Number(String(input).trim());
        if (Number.isNaN(v)) throw new AcquisitionError('unreadable', 'not a number');
        return v;
      },
      extract: async (sample) => sample,
      compare: (a, b) => ({ similarity: -Math.abs(a - b) }),
      encode: (t) => new Uint8Array(new Float64Array([t]).buffer),
      decode: (b) => new Float64Array(b.buffer)[0],
    };
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

  it('records the real working tree of this workspace', async () => {
    const run = await runExperiment(parseExperimentConfig(simulated(), 'sim.yaml'), { dataRoot: '/nonexistent', resultsRoot: await tempFolder('biofuse-tree-') });
    const { git } = await manifestOf(run.runDir);
    // Null (with a reason) only where this checkout is no repository or git is missing.
    if (git.commit === null) expect(git.unavailable).toEqual(expect.any(String));
    else expect(git).toMatchObject({ worktreeSha256: expect.stringMatching(/^[0-9a-f]{64}$/), changedPathCount: expect.any(Number), dirty: expect.any(Boolean) });
  });

  it('times fusion apart from loading the data', async () => {
    const config = parseExperimentConfig(simulated('fusion: { folds: 2, methods: [{ method: logistic }] }\n'), 'sim.yaml');
    const run = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: await tempFolder('biofuse-fuse-time-') });
    const t = (await manifestOf(run.runDir)).timingsMs;
    expect(Object.keys(t)).toEqual(['load', 'fuse', 'metrics', 'write', 'total']);
    expect(t.fuse).toBeGreaterThan(0);
    expect(t.load + t.fuse + t.metrics + t.write).toBeCloseTo(t.total, 6);
  });

  it('names the generated folder a synthetic run read and its hash, not a data root it never read', async () => {
    const config = parseExperimentConfig('seed: 91\ndataset: { loader: synthetic-signatures, users: 4 }\npipeline: { modality: signature }\nprotocol: { trials: 1, randomForgeries: 3 }\n', 'synth.yaml');
    const run = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: await tempFolder('biofuse-synth-manifest-') });
    const { data } = await manifestOf(run.runDir);
    expect(data).toEqual({ folder: expect.stringMatching(/^results\/\.cache\/synthetic-signatures\/users4-seed91-code[0-9a-f]{12}$/), files: 160, bytes: expect.any(Number), sha256: expect.any(String) });
    // The hash the cache of generated data keeps beside the folder, and checks it by before each reuse.
    expect(data.sha256).toBe((await readFile(join(WORKSPACE_ROOT, `${data.folder as string}.sha256`), 'utf8')).trim());
  });
});
