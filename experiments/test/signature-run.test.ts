import { describe, expect, it } from 'vitest';
import { sharedDataset, sharedDatasetsRoot, temporaryFolders } from '@biofuse/core/testing';
import { parseExperimentConfig } from '../src/config/load-config';
import { runExperiment } from '../src/run/run-experiment';

const tempFolder = temporaryFolders();

const svc = sharedDataset('svc2004-task2');
describe.skipIf(svc.skip)('signature experiments on SVC2004', () => {
  it('runs the SVC2004 protocol through the signature modality, one evaluation per forgery kind', async () => {
    const config = parseExperimentConfig(
      `seed: 1
dataset: { loader: svc2004, root: svc2004-task2 }
pipeline: { modality: signature }
protocol: { trials: 1, enrolment: 5, randomForgeries: 20 }
`,
      'svc-one-trial.yaml',
    );
    const results = await tempFolder('biofuse-svc-');
    const r = await runExperiment(config, { dataRoot: sharedDatasetsRoot(), resultsRoot: results });
    const byName = Object.fromEntries(r.evaluations.map((e) => [e.name, e.report]));
    expect(Object.keys(byName).sort()).toEqual(['signature/random', 'signature/skilled']);
    expect(byName['signature/skilled'].counts).toMatchObject({ genuine: 400, impostor: 800, genuineFailures: 0 });
    // Default parameters, this one trial: 6.75 % skilled, 0.25 % random (one genuine or forgery is 0.25 %).
    expect(byName['signature/skilled'].eer.value).toBeLessThan(0.08);
    expect(byName['signature/random'].eer.value).toBeLessThan(0.02);
    expect(byName['signature/skilled'].eer.value).toBeGreaterThan(byName['signature/random'].eer.value);
  });
});

describe('synthetic signatures', () => {
  it('generates its dataset from the seed and runs the SVC2004 protocol on it', async () => {
    const yaml = (seed: number) => `seed: ${seed}
dataset: { loader: synthetic-signatures, users: 6 }
pipeline: { modality: signature }
protocol: { trials: 1, randomForgeries: 5 }
`;
    const results = await tempFolder('biofuse-synth-run-');
    const a = await runExperiment(parseExperimentConfig(yaml(91), 'synth.yaml'), { dataRoot: '/nonexistent', resultsRoot: results });
    const b = await runExperiment(parseExperimentConfig(yaml(91), 'synth.yaml'), { dataRoot: '/nonexistent', resultsRoot: results });
    const skilled = (r: typeof a) => r.evaluations.find((e) => e.name === 'signature/skilled')!.report;
    expect(skilled(a).counts).toMatchObject({ genuine: 60, impostor: 120 });
    expect(skilled(a).eer.value).toBe(skilled(b).eer.value);
    expect(() => parseExperimentConfig('dataset: { loader: synthetic-signatures }\npipeline: { modality: face }\n', 'x.yaml')).toThrow(/compared by the signature modality/);
  });
});
