import { describe, expect, it } from 'vitest';
import { ConfigError } from '@biofuse/core';
import { temporaryFolders, thrownBy } from '@biofuse/core/testing';
import { configHash, parseExperimentConfig } from '../src/config/load-config';
import { runExperiment } from '../src/run/run-experiment';

const tempFolder = temporaryFolders();

/** The ConfigError a config gives (it fails the test when it parses). */
function refusal(yaml: string, path = 'c.yaml'): ConfigError {
  const err = thrownBy(() => parseExperimentConfig(yaml, path));
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

const matrices = (order: string) => `dataset: { loader: score-matrix, root: r, systems: { ${order} } }\n`;
const ab = matrices('face-C: c.csv, finger-right: f.csv');
const ba = matrices('finger-right: f.csv, face-C: c.csv');
const simulated = (names: string[]) =>
  `dataset: { loader: simulated-scores, subjects: 20, impostorsPerSubject: 3, modalities: [${names.map((n) => `{ name: ${n}, genuine: { mean: 2, sd: 1 }, impostor: { mean: 0, sd: 1 } }`).join(', ')}] }\n`;
const svc = 'dataset: { loader: svc2004, root: svc2004-task2 }\npipeline: { modality: signature }\n';

describe('config checks found by the experiments review', () => {
  it('refuses simulated scores that could be drawn beyond the ±1e100 fusion takes, naming the modality, and runs those within it', async () => {
    const config = (genuine: string, impostor = '{ mean: 0, sd: 1 }', userSpread = '') =>
      `seed: 5\ndataset: { loader: simulated-scores, subjects: 30, impostorsPerSubject: 4, modalities: [{ name: a, genuine: ${genuine}, impostor: ${impostor}${userSpread} }, { name: b, genuine: { mean: 2, sd: 1 }, impostor: { mean: 0, sd: 1 } }] }\nfusion: { folds: 2, methods: [{ method: sum, normaliser: z-score }] }\n`;
    // userSpread had no bound: 1e308 drew scores of Infinity.
    expect(refusal(config('{ mean: 2, sd: 1 }', undefined, ', userSpread: 1e308')).message).toContain('dataset.modalities.0.userSpread: Too big: expected number to be <=1e+100');
    // Each within ±1e100, together beyond it: mean 1e100 with sd 1e100 drew past it, and fusion failed mid-run.
    expect(refusal(config('{ mean: 1e100, sd: 1e100 }')).message).toContain(
      'dataset.modalities.0.genuine: modality "a" can draw genuine scores of |mean| + 10 x sd = 1.10e+101, beyond the ±1e+100 fusion takes: lower them',
    );
    expect(refusal(config('{ mean: 2, sd: 1 }', '{ mean: -1e100, sd: 1e98 }')).message).toContain('dataset.modalities.0.impostor: modality "a" can draw impostor scores of |mean| + 10 x sd = 1.10e+100');
    expect(refusal(config('{ mean: -1e99, sd: 1e98 }', undefined, ', userSpread: 1e99')).message).toContain('modality "a" can draw genuine scores of |mean| + 10 x (sd + userSpread) = 1.20e+100');
    // Within the bound, the run goes through, fusion included.
    const within = parseExperimentConfig(config('{ mean: 4e99, sd: 2e98 }', '{ mean: -4e99, sd: 5e98 }', ', userSpread: 3e98'), 'within.yaml');
    const run = await runExperiment(within, { dataRoot: '/nonexistent', resultsRoot: await tempFolder('biofuse-score-bound-') });
    expect(run.evaluations.map((e) => e.system)).toEqual(['a', 'b', 'fused:sum/z-score']);
  });

  it('takes fusion weights by system name, and a list only in the order fusion.inputs gives', () => {
    // A list attached to the systems in YAML order, which the hash (keys sorted) does not see:
    // two configs with one hash gave fused EERs of 3.51 and 1.76 %.
    expect(refusal(`${ab}fusion: { methods: [{ method: weighted-sum, weights: [1, 10] }] }\n`, 'w-ab.yaml').message).toMatch(
      /^w-ab\.yaml: invalid experiment config:\n {2}- fusion\.methods\.0\.weights: a list of weights has no system order to follow; name the systems/,
    );
    const named = (d: string) => parseExperimentConfig(`${d}fusion: { methods: [{ method: weighted-sum, weights: { finger-right: 10, face-C: 1 } }] }\n`, 'w.yaml');
    // By name, the order of the mapping means nothing, and the hash rightly ignores it.
    expect(configHash(named(ab))).toBe(configHash(named(ba)));
    const listed = (inputs: string) => parseExperimentConfig(`${ab}fusion: { inputs: [${inputs}], methods: [{ method: weighted-sum, weights: [1, 10] }] }\n`, 'w.yaml');
    expect(configHash(listed('face-C, finger-right'))).not.toBe(configHash(listed('finger-right, face-C')));
    expect(refusal(`${ab}fusion: { methods: [{ method: weighted-sum, weights: { face-C: 1, finger-left: 2 } }] }\n`).message).toMatch(
      /fusion\.methods\.0\.weights: "finger-left" is not a fused system \(face-C, finger-right\)[\s\S]*fusion\.methods\.0\.weights: no weight for "finger-right"/,
    );
    expect(refusal(`${ab}fusion: { inputs: [finger-right, face-C], methods: [{ method: weighted-sum, weights: [1, 2, 3] }] }\n`).message).toMatch(
      /fusion\.methods\.0\.weights: 3 weights for 2 inputs \(finger-right, face-C\)/,
    );
  });

  it('counts the systems of a chimeric dataset, not its sources, when checking weights', () => {
    const chimeric = `seed: 1
dataset:
  loader: chimeric
  sources:
    - name: bssr1
      dataset: { loader: score-matrix, root: nist-bssr1-set1, systems: { face-G: face-G.csv, face-C: face-C.csv } }
    - name: sim
      dataset: { loader: simulated-scores, subjects: 600, impostorsPerSubject: 599, modalities: [{ name: x, genuine: { mean: 2, sd: 1 }, impostor: { mean: 0, sd: 1 } }] }
`;
    // Three systems: [1, 1, 2] was refused as "3 weights for 2 inputs" and [1, 2] failed after loading.
    const c = parseExperimentConfig(`${chimeric}fusion: { methods: [{ method: weighted-sum, weights: { bssr1:face-C: 1, bssr1:face-G: 1, sim: 2 } }] }\n`, 'chim.yaml');
    expect(c.fusion?.methods[0].weights).toEqual({ 'bssr1:face-C': 1, 'bssr1:face-G': 1, sim: 2 });
    expect(refusal(`${chimeric}fusion: { methods: [{ method: weighted-sum, weights: { bssr1:face-C: 1, sim: 2 } }] }\n`).message).toMatch(/no weight for "bssr1:face-G"; give every fused system one \(bssr1:face-C, bssr1:face-G, sim\)/);
    expect(refusal(`${chimeric}fusion: { inputs: [sim, bssr1], methods: [{ method: sum }] }\n`).message).toMatch(/fusion\.inputs: "bssr1" is not a system of the dataset \(bssr1:face-C, bssr1:face-G, sim\)/);
    expect(parseExperimentConfig(`${chimeric}fusion: { inputs: [sim, bssr1:face-G], methods: [{ method: weighted-sum, weights: [2, 1] }] }\n`, 'c.yaml').fusion?.inputs).toEqual(['sim', 'bssr1:face-G']);
  });

  it('refuses qualityWeighted where no input can carry a sample quality', () => {
    for (const d of [simulated(['a', 'b']), ab, 'dataset: { loader: scores-csv, files: [a.csv] }\n']) {
      expect(refusal(`${d}fusion: { methods: [{ method: sum, normaliser: z-score, qualityWeighted: true }] }\n`, 'qw.yaml').message).toMatch(
        /^qw\.yaml: invalid experiment config:\n {2}- fusion\.methods\.0\.qualityWeighted: a [a-z-]+ dataset holds scores without sample quality/,
      );
    }
  });

  it('refuses fusion of fewer than two systems while reading the config', () => {
    expect(refusal('dataset: { loader: fvc, root: fvc2002/DB1_B }\npipeline: { modality: fingerprint }\nfusion: { methods: [{ method: sum }] }\n', 'fvc-fusion.yaml').message).toMatch(
      /^fvc-fusion\.yaml: [\s\S]*fusion: the fvc loader gives one system \(fingerprint\) and fusion needs at least two/,
    );
    expect(refusal(`${simulated(['a', 'b'])}fusion: { inputs: [a], methods: [{ method: sum }] }\n`).message).toMatch(/fusion\.inputs: fusion combines at least two systems; a is one/);
    expect(refusal(`${simulated(['a'])}fusion: { methods: [{ method: sum }] }\n`).message).toMatch(/the simulated-scores loader gives one system \(a\)/);
  });

  it("checks pipeline.params with the modality's own parser, naming the file", () => {
    expect(refusal('dataset: { loader: fvc, root: fvc2002/DB1_B }\npipeline: { modality: fingerprint, params: { dpi: "500" } }\n', 'bad-params.yaml').message).toMatch(
      /^bad-params\.yaml: invalid experiment config:\n {2}- pipeline\.params: fingerprint parameter "dpi"/,
    );
    expect(refusal(`${svc.replace('signature }', 'signature, params: { dtwBnad: 0.1 } }')}`).message).toMatch(/pipeline\.params: unknown signature parameter "dtwBnad"/);
    expect(refusal('dataset: { loader: pairs, root: p, pairs: p.tsv }\npipeline: { modality: face, params: { detektor: blazeface } }\n').message).toMatch(/pipeline\.params: face params: unknown key "detektor"/);
    const chimeric = `dataset:
  loader: chimeric
  sources:
    - { name: fp, dataset: { loader: fvc, root: fvc2002/DB1_B }, pipeline: { modality: fingerprint, params: { maxMinutiae: 0 } } }
    - { name: face-G, dataset: { loader: score-matrix, root: nist-bssr1-set1, systems: { face-G: face-G.csv } } }
`;
    expect(refusal(chimeric, 'chim.yaml').message).toMatch(/^chim\.yaml \(source fp\): invalid experiment config:\n {2}- pipeline\.params: fingerprint parameter "maxMinutiae"/);
  });

  it('refuses comparison kinds that leave no impostor, and kinds named twice', () => {
    const message = refusal(`${svc}protocol: { kinds: [genuine, genuine], trials: 1 }\n`, 'svc-kinds-gg.yaml').message;
    expect(message).toMatch(/protocol\.kinds: keep genuine comparisons and at least one impostor kind/);
    expect(message).toMatch(/protocol\.kinds: a kind is named twice \(genuine, genuine\)/);
    expect(parseExperimentConfig(`${svc}protocol: { kinds: [genuine, skilled], trials: 1 }\n`, 's.yaml').protocol.kinds).toEqual(['genuine', 'skilled']);
  });

  it('refuses a probe extension without a probe folder, and SVC2004 settings beyond what the protocol has', () => {
    expect(refusal('dataset: { loader: fvc, root: fvc2002/DB1_B, probeExtension: .iso }\npipeline: { modality: fingerprint }\n', 'probeext.yaml').message).toMatch(
      /dataset\.probeExtension: names the extension of the probes in probeFolder; set probeFolder too/,
    );
    expect(parseExperimentConfig('dataset: { loader: fvc, root: fvc2002/DB1_B, probeFolder: iso, probeExtension: .iso }\npipeline: { modality: fingerprint }\n', 'p.yaml').dataset).toMatchObject({ probeExtension: '.iso' });
    expect(refusal(`${svc}protocol: { enrolment: 12, trials: 1 }\n`).message).toMatch(/protocol\.enrolment: SVC2004 enrols from the first 10 genuine signatures of a user, not 12/);
    expect(refusal('dataset: { loader: synthetic-signatures, users: 8 }\npipeline: { modality: signature }\nprotocol: { randomForgeries: 8 }\n').message).toMatch(
      /protocol\.randomForgeries: 8 random forgeries for each of 8 users, who have 7 others each/,
    );
  });

  it('takes a subject folder only for pairs, and lfw folds once each', () => {
    expect(parseExperimentConfig('dataset: { loader: pairs, root: p, pairs: p.tsv, subjectFolder: 2 }\npipeline: { modality: face }\n', 'p.yaml').dataset).toMatchObject({ subjectFolder: 2 });
    expect(refusal('dataset: { loader: lfw, root: lfw, pairs: pairs.txt, subjectFolder: 2 }\npipeline: { modality: face }\n').message).toMatch(/dataset\.subjectFolder: only the pairs loader/);
    expect(refusal('dataset: { loader: lfw, root: lfw, pairs: pairs.txt, folds: [2, 2] }\npipeline: { modality: face }\n').message).toMatch(/dataset\.folds: a fold is named twice/);
  });
});
