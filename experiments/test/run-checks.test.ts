import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DatasetError, seededRandom, type Modality } from '@biofuse/core';
import { configHash, parseExperimentConfig } from '../src/config/load-config';
import type { ModalityRegistry } from '../src/modalities';
import { fuseSystems } from '../src/run/fuse-systems';
import { parseResultsJson } from '../src/run/json';
import { runExperiment } from '../src/run/run-experiment';
import { allPairsScores } from './comparison-scores-fixture';
import { temporaryFolders } from '@biofuse/core/testing';

const tempFolder = temporaryFolders();

/** A toy modality: a sample is a text file holding one number; similarity is minus their distance. */
const numberModality: Modality<number, number> = {
  name: 'face',
  load: async (input) => Number(String(input).trim()),
  extract: async (sample) => sample,
  compare: (a, b) => ({ similarity: -Math.abs(a - b) }),
  encode: (t) => new Uint8Array(new Float64Array([t]).buffer),
  decode: (b) => new Float64Array(b.buffer)[0],
};
const registry: ModalityRegistry = { face: async () => numberModality as never, signature: async () => numberModality as never };

let root = '';
beforeAll(async () => {
  root = await tempFolder('biofuse-run-checks-');
});

/** A BSSR1-layout matrix of `n` subjects: genuine scores near `separation`, impostors near 0. */
function matrix(n: number, separation: number, seed: number): string {
  const rng = seededRandom(seed);
  const ids = Array.from({ length: n }, (_, i) => `s${i}`);
  const rows = ids.map((id, i) => [id, ...ids.map((_, j) => ((i === j ? separation : 0) + rng.normal()).toFixed(4))].join(','));
  return [['', ...ids].join(','), ...rows].join('\n');
}

describe('run-time checks found by the experiments review', () => {
  it('weighs systems by name, so the order of a systems mapping changes neither the hash nor the numbers', async () => {
    const data = join(root, 'bssr1');
    await mkdir(data);
    await writeFile(join(data, 'c.csv'), matrix(40, 2, 1));
    await writeFile(join(data, 'f.csv'), matrix(40, 3, 2));
    const config = (systems: string, weights: string) =>
      parseExperimentConfig(
        `id: weights-order\nseed: 1\ndataset: { loader: score-matrix, root: bssr1, systems: { ${systems} } }\nmetrics: { eerBootstrapResamples: 0 }\nfusion: { folds: 4, methods: [{ method: weighted-sum, normaliser: z-score, ${weights} }] }\n`,
        'w.yaml',
      );
    const byName = 'weights: { face-C: 1, finger-right: 10 }';
    const ab = config('face-C: c.csv, finger-right: f.csv', byName);
    const ba = config('finger-right: f.csv, face-C: c.csv', byName);
    expect(configHash(ab)).toBe(configHash(ba));
    const run = async (c: typeof ab) => {
      const r = await runExperiment(c, { dataRoot: root, resultsRoot: join(root, 'results') });
      return await readFile(join(r.runDir, 'metrics.json'), 'utf8');
    };
    const metrics = await run(ab);
    // The same hash, the same metrics.json, systems in name order (w-ab and w-ba gave 3.51 and 1.76 %).
    expect(await run(ba)).toBe(metrics);
    const evaluations = (parseResultsJson(metrics) as { evaluations: { name: string }[] }).evaluations;
    expect(evaluations.map((e) => e.name)).toEqual(['face-C', 'finger-right', 'fused:weighted-sum/z-score']);
    // A list follows fusion.inputs: the same weights by position give the same fused system.
    const withInputs = parseExperimentConfig(
      `id: weights-order\nseed: 1\ndataset: { loader: score-matrix, root: bssr1, systems: { face-C: c.csv, finger-right: f.csv } }\nmetrics: { eerBootstrapResamples: 0 }\nfusion: { folds: 4, inputs: [finger-right, face-C], methods: [{ method: weighted-sum, normaliser: z-score, weights: [10, 1] }] }\n`,
      'w.yaml',
    );
    const fusedEer = (m: string) => (parseResultsJson(m) as { evaluations: { name: string; eer: { value: number } }[] }).evaluations.find((e) => e.name.startsWith('fused:'))?.eer.value;
    expect(fusedEer(metrics)).toBeGreaterThan(0);
    expect(fusedEer(await run(withInputs))).toBe(fusedEer(metrics));
  });

  it('refuses qualityWeighted when no fused input reports quality, naming the key', () => {
    const data = allPairsScores(['a', 'b', 'c', 'd'], (label) => [
      { name: 'x', scores: Float64Array.from(label, (l) => l * 2), errors: Array.from(label, () => undefined) },
      { name: 'y', scores: Float64Array.from(label, (l, i) => l + i / 100), errors: Array.from(label, () => undefined) },
    ]);
    expect(() => fuseSystems(data, { folds: 2, protocol: 'subject-disjoint', methods: [{ method: 'sum' }, { method: 'sum', qualityWeighted: true }] }, 1)).toThrow(
      new ConfigError('fusion.methods.1.qualityWeighted: none of x, y reports sample quality, so nothing would be weighted; remove qualityWeighted'),
    );
  });

  it('reports a fusion whose small folds lack impostor test comparisons instead of aborting', async () => {
    const r = await runExperiment(
      parseExperimentConfig(
        'dataset: { loader: simulated-scores, subjects: 12, impostorsPerSubject: 1, modalities: [{name: a, genuine: {mean: 2, sd: 1}, impostor: {mean: 0, sd: 1}}, {name: b, genuine: {mean: 2, sd: 1}, impostor: {mean: 0, sd: 1}}] }\nmetrics: { eerBootstrapResamples: 0 }\nfusion: { folds: 5, methods: [{method: sum}] }\n',
        'folds5b.yaml',
      ),
      { dataRoot: root, resultsRoot: join(root, 'results') },
    );
    expect(r.evaluations.map((e) => e.name)).toEqual(['a', 'b', 'fused:sum/min-max']);
    expect(r.notes.some((n) => /^fold \d \(folds 0-4\) has 2 genuine and 0 impostor test comparisons: no report of its own/.test(n))).toBe(true);
  });

  it('takes the subject of a pairs row from the configured folder, and refuses labels that contradict it', async () => {
    const data = join(root, 'pairsds');
    const rows: string[] = [];
    for (let p = 0; p < 6; p++) {
      await mkdir(join(data, 'images', `p${p}`), { recursive: true });
      for (let k = 0; k < 2; k++) await writeFile(join(data, 'images', `p${p}`, `${k}.txt`), String(10 * p + k * 0.1 + (p % 2) * 0.05));
      rows.push(`images/p${p}/0.txt\timages/p${p}/1.txt\t1`);
    }
    for (let p = 0; p < 6; p++) rows.push(`images/p${p}/0.txt\timages/p${(p + 1) % 6}/1.txt\t0`);
    await writeFile(join(data, 'pairs.tsv'), `${rows.join('\n')}\n`);
    const config = (extra: string) => parseExperimentConfig(`id: pairs-sub\ndataset: { loader: pairs, root: pairsds, pairs: pairs.tsv${extra} }\npipeline: { modality: face }\nmetrics: { eerBootstrapResamples: 100 }\n`, 'pairs-sub.yaml');
    // Every sample's first folder is "images": the impostor rows shared one subject and the EER's interval silently went.
    const err = await runExperiment(config(''), { dataRoot: root, resultsRoot: join(root, 'results'), registry, configPath: 'pairs-sub.yaml' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toBe(
      `${join(data, 'pairs.tsv')}:7: an impostor pair of one subject, "images", taking folder 1 of each path as the subject (6 of 12 pairs disagree with their labels); set dataset.subjectFolder to the folder that names the subject`,
    );
    const r = await runExperiment(config(', subjectFolder: 2'), { dataRoot: root, resultsRoot: join(root, 'results'), registry });
    expect(r.evaluations[0].eerInterval).toBeDefined();
    const csv = await readFile(join(r.runDir, 'scores.csv'), 'utf8');
    expect(csv.split('\n')[1]).toMatch(/^images\/p0\/1\.txt,images\/p0\/0\.txt,p0,p0,1,genuine,/);
  });

  it('refuses LFW folds the pairs file does not have, naming the key, the file and the config', async () => {
    const lfw = join(root, 'lfw');
    await mkdir(join(lfw, 'images', 'A'), { recursive: true });
    await mkdir(join(lfw, 'images', 'B'), { recursive: true });
    await writeFile(join(lfw, 'pairs.txt'), '2\t1\nA\t1\t2\nA\t1\tB\t1\nB\t1\t2\nB\t2\tA\t2\n');
    const config = parseExperimentConfig('id: lfw-folds\ndataset: { loader: lfw, root: lfw, pairs: pairs.txt, folds: [1, 3] }\npipeline: { modality: face }\n', 'lfw-folds.yaml');
    const results = join(root, 'results-lfw');
    await expect(runExperiment(config, { dataRoot: root, resultsRoot: results, registry, configPath: 'configs/lfw-folds.yaml' })).rejects.toThrow(
      new ConfigError(`configs/lfw-folds.yaml: dataset.folds: 3 is not a fold of ${join(lfw, 'pairs.txt')}, which has folds 1-2`),
    );
    // A config error leaves no empty results/<id>/ behind, nor the results folder the run made for it.
    expect(existsSync(join(results, 'lfw-folds'))).toBe(false);
    expect(existsSync(results)).toBe(false);
  });

  it('refuses more SVC2004 random forgeries than the folder has other users', async () => {
    const svc = join(root, 'svc');
    await mkdir(svc);
    for (let u = 1; u <= 3; u++) for (let s = 1; s <= 40; s++) await writeFile(join(svc, `U${u}S${s}.TXT`), '');
    const config = parseExperimentConfig('id: svc-rf\ndataset: { loader: svc2004, root: svc }\npipeline: { modality: signature }\nprotocol: { randomForgeries: 3, trials: 1 }\n', 'svc-rf.yaml');
    await expect(runExperiment(config, { dataRoot: root, resultsRoot: join(root, 'results'), registry, configPath: 'svc-rf.yaml' })).rejects.toThrow(
      new ConfigError(`svc-rf.yaml: SVC2004 protocol: randomForgeries: 3 random forgeries for each of the 3 users in ${svc}, who have 2 others each`),
    );
  });
});
