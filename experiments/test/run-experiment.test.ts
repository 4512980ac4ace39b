import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AcquisitionError, DatasetError, ModalityUnavailableError, type Modality } from '@biofuse/core';
import { sharedDataset, sharedDatasetsRoot, temporaryFolders } from '@biofuse/core/testing';
import { parseExperimentConfig } from '../src/config/load-config';
import { compareRuns } from '../src/report/compare-runs';
import { evaluationSummary } from '../src/report/evaluation-summary';
import { parseResultsJson } from '../src/run/json';
import { runExperiment, runExperimentFile } from '../src/run/run-experiment';
import type { ModalityRegistry } from '../src/modalities';

const tempFolder = temporaryFolders();

const simulated = `
id: sim
seed: 7
dataset:
  loader: simulated-scores
  subjects: 300
  impostorsPerSubject: 20
  modalities:
    - { name: strong, genuine: { mean: 3, sd: 1 }, impostor: { mean: 0, sd: 1 }, failureRate: 0.02 }
    - { name: weak, genuine: { mean: 1, sd: 1 }, impostor: { mean: 0, sd: 1 } }
`;

let results = '';
beforeAll(async () => {
  results = await tempFolder('biofuse-results-');
});

describe('runExperiment', () => {
  it('never overwrites a run of the same second, leaves no partial folder, and refuses an unusable results folder as a data error', async () => {
    const config = parseExperimentConfig(simulated, 'sim.yaml');
    const root = await tempFolder('biofuse-same-second-');
    const at = () => new Date('2026-03-01T00:00:00Z');
    const first = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: root, now: at });
    const second = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: root, now: at });
    expect(second.runDir).toBe(`${first.runDir}-2`);
    expect((await readdir(join(root, 'sim'))).sort()).toEqual([first.runDir.split('/').pop(), second.runDir.split('/').pop(), 'latest'].sort());
    const blocked = join(root, 'a-file');
    await writeFile(blocked, 'not a folder');
    await expect(runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: blocked })).rejects.toThrow(DatasetError);
    await expect(runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: blocked })).rejects.toThrow(/a-file\/sim: cannot create the results folder \(ENOTDIR\)/);
  });

  it('gives two runs that start together in the same second two folders (the second failed at its rename)', async () => {
    const config = parseExperimentConfig(simulated, 'sim.yaml');
    const root = await tempFolder('biofuse-concurrent-');
    const at = () => new Date('2026-03-01T00:00:00Z');
    const runs = await Promise.all([0, 1, 2].map(() => runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: root, now: at })));
    const names = runs.map((r) => r.runDir.split('/').pop() as string).sort();
    expect(names[0]).toMatch(/^20260301T000000Z-[0-9a-f]{8}$/);
    expect(names).toEqual([names[0], `${names[0]}-2`, `${names[0]}-3`]);
    expect((await readdir(join(root, 'sim'))).filter((f) => f.includes('partial') || f.includes('claim'))).toEqual([]);
    for (const r of runs) expect(existsSync(join(r.runDir, 'metrics.json'))).toBe(true);
  });

  it('writes scores, metrics, DET, page and manifest, and repeats its numbers exactly', async () => {
    const config = parseExperimentConfig(simulated, 'sim.yaml');
    const a = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: results, now: () => new Date('2026-01-01T00:00:00Z') });
    const b = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: results, now: () => new Date('2026-01-02T00:00:00Z') });
    for (const f of ['scores.csv', 'metrics.json', 'det.json', 'det.html', 'det.svg', 'det.png', 'manifest.json']) expect(existsSync(join(a.runDir, f))).toBe(true);
    // The figure is the page's plot drawn statically: the same for the same numbers.
    expect(await readFile(join(a.runDir, 'det.svg'), 'utf8')).toBe(await readFile(join(b.runDir, 'det.svg'), 'utf8'));
    expect(await readFile(join(a.runDir, 'metrics.json'), 'utf8')).toBe(await readFile(join(b.runDir, 'metrics.json'), 'utf8'));
    expect(a.runDir).not.toBe(b.runDir);
    expect((await readFile(join(results, 'sim', 'latest'), 'utf8')).trim()).toBe(b.runDir.split('/').pop());

    const metrics = parseResultsJson(await readFile(join(a.runDir, 'metrics.json'), 'utf8')) as {
      evaluations: { name: string; counts: { genuine: number; genuineFailures: number }; eer: { value: number }; eerInterval: { low: number; high: number; resamples: number } }[];
    };
    const [strong, weak] = metrics.evaluations;
    expect(strong.name).toBe('strong');
    expect(strong.counts.genuine).toBe(300);
    expect(strong.counts.genuineFailures).toBeGreaterThan(0); // failures kept, not dropped
    // Normal scores: EER = Phi(-d'/2): 6.7 % for d' = 3, 30.9 % for d' = 1 (plus failures).
    expect(strong.eer.value).toBeGreaterThan(0.04);
    expect(strong.eer.value).toBeLessThan(0.12);
    expect(weak.eer.value).toBeGreaterThan(0.25);
    expect(weak.eer.value).toBeLessThan(0.37);
    // The subjects-bootstrap interval brackets the EER and is neither a point nor the whole range.
    for (const e of [strong, weak]) {
      expect(e.eerInterval.resamples).toBe(1000);
      expect(e.eerInterval.low).toBeLessThanOrEqual(e.eer.value);
      expect(e.eerInterval.high).toBeGreaterThanOrEqual(e.eer.value);
      expect(e.eerInterval.high - e.eerInterval.low).toBeGreaterThan(0.005);
      expect(e.eerInterval.high - e.eerInterval.low).toBeLessThan(0.15);
    }

    const csv = (await readFile(join(a.runDir, 'scores.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('probe,reference,probe_subject,reference_subject,label,kind,strong,strong_error,weak,weak_error');
    expect(csv.length).toBe(1 + 300 * 21);
    expect(csv.some((l) => l.includes(',simulated failure to acquire,'))).toBe(true);

    const manifest = parseResultsJson(await readFile(join(a.runDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.seeds).toEqual({ seed: 7 });
    expect(manifest.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest).toHaveProperty('git.commit');
    expect(manifest).toHaveProperty('lockfileSha256');
    expect(manifest).toHaveProperty('machine.cpus');
    expect(manifest).toHaveProperty('versions.node');

    const html = await readFile(a.detPage, 'utf8');
    expect(html).toContain('Plotly.newPlot');
    expect(html).toMatch(/strong \(EER \d+\.\d\d %\)/);
    expect(html.length).toBeGreaterThan(500_000); // plotly is inlined: the page works offline
  });

  it('compares runs in one table and one overlay page', async () => {
    const config = parseExperimentConfig(simulated.replace('seed: 7', 'seed: 8').replace('id: sim', 'id: sim-b'), 'x.yaml');
    const a = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: results });
    const b = await runExperiment(parseExperimentConfig(simulated, 'x.yaml'), { dataRoot: '/nonexistent', resultsRoot: results });
    const { table, rows, html } = await compareRuns([a.runDir, b.runDir]);
    expect(rows.map((r) => r.name)).toEqual(['sim-b/strong', 'sim-b/weak', 'sim/strong', 'sim/weak']);
    // The JSON form names each row by its run too (metrics.json's own name said only "strong").
    expect(rows.map((r) => evaluationSummary(r).name)).toEqual(['sim-b/strong', 'sim-b/weak', 'sim/strong', 'sim/weak']);
    expect(table).toMatch(/sim-b\/strong/);
    expect(rows[2].report.eer.value).toBe(b.evaluations[0].report.eer.value);
    expect(rows[2].report.det.fmr.length).toBe(b.evaluations[0].report.det.fmr.length);
    expect(html).toContain('sim/weak');
    await expect(compareRuns([results])).rejects.toThrow(/not a biofuse run folder/);
  });

  it('sets runs with different target FMRs side by side: one column per target, "-" where a run has none', async () => {
    const coarse = parseExperimentConfig(`${simulated.replace('id: sim', 'id: sim-coarse')}metrics: { targetFmrs: [0.05] }\n`, 'x.yaml');
    const c = await runExperiment(coarse, { dataRoot: '/nonexistent', resultsRoot: results });
    const d = await runExperiment(parseExperimentConfig(simulated, 'x.yaml'), { dataRoot: '/nonexistent', resultsRoot: results });
    for (const order of [[c.runDir, d.runDir], [d.runDir, c.runDir]]) {
      const { table, html } = await compareRuns(order);
      const lines = table.split('\n');
      const header = lines[0].split(/\s{2,}/);
      expect(header.filter((h) => h.startsWith('FNMR@'))).toEqual(['FNMR@0.05 %', 'FNMR@1e-2 %', 'FNMR@1e-3 %', 'FNMR@1e-4 %']);
      const coarseRow = lines.find((l) => l.startsWith('sim-coarse/strong'))!.split(/\s{2,}/);
      const fullRow = lines.find((l) => l.startsWith('sim/strong'))!.split(/\s{2,}/);
      const col = (name: string) => header.indexOf(name);
      expect(coarseRow[col('FNMR@1e-3 %')]).toBe('-');
      expect(fullRow[col('FNMR@0.05 %')]).toBe('-');
      expect(Number(coarseRow[col("d'")])).toBeCloseTo(c.evaluations[0].report.dPrime, 3);
      expect(html).toContain('<th>FNMR@0.05 %</th>');
    }
  });
});

/** A toy modality for the runner's tests: a sample is a text file holding one number. */
const numberModality: Modality<number, number> = {
  name: 'fingerprint',
  async load(input) {
    const text = String(input).trim();
    const v = Number(text);
    if (text === '' || Number.isNaN(v)) throw new AcquisitionError('unreadable', 'not a number');
    return v;
  },
  async extract(sample) {
    if (sample < 0) throw new AcquisitionError('quality', 'negative sample');
    return sample;
  },
  compare: (a, b) => ({ similarity: -Math.abs(a - b) }),
  encode: (t) => new Uint8Array(new Float64Array([t]).buffer),
  decode: (b) => new Float64Array(b.buffer)[0],
};

describe('modality pipelines', () => {
  let dataRoot = '';
  beforeAll(async () => {
    dataRoot = await tempFolder('biofuse-data-');
    const db = join(dataRoot, 'toy');
    await mkdir(db);
    // Finger f has impressions near 10 * f; finger 103's second impression is corrupt.
    for (let f = 101; f <= 104; f++) {
      for (let i = 1; i <= 3; i++) {
        const corrupt = f === 103 && i === 2;
        await writeFile(join(db, `${f}_${i}.tif`), corrupt ? 'garbage' : String(10 * (f - 100) + i * 0.5));
      }
    }
    await writeFile(join(db, 'readme.txt'), 'not a sample');
  });
  const registry: ModalityRegistry = { fingerprint: async () => numberModality as never };
  const config = 'dataset: { loader: fvc, root: toy }\npipeline: { modality: fingerprint }\n';

  it('runs the FVC protocol, counting failures to acquire and skipped files', async () => {
    const r = await runExperiment(parseExperimentConfig(config, 'toy-fvc.yaml'), { dataRoot, resultsRoot: results, registry });
    const report = r.evaluations[0].report;
    expect(report.counts.genuine).toBe(4 * 3);
    expect(report.counts.impostor).toBe(6);
    expect(report.counts.genuineFailures).toBe(2); // 103_2 appears in two genuine pairs
    expect(report.eer.value).toBeCloseTo(2 / 12 / 2, 10); // failures are the only errors: FNMR 2/12 at FMR 0
    expect(r.skipped).toBe(2); // readme.txt (name) and 103_2.tif (acquisition)
    const csv = await readFile(join(r.runDir, 'scores.csv'), 'utf8');
    expect(csv).toMatch(/103_2\.tif: not a number/);
  });

  it('stops at the first failure when strict', async () => {
    await expect(
      runExperiment(parseExperimentConfig(`strict: true\n${config}`, 'toy-fvc.yaml'), { dataRoot, resultsRoot: results, registry }),
    ).rejects.toThrow(AcquisitionError);
  });

  it('fails clearly, before reading data, when the modality is not built', async () => {
    await expect(
      runExperiment(parseExperimentConfig('dataset: { loader: fvc, root: missing }\npipeline: { modality: iris }\n', 'x.yaml'), { dataRoot, resultsRoot: results }),
    ).rejects.toThrow(ModalityUnavailableError);
  });
});

const bssr1 = sharedDataset('nist-bssr1-set1');
describe.skipIf(bssr1.skip)('BSSR1 configs', () => {
  it.each([
    ['bssr1-face-c', 4.45],
    ['bssr1-face-g', 5.8],
    ['bssr1-finger-left', 8.51],
    ['bssr1-finger-right', 5.04],
  ])('%s reproduces its reference EER of %s percent', async (id, eer) => {
    const r = await runExperimentFile(join(import.meta.dirname, '../configs', `${id}.yaml`), { dataRoot: sharedDatasetsRoot(), resultsRoot: results });
    expect(Number((r.evaluations[0].report.eer.value * 100).toFixed(2))).toBe(eer);
    // Every probe met the whole gallery: closed-set identification too (rank-1 between 80 and 95 %).
    expect(r.identification?.[0].probes).toBe(517);
    expect(r.identification?.[0].rank1).toBeGreaterThan(0.8);
    expect(r.identification?.[0].rank1).toBeLessThan(0.95);
    expect(r.identification?.[0].cmc.length).toBe(20);
  });

  it('explains when the comparisons do not allow identification', async () => {
    const config = parseExperimentConfig(simulated.replace('seed: 7', 'seed: 7\nmetrics: { identificationMaxRank: 5 }'), 'x.yaml');
    const r = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: results });
    expect(r.identification).toBeUndefined();
    expect(r.notes).toEqual(['Identification was asked for, but the probes were not all compared with one gallery: no CMC.']);
  });
});
