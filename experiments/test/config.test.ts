import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@biofuse/core';
import { configHash, loadExperimentConfig, parseExperimentConfig } from '../src/config/load-config';

const minimal = `
dataset:
  loader: simulated-scores
  subjects: 10
  impostorsPerSubject: 3
  modalities:
    - { name: a, genuine: { mean: 1, sd: 1 }, impostor: { mean: 0, sd: 1 } }
`;

describe('experiment config', () => {
  it('fills defaults and takes the id from the file name', () => {
    const c = parseExperimentConfig(minimal, 'configs/my-run.yaml');
    expect(c.id).toBe('my-run');
    expect(c.seed).toBe(0);
    expect(c.strict).toBe(false);
    expect(c.metrics).toEqual({ targetFmrs: [1e-2, 1e-3, 1e-4], detMaxPoints: 400, identificationMaxRank: 0, eerBootstrapResamples: 1000 });
  });

  it('hashes equal configs equally whatever the key order', () => {
    const a = parseExperimentConfig(minimal, 'x.yaml');
    const b = parseExperimentConfig(`seed: 0\n${minimal}`, 'x.yaml');
    expect(configHash(a)).toBe(configHash(b));
    expect(configHash(parseExperimentConfig(`seed: 1\n${minimal}`, 'x.yaml'))).not.toBe(configHash(a));
  });

  it('names the field of every problem', () => {
    const bad = `seed: -1\nbogus: 1\ndataset: { loader: score-matrix, root: x }\n`;
    let message = '';
    try {
      parseExperimentConfig(bad, 'bad.yaml');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^bad.yaml: invalid experiment config/);
    expect(message).toMatch(/seed:/);
    expect(message).toMatch(/bogus/);
    expect(message).toMatch(/dataset.systems/);
  });

  it('rejects YAML syntax errors with the line', () => {
    expect(() => parseExperimentConfig('dataset:\n  loader: [unclosed\n', 'y.yaml')).toThrow(/y.yaml:\d+: not valid YAML/);
  });

  it('checks rules that span fields', () => {
    expect(() => parseExperimentConfig('dataset: { loader: fvc, root: fvc2002/DB1_B }\n', 'f.yaml')).toThrow(/needs a pipeline/);
    expect(() =>
      parseExperimentConfig(`${minimal}  genuineCorrelation: [[1, 0], [0, 1]]\n`, 'c.yaml'),
    ).toThrow(/must be 1 x 1/);
    expect(() =>
      parseExperimentConfig('dataset: { loader: score-matrix, root: r, systems: { a: a.csv } }\npipeline: { modality: face }\n', 'p.yaml'),
    ).toThrow(/already holds scores/);
    expect(() => parseExperimentConfig(minimal, 'Bad Name.yaml')).toThrow(/lower case/);
    // Found by a fuzz sweep: each of these ran, silently doing something else than asked.
    expect(() => parseExperimentConfig(minimal.replace('impostorsPerSubject: 3', 'impostorsPerSubject: 500'), 'i.yaml')).toThrow(/500 impostors for each of 10 subjects, who have 9 others each/);
    expect(() => parseExperimentConfig(minimal.replace('subjects: 10', 'subjects: 1000000').replace('impostorsPerSubject: 3', 'impostorsPerSubject: 999999'), 'h.yaml')).toThrow(/simulated scores is more than/);
    expect(() => parseExperimentConfig(`${minimal}strict: true
`, 's.yaml')).toThrow(/strict: a simulated-scores dataset holds scores/);
    expect(() => parseExperimentConfig(`seed: 4294967297
${minimal}`, 's.yaml')).toThrow(/seed/);
    expect(parseExperimentConfig(`seed: 4294967295
${minimal}`, 's.yaml').seed).toBe(4294967295);
    const two = `${minimal}    - { name: b, genuine: { mean: 1, sd: 1 }, impostor: { mean: 0, sd: 1 } }
`;
    expect(() => parseExperimentConfig(`${two}fusion: { inputs: [a, a], methods: [{ method: sum }] }
`, 'f.yaml')).toThrow(/fusion.inputs: a system is named twice/);
  });

  it('refuses protocol settings the dataset would ignore', () => {
    expect(() => parseExperimentConfig(`${minimal}protocol: { trials: 7 }\n`, 's.yaml')).toThrow(/protocol.trials: only the SVC2004 protocol/);
    expect(() => parseExperimentConfig(`${minimal}protocol: { kinds: [genuine, impostor] }\n`, 's.yaml')).toThrow(/protocol.kinds: a simulated-scores dataset has no comparison kinds/);
    const svc = 'dataset: { loader: svc2004, root: svc2004-task2 }\npipeline: { modality: signature }\n';
    expect(parseExperimentConfig(`${svc}protocol: { trials: 2, kinds: [genuine, skilled] }\n`, 'v.yaml').protocol).toMatchObject({ trials: 2, kinds: ['genuine', 'skilled'] });
    expect(() => parseExperimentConfig(`${svc}protocol: { kinds: [skilled] }\n`, 'v.yaml')).toThrow(/keep genuine comparisons and at least one impostor kind/);
    expect(() => parseExperimentConfig(`${svc}protocol: { kinds: [genuine, skiled] }\n`, 'v.yaml')).toThrow(/skiled is not a comparison kind of the svc2004 protocol \(genuine, skilled, random\)/);
    const fvc = 'dataset: { loader: fvc, root: fvc2002/DB1_B }\npipeline: { modality: fingerprint }\n';
    expect(() => parseExperimentConfig(`${fvc}protocol: { randomForgeries: 3 }\n`, 'f.yaml')).toThrow(/protocol.randomForgeries/);
  });

  it('refuses the product rule with a normaliser that gives scores of 0 or below, before reading data', () => {
    const two = `${minimal}    - { name: b, genuine: { mean: 1, sd: 1 }, impostor: { mean: 0, sd: 1 } }\n`;
    const fusion = (normaliser: string) => `${two}fusion: { methods: [{ method: product, normaliser: ${normaliser} }] }\n`;
    expect(() => parseExperimentConfig(fusion('z-score'), 'p.yaml')).toThrow(/fusion.methods.0.normaliser: product needs positive scores \(min-max, tanh, double-sigmoid\); z-score gives 0 or below/);
    expect(parseExperimentConfig(fusion('tanh'), 'p.yaml').fusion?.methods[0]).toMatchObject({ method: 'product', normaliser: 'tanh' });
  });

  it('refuses dataset keys the loader would ignore (a pairs loader given folds scored every pair)', () => {
    const pipeline = 'pipeline: { modality: face }\n';
    expect(() => parseExperimentConfig(`dataset: { loader: pairs, root: mini, pairs: p.tsv, folds: [99] }\n${pipeline}`, 'p.yaml')).toThrow(/dataset.folds: only the lfw loader has folds/);
    expect(() => parseExperimentConfig(`dataset: { loader: pairs, root: mini, pairs: p.tsv, images: nowhere }\n${pipeline}`, 'p.yaml')).toThrow(/dataset.images: only the lfw loader/);
    expect(() => parseExperimentConfig('dataset: { loader: fvc, root: fvc2002/DB1_B, pairs: p.tsv }\npipeline: { modality: fingerprint }\n', 'f.yaml')).toThrow(/dataset.pairs: the fvc loader reads no pairs file/);
    expect(() => parseExperimentConfig('dataset: { loader: svc2004, root: s, folds: [1] }\npipeline: { modality: signature }\n', 's.yaml')).toThrow(/dataset.folds/);
    expect(parseExperimentConfig(`dataset: { loader: lfw, root: lfw, pairs: pairs.txt, images: images, folds: [2] }\n${pipeline}`, 'l.yaml').dataset).toMatchObject({ folds: [2] });
  });
});

describe('shipped configs', () => {
  it('every config in experiments/configs is valid', async () => {
    const dir = resolve(import.meta.dirname, '../configs');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) await expect(loadExperimentConfig(join(dir, file)), file).resolves.toBeDefined();
  });
});
