import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TargetConfiguration } from 'nx/src/devkit-exports';
import { createNodesV2 } from '../nx-plugin';
import { parseExperimentConfig } from '../src/config/load-config';
import { dataFingerprint, listFilesRecursive, WORKSPACE_ROOT } from '../src/run/manifest';
import { experimentModelFiles, runExperiment } from '../src/run/run-experiment';
import { temporaryFolders } from '@biofuse/core/testing';

const tempFolder = temporaryFolders();

// What decides whether Nx may serve a cached run: the files a config reads, and the targets the plugin makes.

describe('the data and model files a run depends on', () => {
  it('follows links to files and folders, as the loaders do, and walks a looping link once', async () => {
    const dir = await tempFolder('biofuse-links-');
    await mkdir(join(dir, 'real', 'inner'), { recursive: true });
    await writeFile(join(dir, 'real', '101_1.tif'), 'a');
    await writeFile(join(dir, 'real', 'inner', '101_2.tif'), 'b');
    await mkdir(join(dir, 'data'));
    await symlink(join(dir, 'real', '101_1.tif'), join(dir, 'data', '101_1.tif'));
    await symlink(join(dir, 'real', 'inner'), join(dir, 'data', 'inner'));
    await symlink(join(dir, 'data'), join(dir, 'data', 'loop'));
    await symlink(join(dir, 'nowhere'), join(dir, 'data', 'broken.tif'));
    const files = await listFilesRecursive(join(dir, 'data'));
    expect(files).toEqual([join(dir, 'data', '101_1.tif'), join(dir, 'data', 'inner', '101_2.tif')]);
    const before = await dataFingerprint(files, dir);
    await writeFile(join(dir, 'real', 'inner', '101_2.tif'), 'changed');
    expect((await dataFingerprint(files, dir)).sha256).not.toBe(before.sha256);
  });

  it('names a face card given by path (and its head weights), none for a built-in model, and records them in the manifest', async () => {
    const dir = await tempFolder('biofuse-cards-');
    const card = join(dir, 'my-card.json');
    await copyFile(join(WORKSPACE_ROOT, 'packages/face/cards/dlib-resnet.json'), card);
    const face = (models: string) => parseExperimentConfig(`dataset: { loader: pairs, root: p, pairs: p.tsv }\npipeline: { modality: face, params: { models: ${models} } }\n`, 'f.yaml');
    expect(await experimentModelFiles(face(card))).toEqual([card]);
    expect(await experimentModelFiles(face('[dlib-resnet, { model: faceres, weight: 0.5 }]'))).toEqual([]);
    expect(await experimentModelFiles(parseExperimentConfig('dataset: { loader: svc2004, root: s }\npipeline: { modality: signature }\n', 's.yaml'))).toEqual([]);
    // A run's manifest holds them, whatever its data: an edited card is another run.
    const simulated = parseExperimentConfig('seed: 1\ndataset: { loader: simulated-scores, subjects: 20, impostorsPerSubject: 3, modalities: [{ name: a, genuine: { mean: 1, sd: 1 }, impostor: { mean: 0, sd: 1 } }] }\n', 'sim.yaml');
    const run = await runExperiment(simulated, { dataRoot: dir, resultsRoot: dir });
    const manifest = JSON.parse(await readFile(join(run.runDir, 'manifest.json'), 'utf8')) as { models: { paths: string[]; sha256: string } };
    expect(manifest.models.paths).toEqual([]);
  });
});

describe('the Nx plugin', () => {
  type Targets = Record<string, TargetConfiguration>;
  async function targetsOf(configs: Record<string, string>): Promise<Targets> {
    const root = await tempFolder('biofuse-nx-');
    await mkdir(join(root, 'experiments', 'configs'), { recursive: true });
    for (const [name, text] of Object.entries(configs)) await writeFile(join(root, 'experiments', 'configs', name), text);
    const files = Object.keys(configs).map((name) => `experiments/configs/${name}`);
    const [, create] = createNodesV2;
    const results = await create(files, undefined, { workspaceRoot: root, nxJsonConfiguration: {} });
    const projects = results[0][1].projects as Record<string, { targets: Targets }>;
    return projects.experiments.targets;
  }

  it("writes into results/.nx/<id>, which a cache hit may replace, never into results/<id>, where the CLI's own runs live", async () => {
    const targets = await targetsOf({ 'a.yaml': 'id: custom\nseed: 1\n', 'b.yaml': 'seed: 2\n' });
    expect(targets['bench-a'].command).toBe('node apps/cli/bin/biofuse.js bench experiments/configs/a.yaml --results results/.nx');
    // The folder is the config's id (its `id:` key wins over the file name), as the run names it.
    expect(targets['bench-a'].outputs).toEqual(['{workspaceRoot}/results/.nx/custom']);
    expect(targets['bench-b'].outputs).toEqual(['{workspaceRoot}/results/.nx/b']);
    expect(targets['bench-a'].inputs).toEqual(expect.arrayContaining([{ env: 'BIOFUSE_DATA' }, { env: 'BIOFUSE_MODELS' }, { runtime: 'node apps/cli/bin/biofuse.js bench experiments/configs/a.yaml --fingerprint' }]));
    expect(targets.bench.dependsOn).toEqual(['bench-a', 'bench-b']);
  });

  it('refuses two configs of one id (their runs would share a folder) when the second runs, without breaking the graph', async () => {
    const targets = await targetsOf({ 'a.yaml': 'seed: 1\n', 'b.yaml': 'id: a\nseed: 2\n' });
    expect(targets['bench-a'].outputs).toEqual(['{workspaceRoot}/results/.nx/a']);
    const refused = spawnSync('bash', ['-c', targets['bench-b'].command as string], { encoding: 'utf8' });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/experiments\/configs\/b\.yaml and experiments\/configs\/a\.yaml both have the id a: their runs would share results\/a/);
  });

  it('refuses --data-root inside an Nx bench target, whose cache keys on BIOFUSE_DATA instead', () => {
    const r = spawnSync(process.execPath, [join(WORKSPACE_ROOT, 'apps/cli/bin/biofuse.js'), 'bench', join(WORKSPACE_ROOT, 'experiments/configs/quickstart.yaml'), '--data-root', '/tmp'], {
      encoding: 'utf8',
      env: { ...process.env, NX_TASK_TARGET_TARGET: 'bench-quickstart' },
      timeout: 60_000,
    });
    expect(r.status).toBe(1); // a usage error
    expect(r.stderr).toMatch(/under an Nx bench target, give the data root as BIOFUSE_DATA/);
  });
});
