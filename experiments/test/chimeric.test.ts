import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataset, sharedDatasetsRoot, temporaryFolders } from '@biofuse/core/testing';
import { parseExperimentConfig } from '../src/config/load-config';
import { fuseSystems } from '../src/run/fuse-systems';
import { parseResultsJson } from '../src/run/json';
import { runExperiment } from '../src/run/run-experiment';
import { buildChimeric } from '../src/sources/chimeric';
import type { ComparisonScores } from '../src/sources/comparison-scores';
import { modalitySource } from '../src/sources/modality-source';
import { allPairsScores } from './comparison-scores-fixture';

const tempFolder = temporaryFolders();

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
    const results = await tempFolder('biofuse-chimera-');
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
    const r = await runExperiment(config, { dataRoot: sharedDatasetsRoot(), resultsRoot: await tempFolder('biofuse-chimera-') });
    const sig = r.evaluations.find((e) => e.name === 'signature')!.report;
    expect(sig.counts.genuine).toBe(40); // one BSSR1 face pair per person limits each pairing to one
    expect(sig.counts.impostor).toBe(40 * 20); // each signer's 20 random forgers
  });
});

describe('sample quality through the sources', () => {
  it('a modality that reports quality gives every comparison the lower of its two samples', async () => {
    const config = parseExperimentConfig('seed: 4\ndataset: { loader: synthetic-fingerprints, fingers: 4, impressions: 3 }\npipeline: { modality: fingerprint }\n', 'q.yaml');
    const data = await modalitySource(config, { dataRoot: '/nonexistent' });
    const q = data.systems[0].quality;
    expect(q?.length).toBe(data.label.length);
    for (let i = 0; i < data.label.length; i++) {
      if (Number.isNaN(data.systems[0].scores[i])) expect(Number.isNaN(q?.[i] ?? 0)).toBe(true);
      else expect(q?.[i]).toBeGreaterThan(0);
    }
    expect(Math.max(...(q ?? []))).toBeLessThanOrEqual(1);
  });

  it('chimeric persons keep each source comparison\'s quality', () => {
    const source = (name: string, withQuality: boolean): { name: string; data: ComparisonScores } => ({
      name,
      data: allPairsScores(['a', 'b', 'c'], (label) => {
        const scores = Float64Array.from(label, (_, i) => i);
        return [{ name, scores, errors: new Array(label.length).fill(undefined), ...(withQuality ? { quality: Float64Array.from(scores, (s) => s / 10) } : {}) }];
      }),
    });
    const { data } = buildChimeric([source('finger', true), source('voice', false)], 2);
    const finger = data.systems.find((s) => s.name === 'finger');
    expect(finger?.quality).toBeDefined();
    finger?.scores.forEach((s, i) => expect(finger.quality?.[i]).toBeCloseTo(s / 10, 12)); // travels with its own score
    expect(data.systems.find((s) => s.name === 'voice')?.quality).toBeUndefined();
  });

  it('fusion keeps the input systems\' quality on the rows it reports', () => {
    const score = (label: Uint8Array, shift: number) => Float64Array.from(label, (g, i) => g * 2 + ((i * 7919 + shift) % 13) / 13);
    const data = allPairsScores(
      Array.from({ length: 12 }, (_, k) => `s${k}`),
      (label) => [
        { name: 'finger', scores: score(label, 1), errors: new Array(label.length).fill(undefined), quality: Float64Array.from(label, (_, i) => i / label.length) },
        { name: 'voice', scores: score(label, 5), errors: new Array(label.length).fill(undefined) },
      ],
    );
    const n = data.label.length;
    const config = parseExperimentConfig('dataset: { loader: score-matrix, root: r, systems: { finger: f.csv, voice: v.csv } }\nfusion: { folds: 3, methods: [{ method: sum }] }\n', 'f.yaml');
    const { data: fused } = fuseSystems(data, config.fusion!, 1);
    const finger = fused.systems.find((s) => s.name === 'finger')!;
    expect(finger.quality?.length).toBe(fused.label.length);
    // Each kept row carries its own quality: the row's index in the input, recovered from the score.
    finger.scores.forEach((v, r) => {
      const i = Array.from(data.systems[0].scores).findIndex((x, k) => x === v && data.probe[k] === fused.probe[r] && data.reference[k] === fused.reference[r]);
      expect(finger.quality?.[r]).toBe(i / n);
    });
    expect(fused.systems.find((s) => s.name === 'voice')?.quality).toBeUndefined();
  });
});
