import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataset, sharedDatasetsRoot } from '@biofuse/core/testing';
import { parseExperimentConfig } from '../src/config/load-config';
import { parseResultsJson } from '../src/run/json';
import { runExperiment } from '../src/run/run-experiment';

const simulated = (subjects: number, mean: number) =>
  `{ loader: simulated-scores, subjects: ${subjects}, impostorsPerSubject: ${subjects - 1}, modalities: [{ name: m, genuine: { mean: ${mean}, sd: 1 }, impostor: { mean: 0, sd: 1 } }] }`;

describe('chimeric subjects', () => {
  it('makes virtual persons from one subject of every source, seeded, and records who', async () => {
    const config = parseExperimentConfig(
      `seed: 5
dataset:
  loader: chimeric
  sources:
    - { name: face, dataset: ${simulated(30, 3)} }
    - { name: voice, dataset: ${simulated(20, 2)} }
fusion: { folds: 4, methods: [{ method: sum, normaliser: z-score }] }
`,
      'chimera.yaml',
    );
    const results = await mkdtemp(join(tmpdir(), 'biofuse-chimera-'));
    const r = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: results });
    const again = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: results });
    const face = r.evaluations.find((e) => e.name === 'face')!.report;
    // 20 virtual persons (the smaller source); held-out comparisons: genuine 20, impostors within folds of 5.
    expect(face.counts.genuine).toBe(20);
    expect(face.counts.impostor).toBe(4 * 5 * 4);
    expect(r.evaluations.map((e) => e.name)).toEqual(['face', 'voice', 'fused:sum/z-score']);
    expect(r.evaluations[2].report.eer.value).toBeLessThanOrEqual(Math.min(face.eer.value, r.evaluations[1].report.eer.value));
    expect(again.evaluations[2].report.eer.value).toBe(r.evaluations[2].report.eer.value);
    const manifest = parseResultsJson(await readFile(join(r.runDir, 'manifest.json'), 'utf8')) as { chimericAssignment: { persons: number; subjects: Record<string, string[]> } };
    expect(manifest.chimericAssignment.persons).toBe(20);
    expect(manifest.chimericAssignment.subjects.face.length).toBe(20);
    expect(new Set(manifest.chimericAssignment.subjects.face).size).toBe(20);
  });

  it('validates every source like an experiment of its own', () => {
    expect(() =>
      parseExperimentConfig(`dataset: { loader: chimeric, sources: [{ name: a, dataset: { loader: fvc, root: x } }, { name: b, dataset: ${simulated(5, 1)} }] }\n`, 'c.yaml'),
    ).toThrow(/source a.*needs a pipeline/s);
    expect(() =>
      parseExperimentConfig(`dataset: { loader: chimeric, sources: [{ name: a, dataset: ${simulated(5, 1)} }, { name: a, dataset: ${simulated(5, 1)} }] }\n`, 'c.yaml'),
    ).toThrow(/names must be unique/);
  });

  const svc = sharedDataset('svc2004-task2');
  const bssr1 = sharedDataset('nist-bssr1-set1');
  it.skipIf(svc.skip || bssr1.skip)('pairs SVC2004 signers with BSSR1 faces, leaving skilled forgeries out', async () => {
    const config = parseExperimentConfig(
      `seed: 2
dataset:
  loader: chimeric
  sources:
    - { name: signature, dataset: { loader: svc2004, root: svc2004-task2 }, pipeline: { modality: signature }, protocol: { trials: 1 } }
    - { name: face-G, dataset: { loader: score-matrix, root: nist-bssr1-set1, systems: { face-G: face-G.csv } } }
`,
      'sig-face.yaml',
    );
    const r = await runExperiment(config, { dataRoot: sharedDatasetsRoot(), resultsRoot: await mkdtemp(join(tmpdir(), 'biofuse-chimera-')) });
    const sig = r.evaluations.find((e) => e.name === 'signature')!.report;
    expect(sig.counts.genuine).toBe(40); // one BSSR1 face pair per person limits each pairing to one
    expect(sig.counts.impostor).toBe(40 * 20); // each signer's 20 random forgers
  });
});
