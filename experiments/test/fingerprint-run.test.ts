import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataset, temporaryFolders } from '@biofuse/core/testing';
import { parseExperimentConfig } from '../src/config/load-config';
import { compareRuns } from '../src/report/compare-runs';
import { WORKSPACE_ROOT } from '../src/run/manifest';
import { experimentDataFiles, runExperiment } from '../src/run/run-experiment';

const tempFolder = temporaryFolders();

describe('fingerprint experiments', () => {
  it('generates synthetic prints from the seed and runs the FVC protocol on them', async () => {
    const yaml = `seed: 5
dataset: { loader: synthetic-fingerprints, fingers: 4, impressions: 3 }
pipeline: { modality: fingerprint }
`;
    const results = await tempFolder('biofuse-fp-run-');
    const run = () => runExperiment(parseExperimentConfig(yaml, 'synthetic-fp.yaml'), { dataRoot: '/nonexistent', resultsRoot: results });
    const a = await run();
    const b = await run();
    const report = a.evaluations[0].report;
    // FVC protocol: C(3,2) genuine pairs per finger, first impressions of different fingers.
    expect(report.counts).toMatchObject({ genuine: 12, impostor: 6 });
    expect(report.eer.value).toBe(b.evaluations[0].report.eer.value);
    // The generated prints are cached under a hash of the generator's code (changed code, new
    // prints), one folder per setting: earlier code's folders are gone.
    const cacheRoot = join(WORKSPACE_ROOT, 'results/.cache/synthetic-fingerprints');
    const cached = (await readdir(cacheRoot)).filter((d) => d.startsWith('fingers4-impressions3-seed5')).sort();
    expect(cached).toHaveLength(2);
    expect(cached[0]).toMatch(/^fingers4-impressions3-seed5-code[0-9a-f]{12}$/);
    expect(cached[1]).toBe(`${cached[0]}.sha256`); // the record of what was written
    // A print changed in the cache is not reused: the folder is written again from the seed.
    const print = join(cacheRoot, cached[0], '102_2.png');
    const original = await readFile(print);
    await writeFile(print, await readFile(join(cacheRoot, cached[0], '101_1.png')));
    const c = await run();
    expect(await readFile(print)).toEqual(original);
    expect(c.evaluations[0].report.eer.value).toBe(report.eer.value);
    expect(report.eer.value).toBeLessThan(0.2);
    // The fingerprint modality reports sample quality, so the run judges it: one curve per target FMR.
    const erc = a.evaluations[0].qualityErc;
    expect(erc?.map((e) => e.targetFmr)).toEqual(report.fnmrAtFmr.map((p) => p.targetFmr));
    erc?.forEach((e, k) => expect(e.fnmr[0]).toBeCloseTo(report.fnmrAtFmr[k].fnmr, 12));
    // ... and a comparison report read back from the run folder carries it too.
    const compared = await compareRuns([a.runDir]);
    expect(compared.rows[0].qualityErc?.map((e) => e.fnmr)).toEqual(erc?.map((e) => e.fnmr));
    expect(compared.table).toMatch(/error-versus-reject/);
    expect(compared.html).toContain('<div id="erc">');
    expect(() => parseExperimentConfig('dataset: { loader: synthetic-fingerprints }\npipeline: { modality: face }\n', 'x.yaml')).toThrow(/compared by the fingerprint modality/);
  }, 120_000);

  const fvc = sharedDataset('fvc2002');
  it.skipIf(fvc.skip)('compares our templates with another vendor\'s ISO records taken from a parallel folder', async () => {
    const yaml = `seed: 1
dataset: { loader: fvc, root: fvc2002/DB4_B, probeFolder: ../iso-templates/DB4_B, probeExtension: .iso }
pipeline: { modality: fingerprint, params: { isoImageSize: [288, 384] } }
`;
    const results = await tempFolder('biofuse-fp-cross-');
    const run = await runExperiment(parseExperimentConfig(yaml, 'cross.yaml'), { dataRoot: join(fvc.path, '..'), resultsRoot: results });
    const report = run.evaluations[0].report;
    expect(report.counts).toMatchObject({ genuine: 280, impostor: 45 });
    // Measured 4.19 % (FVC-protocol EER; bench-fvc): interoperable, not identical.
    expect(report.eer.value).toBeLessThan(0.08);
    expect(() => parseExperimentConfig('dataset: { loader: lfw, root: x, pairs: p, probeFolder: y }\npipeline: { modality: face }\n', 'x.yaml')).toThrow(/only the fvc loader/);
    // The probes the run reads from the parallel folder are part of the data its cache key and
    // fingerprint cover: all but 101_1.iso, the first impression of the first finger, which the
    // FVC protocol compares only as a reference (a .tif).
    const files = await experimentDataFiles(parseExperimentConfig(yaml, 'cross.yaml'), join(fvc.path, '..'));
    expect(files.filter((f) => f.endsWith('.tif'))).toHaveLength(80);
    expect(files.filter((f) => f.endsWith('.iso'))).toHaveLength(79);
    expect(files.some((f) => f.endsWith('/iso-templates/DB4_B/101_1.iso'))).toBe(false);
  }, 180_000);
});
