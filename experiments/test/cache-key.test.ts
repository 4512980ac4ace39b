import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TargetConfiguration } from 'nx/src/devkit-exports';
import { benchCodeInputs, createNodesV2 } from '../nx-plugin';
import { parseExperimentConfig } from '../src/config/load-config';
import type { ExperimentConfig } from '../src/config/schema';
import type { ModalityRegistry } from '../src/modalities';
import { parseResultsJson } from '../src/run/json';
import { dataFingerprint, listFilesRecursive, WORKSPACE_ROOT } from '../src/run/manifest';
import { experimentDataFiles, experimentModelFiles, runExperiment } from '../src/run/run-experiment';
import { temporaryFolders } from '@biofuse/core/testing';
import { numberModality } from './number-modality';

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

const registry: ModalityRegistry = { fingerprint: async () => numberModality() as never };

describe('the cache key and the run read the same data', () => {
  /** What `biofuse bench --fingerprint` prints for Nx to hash. */
  const key = async (config: ExperimentConfig, dataRoot: string) => dataFingerprint(await experimentDataFiles(config, dataRoot), dataRoot);
  /** Runs the config and gives its manifest's data record. */
  const manifestData = async (config: ExperimentConfig, dataRoot: string) => {
    const run = await runExperiment(config, { dataRoot, resultsRoot: await tempFolder('biofuse-key-results-'), registry });
    return (parseResultsJson(await readFile(join(run.runDir, 'manifest.json'), 'utf8')) as { data: { files: number; sha256: string } }).data;
  };
  const samples = async (dir: string, values: Record<string, string>) => {
    for (const [path, v] of Object.entries(values)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), v);
    }
  };

  it('covers samples a pairs file names outside dataset.root (../ or absolute), which the run reads', async () => {
    const dataRoot = await tempFolder('biofuse-outside-');
    const elsewhere = await tempFolder('biofuse-elsewhere-');
    await samples(dataRoot, { 'imgs/a/1.txt': '1', 'imgs/a/2.txt': '1.5', 'imgs/b/1.txt': '9' });
    await samples(elsewhere, { 'a/1.txt': '1', 'a/2.txt': '1.5', 'b/1.txt': '9' });
    await mkdir(join(dataRoot, 'set'));
    // Relative to the root: ../imgs/<subject>/<n>.txt, so the subject is folder 3.
    await writeFile(join(dataRoot, 'set', 'pairs.tsv'), '../imgs/a/1.txt\t../imgs/a/2.txt\t1\n../imgs/a/1.txt\t../imgs/b/1.txt\t0\n');
    const abs = (p: string) => join(elsewhere, p);
    await writeFile(join(dataRoot, 'set', 'absolute.tsv'), `${abs('a/1.txt')}\t${abs('a/2.txt')}\t1\n${abs('a/1.txt')}\t${abs('b/1.txt')}\t0\n`);
    const relativeConfig = parseExperimentConfig('dataset: { loader: pairs, root: set, pairs: pairs.tsv, subjectFolder: 3 }\npipeline: { modality: fingerprint }\n', 'outside.yaml');
    const absoluteConfig = parseExperimentConfig(
      `dataset: { loader: pairs, root: set, pairs: absolute.tsv, subjectFolder: ${abs('a/1.txt').split('/').length - 1} }\npipeline: { modality: fingerprint }\n`,
      'absolute.yaml',
    );
    for (const [config, changed] of [
      [relativeConfig, join(dataRoot, 'imgs/b/1.txt')],
      [absoluteConfig, abs('b/1.txt')],
    ] as const) {
      const files = await experimentDataFiles(config, dataRoot);
      expect(files).toContain(resolve(changed));
      const before = await key(config, dataRoot);
      expect(before.files).toBe(4); // the pairs file and its three samples
      // The run's manifest fingerprints the very files the key hashes.
      expect(await manifestData(config, dataRoot)).toMatchObject({ files: before.files, sha256: before.sha256 });
      // A sample replaced outside the root is another run (the key stayed, and Nx served the old one).
      await writeFile(changed, '2');
      const after = await key(config, dataRoot);
      expect(after.sha256).not.toBe(before.sha256);
      expect((await manifestData(config, dataRoot)).sha256).toBe(after.sha256);
    }
  });

  it('covers LFW images and pairs given outside the root, and only the folds the run compares', async () => {
    const dataRoot = await tempFolder('biofuse-lfw-outside-');
    const image = (name: string, n: number) => `faces/${name}/${name}_${String(n).padStart(4, '0')}.jpg`;
    await samples(dataRoot, { [image('Ann', 1)]: '1', [image('Ann', 2)]: '1.2', [image('Bob', 1)]: '5', [image('Bob', 2)]: '5.5', [image('Cy', 1)]: '9', [image('Cy', 2)]: '9.1' });
    await mkdir(join(dataRoot, 'lists'));
    await mkdir(join(dataRoot, 'lfw'));
    // Two folds of one matched and one mismatched pair: fold 1 uses Ann and Bob, fold 2 Cy and Bob's second.
    await writeFile(join(dataRoot, 'lists', 'pairs.txt'), '2\t1\nAnn\t1\t2\nAnn\t1\tBob\t1\nCy\t1\t2\nCy\t1\tBob\t2\n');
    const config = parseExperimentConfig('dataset: { loader: lfw, root: lfw, pairs: ../lists/pairs.txt, images: ../faces, folds: [2] }\npipeline: { modality: fingerprint }\n', 'lfw.yaml');
    const files = await experimentDataFiles(config, dataRoot);
    expect(files).toEqual([join(dataRoot, image('Bob', 2)), join(dataRoot, image('Cy', 1)), join(dataRoot, image('Cy', 2)), join(dataRoot, 'lists', 'pairs.txt')].sort());
    const before = await key(config, dataRoot);
    expect(await manifestData(config, dataRoot)).toMatchObject({ files: 4, sha256: before.sha256 });
    await writeFile(join(dataRoot, image('Cy', 2)), '3');
    const after = await key(config, dataRoot);
    expect(after.sha256).not.toBe(before.sha256);
    expect((await manifestData(config, dataRoot)).sha256).toBe(after.sha256);
    // An image of a fold the run leaves out is not its data.
    await writeFile(join(dataRoot, image('Ann', 2)), '3');
    expect((await key(config, dataRoot)).sha256).toBe(after.sha256);
  });

  it('keeps what a listed folder skips in the key, an empty identity folder too: it changes the run\'s notes', async () => {
    const dataRoot = await tempFolder('biofuse-skips-');
    await samples(dataRoot, { 'ids/a/1.txt': '1', 'ids/a/2.txt': '1.5', 'ids/b/1.txt': '9', 'ids/b/2.txt': '9.5', 'ids/readme.txt': 'not a sample' });
    const config = parseExperimentConfig('dataset: { loader: identity-folders, root: ids }\npipeline: { modality: fingerprint }\n', 'ids.yaml');
    const before = await key(config, dataRoot);
    expect(before.files).toBe(5); // the samples and readme.txt, which the run lists as skipped
    expect(await manifestData(config, dataRoot)).toMatchObject({ files: 5, sha256: before.sha256 });
    // A subject folder with no sample is skipped by the run ("no samples"): it holds no file, yet changes the notes.
    await mkdir(join(dataRoot, 'ids', 'c'));
    const after = await key(config, dataRoot);
    expect(after.sha256).not.toBe(before.sha256);
    expect(await manifestData(config, dataRoot)).toMatchObject({ files: 5, sha256: after.sha256 });
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

  it('keys a run on the Node version, platform and architecture that run it', async () => {
    const targets = await targetsOf({ 'a.yaml': 'seed: 1\n' });
    const runtimes = (targets['bench-a'].inputs ?? []).flatMap((i) => (typeof i === 'object' && 'runtime' in i ? [i.runtime] : []));
    // Nx runs each runtime input in a shell at the workspace root and hashes what it prints.
    const printed = runtimes.map((command) => spawnSync(command, { shell: true, cwd: WORKSPACE_ROOT, encoding: 'utf8' }).stdout.trim());
    expect(printed).toContain(`${process.version} ${process.platform} ${process.arch}`);
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

  it('keys a config on the code that can change its numbers: the packages it uses, without their tests, benches or notes', async () => {
    const simulated = '{ loader: simulated-scores, subjects: 4, modalities: [{ name: m, genuine: { mean: 3, sd: 1 }, impostor: { mean: 0, sd: 1 } }] }';
    const targets = await targetsOf({
      'fvc.yaml': 'dataset: { loader: fvc, root: fvc2002/DB3_B }\npipeline: { modality: fingerprint }\n',
      'synth.yaml': 'dataset: { loader: synthetic-fingerprints }\npipeline: { modality: fingerprint }\n',
      'sim.yaml': `dataset: ${simulated}\n`,
      'lfw.yaml': 'dataset: { loader: lfw, root: lfw, pairs: pairs.txt }\npipeline: { modality: face, params: { flip: true } }\n',
      'chimeric.yaml': `dataset:\n  loader: chimeric\n  sources:\n    - { name: pen, dataset: { loader: svc2004, root: s }, pipeline: { modality: signature } }\n    - { name: sim, dataset: ${simulated} }\n`,
      'unread.yaml': 'dataset: [unclosed\n',
      'odd.yaml': 'dataset: { loader: fvc, root: x }\npipeline: { modality: retina }\n',
    });
    const sources = (name: string) =>
      (targets[`bench-${name}`].inputs ?? []).flatMap((i) => (typeof i === 'string' ? (/^\{workspaceRoot\}\/((?:packages|apps)\/[^/]+|experiments)\/src\/\*\*\/\*$/.exec(i)?.[1] ?? []) : []));
    const always = ['apps/cli', 'experiments', 'packages/core', 'packages/fusion'];
    expect(sources('fvc')).toEqual([...always, 'packages/fingerprint'].sort());
    expect(sources('synth')).toEqual([...always, 'packages/fingerprint'].sort());
    expect(sources('sim')).toEqual(always);
    expect(sources('lfw')).toEqual([...always, 'packages/face'].sort());
    expect(sources('chimeric')).toEqual([...always, 'packages/signature'].sort());
    // What the plugin cannot read with certainty keys on every package: a needless re-run, never a stale hit.
    const every = [...always, 'packages/face', 'packages/fingerprint', 'packages/signature'].sort();
    expect(sources('unread')).toEqual(every);
    expect(sources('odd')).toEqual(every);
    for (const [name, target] of Object.entries(targets)) {
      if (name === 'bench') continue;
      const inputs = target.inputs ?? [];
      // Not every file of every project (^production: a README edit in packages/face re-ran the FVC configs).
      expect(inputs.some((i) => typeof i === 'string' && i.startsWith('^'))).toBe(false);
      expect(inputs).toEqual(expect.arrayContaining(benchCodeInputs(sources(name.slice('bench-'.length))).concat('{workspaceRoot}/package-lock.json')));
      expect(inputs).toEqual(expect.arrayContaining(['!{workspaceRoot}/**/*.test.ts', '!{workspaceRoot}/**/test-*.ts', '!{workspaceRoot}/**/src/testing/**/*', '!{workspaceRoot}/**/*.md']));
      expect(inputs.some((i) => typeof i === 'string' && /\/(bench|test)\//.test(i))).toBe(false);
    }
    // The face model cards are the built-in models' parameters and thresholds.
    expect(targets['bench-lfw'].inputs).toContain('{workspaceRoot}/packages/face/cards/**/*');
    expect(targets['bench-fvc'].inputs).not.toContain('{workspaceRoot}/packages/face/cards/**/*');
  });

  it('resolves, in Nx, to the sources of the packages a config uses and nothing else', () => {
    // Nx's own reading of the inputs of a real target (negations included): the files it hashes.
    const shown = spawnSync('npx', ['nx', 'show', 'target', 'inputs', 'experiments:bench-fvc2002-db3', '--json'], { cwd: WORKSPACE_ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NX_DAEMON: 'false' } });
    expect(shown.status, shown.stderr).toBe(0);
    const files = (JSON.parse(shown.stdout) as { files: string[] }).files;
    expect(files).toEqual(expect.arrayContaining(['experiments/configs/fvc2002-db3.yaml', 'packages/fingerprint/src/match/compare.ts', 'packages/fingerprint/package.json', 'packages/core/src/index.ts', 'packages/fusion/src/index.ts', 'experiments/src/modalities.ts', 'apps/cli/bin/biofuse.js', 'package-lock.json']));
    const needless = files.filter((f) => /^packages\/(face|signature|iris)\/|\/(bench|test)\/|\.test\.ts$|\/test-[^/]*\.ts$|\/src\/testing\/|\.md$/.test(f));
    expect(needless).toEqual([]);
  }, 120_000);

  it('leaves out no file a run loads: no source imports a test helper', async () => {
    // The inputs drop src/testing/ and test-*.ts as test helpers; a source that imported one would run code no key covers.
    const excluded = (f: string) => /\.test\.ts$/.test(f) || /^test-.*\.ts$/.test(basename(f)) || /\/src\/testing\//.test(f);
    const walk = async (dir: string): Promise<string[]> =>
      (await Promise.all((await readdir(dir, { withFileTypes: true })).map(async (e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [])))).flat();
    const roots = ['apps/cli/src', 'experiments/src', ...(await readdir(join(WORKSPACE_ROOT, 'packages'))).map((p) => `packages/${p}/src`)];
    const offending: string[] = [];
    for (const root of roots) {
      if (!existsSync(join(WORKSPACE_ROOT, root))) continue;
      for (const file of await walk(join(WORKSPACE_ROOT, root))) {
        if (excluded(file)) continue;
        const text = await readFile(file, 'utf8');
        for (const [, spec] of text.matchAll(/(?:from\s+|import\s*\(\s*)'([^']+)'/g)) {
          if (spec.endsWith('/testing')) offending.push(`${relative(WORKSPACE_ROOT, file)} imports ${spec}`);
          if (!spec.startsWith('.')) continue;
          const target = resolve(dirname(file), spec);
          const candidates = [target, `${target}.ts`, join(target, 'index.ts')];
          if (candidates.some((c) => existsSync(c) && excluded(c))) offending.push(`${relative(WORKSPACE_ROOT, file)} imports ${spec}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});
