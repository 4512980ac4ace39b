import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DatasetError, scoreSet, verificationReport } from '@biofuse/core';
import { temporaryFolders } from '@biofuse/core/testing';
import { datasetSystems } from '../src/config/fusion-rules';
import { loadExperimentConfig, parseExperimentConfig } from '../src/config/load-config';
import { compareRuns } from '../src/report/compare-runs';
import { formatMetricsTable } from '../src/report/metrics-table';
import { fuseSystems } from '../src/run/fuse-systems';
import { runExperiment } from '../src/run/run-experiment';
import { readScoresCsv } from '../src/run/scores-csv';
import { buildChimeric } from '../src/sources/chimeric';
import { allPairsScores } from './comparison-scores-fixture';

const tempFolder = temporaryFolders();
let root = '';
beforeAll(async () => {
  root = await tempFolder('biofuse-shared-rules-');
});

const subjects = Array.from({ length: 8 }, (_, k) => `s${k}`);
/** Systems named `names`, genuine scores higher, every comparison scored. */
const scores = (names: readonly string[]) =>
  allPairsScores(subjects, (label) => names.map((name, j) => ({ name, scores: Float64Array.from(label, (g, i) => g * 2 + ((i * 7919 + j) % 13) / 13), errors: new Array(label.length).fill(undefined) })));

describe('rules the config check and the run share give one answer', () => {
  it('names chimeric systems alike before and after the data is read: the source alone, or source:system', () => {
    const config = parseExperimentConfig(
      `dataset:
  loader: chimeric
  sources:
    - { name: bssr1, dataset: { loader: score-matrix, root: r, systems: { face-C: c.csv, face-G: g.csv } } }
    - { name: sim, dataset: { loader: simulated-scores, subjects: 8, impostorsPerSubject: 7, modalities: [{ name: m, genuine: { mean: 2, sd: 1 }, impostor: { mean: 0, sd: 1 } }] } }
`,
      'chim.yaml',
    );
    const expected = ['bssr1:face-C', 'bssr1:face-G', 'sim'];
    expect(datasetSystems(config.dataset, config.pipeline)).toEqual(expected);
    const { data } = buildChimeric([{ name: 'bssr1', data: scores(['face-C', 'face-G']) }, { name: 'sim', data: scores(['m']) }], 1);
    expect(data.systems.map((s) => s.name)).toEqual(expected);
  });

  it('refuses weights that do not fit the fused systems at run time with the config check\'s words', () => {
    const fuse = (weights: number[] | Record<string, number>, inputs?: string[]) =>
      fuseSystems(scores(['a', 'b']), { folds: 2, protocol: 'subject-disjoint', ...(inputs ? { inputs } : {}), methods: [{ method: 'weighted-sum', weights }] }, 1);
    expect(() => fuse({ a: 1, z: 2 })).toThrow(
      new ConfigError('fusion.methods.0.weights: "z" is not a fused system (a, b); fusion.methods.0.weights: no weight for "b"; give every fused system one (a, b)'),
    );
    expect(() => fuse([1], ['a', 'b'])).toThrow(new ConfigError('fusion.methods.0.weights: 1 weights for 2 inputs (a, b)'));
    expect(() => fuse([1, 2])).toThrow(/^fusion\.methods\.0\.weights: a list of weights has no system order to follow; name the systems/);
    expect(fuse({ b: 2, a: 1 }).models[0].name).toBe('fused:weighted-sum/min-max');
  });
});

describe('notes and footnotes', () => {
  it('says why an EER interval asked for is missing: a single subject cannot be resampled', async () => {
    const rows = ['probe,reference,probe_subject,reference_subject,label,kind,m,m_error'];
    for (let k = 0; k < 6; k++) rows.push(`g${k},r,s,s,1,genuine,${2 + k / 10},`, `i${k},r,s,s,0,impostor,${k / 10},`);
    await writeFile(join(root, 'one-subject.csv'), `${rows.join('\n')}\n`);
    const run = (resamples: number) =>
      runExperiment(parseExperimentConfig(`id: one-subject\ndataset: { loader: scores-csv, files: [one-subject.csv] }\nmetrics: { eerBootstrapResamples: ${resamples} }\n`, 'one-subject.yaml'), {
        dataRoot: root,
        resultsRoot: join(root, 'results'),
      });
    expect((await run(100)).notes).toEqual(['No EER interval for m: the comparisons involve a single subject, and the subjects bootstrap resamples subjects.']);
    expect((await run(0)).notes).toEqual([]);
  });

  it('ends the terminal table with the footnote to a target below the resolution, only where one is', () => {
    const few = verificationReport(scoreSet({ genuine: [1, 2, 3], impostor: [0, 1.5, 0.5] }), { targetFmrs: [1e-2] });
    const many = verificationReport(scoreSet({ genuine: [1, 2, 3], impostor: Array.from({ length: 200 }, (_, i) => i / 400) }), { targetFmrs: [1e-2] });
    expect(formatMetricsTable([{ name: 'a', report: few }]).split('\n').at(-1)).toBe('* target FMR below 1 / (impostor comparisons): not measurable on this set');
    expect(formatMetricsTable([{ name: 'a', report: many }])).not.toMatch(/not measurable/);
    // Impostors at +Infinity: every threshold accepts them, so 1e-2 of 200 cannot be reached (the
    // star's note said "below 1 / (impostor comparisons)", which 1e-2 x 200 is not).
    const infinite = verificationReport(scoreSet({ genuine: [1, 2, 3], impostor: [...Array.from({ length: 197 }, (_, i) => i / 400), Infinity, Infinity, Infinity] }), { targetFmrs: [1e-2] });
    expect(formatMetricsTable([{ name: 'a', report: infinite }]).split('\n').at(-1)).toBe(
      '* target FMR not reachable: impostor scores of +Infinity are accepted at every threshold (FNMR shown at the lowest FMR reached)',
    );
    expect(formatMetricsTable([{ name: 'a', report: few }, { name: 'b', report: infinite }]).split('\n').at(-1)).toMatch(/^\* target FMR below 1 \/ \(impostor comparisons\): not measurable on this set; target FMR not reachable: /);
    // Core says which (the note guessed from the FMR reached); the star stays for both.
    expect([few, infinite].map((r) => [r.fnmrAtFmr[0].belowResolution, r.fnmrAtFmr[0].unreachable])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(formatMetricsTable([{ name: 'b', report: infinite }])).toMatch(/^b\s.*\d\*\s/m);
    // A target both below 1 / (impostor comparisons) and unreachable gives both reasons.
    const both = verificationReport(scoreSet({ genuine: [1, 2, 3], impostor: [0, 0.5, Infinity] }), { targetFmrs: [1e-2] });
    expect(formatMetricsTable([{ name: 'a', report: both }]).split('\n').at(-1)).toMatch(/^\* target FMR below 1 \/ \(impostor comparisons\): not measurable on this set; target FMR not reachable: /);
  });

  it('reads n/a for a d\' with no value and says why under the table (constant classes printed "Infinity")', () => {
    const constant = verificationReport(scoreSet({ genuine: [2], impostor: [1] }), { targetFmrs: [1e-2] });
    const noGenuine = verificationReport(scoreSet({ genuine: [], genuineFailures: 2, impostor: [0, 1] }), { targetFmrs: [1e-2] });
    const spread = verificationReport(scoreSet({ genuine: [1, 2, 3], impostor: [0, 1.5, 0.5] }), { targetFmrs: [1e-2] });
    expect([constant.dPrime, noGenuine.dPrime]).toEqual([Infinity, Number.NaN]);
    const table = formatMetricsTable([
      { name: 'constant', report: constant },
      { name: 'empty', report: noGenuine },
      { name: 'spread', report: spread },
    ]).split('\n');
    expect(table.filter((line) => /^(constant|empty)\s.*\sn\/a\s+[\d.]+$/.test(line))).toHaveLength(2);
    expect(table.find((line) => line.startsWith('spread'))).toMatch(/\s1\.835\s+0\.88889$/);
    expect(table.slice(-3, -1)).toEqual([
      "n/a: d' is undefined: the genuine scores are all equal and so are the impostor scores (zero spread), so there is no spread to divide their difference by",
      "n/a: d' is undefined: a class has no compared score, or an infinite one",
    ]);
    expect(formatMetricsTable([{ name: 'spread', report: spread }])).not.toMatch(/n\/a/);
  });

  it('says which file could not be read, and why, in each reader', async () => {
    const gone = join(root, 'gone');
    await expect(loadExperimentConfig(join(gone, 'x.yaml'))).rejects.toThrow(new DatasetError('cannot read config (ENOENT)', join(gone, 'x.yaml')));
    await expect(readScoresCsv(join(gone, 'scores.csv'))).rejects.toThrow(new DatasetError('cannot read scores (ENOENT)', join(gone, 'scores.csv')));
    await mkdir(join(root, 'not-a-run'));
    const err = await compareRuns([join(root, 'not-a-run')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).message).toBe(`${join(root, 'not-a-run')}: not a biofuse run folder (cannot read metrics.json: ENOENT)`);
  });
});
