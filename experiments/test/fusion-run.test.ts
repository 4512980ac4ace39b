import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DatasetError, equalErrorRate, errorRateCurve, scoreSetFromLabelled, seededRandom } from '@biofuse/core';
import { parseExperimentConfig, parseExperimentConfigObject } from '../src/config/load-config';
import { compareRuns } from '../src/report/compare-runs';
import { fuseSystems } from '../src/run/fuse-systems';
import { parseResultsJson } from '../src/run/json';
import { runExperiment } from '../src/run/run-experiment';
import { csvRecords, readScoresCsv, writeScoresCsv } from '../src/run/scores-csv';
import type { FusionConfig } from '../src/config/schema';
import { scoresCsvSource } from '../src/sources/scores-csv-source';
import { comparisonScores } from './comparison-scores-fixture';
import { temporaryFolders } from '@biofuse/core/testing';

const tempFolder = temporaryFolders();

const config = `
id: fuse-sim
seed: 3
dataset:
  loader: simulated-scores
  subjects: 200
  impostorsPerSubject: 40
  modalities:
    - { name: a, genuine: { mean: 2.5, sd: 1 }, impostor: { mean: 0, sd: 1 }, failureRate: 0.05 }
    - { name: b, genuine: { mean: 2.0, sd: 1 }, impostor: { mean: 0, sd: 1 } }
fusion:
  folds: 4
  methods:
    - { method: sum, normaliser: z-score }
    - { method: logistic }
    - { method: or, targetFmr: 0.01 }
`;

let results = '';
beforeAll(async () => {
  results = await tempFolder('biofuse-fusion-run-');
});

describe('fusion in experiments', () => {
  it('adds one fused system per method, measured on the same held-out rows as the inputs', async () => {
    const r = await runExperiment(parseExperimentConfig(config, 'x.yaml'), { dataRoot: '/nonexistent', resultsRoot: results });
    expect(r.evaluations.map((e) => e.name)).toEqual(['a', 'b', 'fused:sum/z-score', 'fused:logistic', 'fused:decision-or']);
    const counts = r.evaluations.map((e) => e.report.counts.genuine + e.report.counts.impostor);
    expect(new Set(counts).size).toBe(1); // every system on the same comparisons
    expect(r.evaluations[0].report.counts.genuine).toBe(200);
    const [a, b, sum, logistic] = r.evaluations.map((e) => e.report.eer.value);
    // The OR rule's fused score is the share of inputs that accept: few distinct values.
    expect(r.evaluations[4].report.det.fmr.length).toBeLessThanOrEqual(4);
    // Independent modalities with d' 2.5 and 2: fusion must beat the better one clearly.
    expect(sum).toBeLessThan(Math.min(a, b) * 0.8);
    expect(logistic).toBeLessThan(Math.min(a, b) * 0.8);
    // Failures of "a" are missing inputs to fusion, not failures of the fused system.
    expect(r.evaluations[0].report.counts.genuineFailures).toBeGreaterThan(0);
    expect(r.evaluations[2].report.counts.genuineFailures).toBe(0);
    const fusion = parseResultsJson(await readFile(join(r.runDir, 'fusion.json'), 'utf8')) as { methods: { name: string; folds: unknown[] }[] };
    expect(fusion.methods.map((m) => m.name)).toEqual(['fused:sum/z-score', 'fused:logistic', 'fused:decision-or']);
    expect(fusion.methods[1].folds.length).toBe(4);
    expect(r.notes[0]).toMatch(/4-fold subject-disjoint cross-validation/);
  });

  it('reads scores.csv back and joins score files on probe and reference', async () => {
    const single = config.replace(/fusion:[\s\S]*$/, '');
    const r = await runExperiment(parseExperimentConfig(single, 'x.yaml'), { dataRoot: '/nonexistent', resultsRoot: results });
    const csv = join(r.runDir, 'scores.csv');
    const back = await readScoresCsv(csv);
    expect(back.systems.map((s) => s.name)).toEqual(['a', 'b']);
    expect(back.label.length).toBe(200 * 41);
    expect(back.systems[0].errors.filter((e) => e !== undefined).length).toBeGreaterThan(0);

    // Split the two systems into two files, shuffle one, and fuse them from disk.
    const lines = [...csvRecords(await readFile(csv, 'utf8'), csv)].map((r) => r.cells);
    const fileA = join(results, 'a.csv');
    const fileB = join(results, 'b.csv');
    await writeFile(fileA, lines.map((c) => [...c.slice(0, 6), c[6], c[7]].join(',')).join('\n'));
    const rowsB = lines.slice(1).reverse();
    await writeFile(fileB, [lines[0], ...rowsB].map((c) => [...c.slice(0, 6), c[8], c[9]].join(',')).join('\n'));
    const joined = parseExperimentConfigObject(
      { id: 'joined', seed: 3, dataset: { loader: 'scores-csv', files: [fileA, fileB] }, fusion: { folds: 4, methods: [{ method: 'logistic' }] } },
      'test',
    );
    const j = await runExperiment(joined, { dataRoot: '/nonexistent', resultsRoot: results });
    expect(j.evaluations.map((e) => e.name)).toEqual(['a', 'b', 'fused:logistic']);
    expect(j.evaluations[1].report.eer.value).toBeGreaterThan(0);

    // A file with other comparisons cannot be joined.
    const fileC = join(results, 'c.csv');
    await writeFile(fileC, [lines[0], ...lines.slice(2)].map((c) => [...c.slice(0, 6), c[8], c[9]].join(',')).join('\n').replace('b,b_error', 'c,c_error'));
    const bad = parseExperimentConfigObject({ id: 'bad', dataset: { loader: 'scores-csv', files: [fileA, fileC] }, fusion: { methods: [{ method: 'sum' }] } }, 'test');
    await expect(runExperiment(bad, { dataRoot: '/nonexistent', resultsRoot: results })).rejects.toThrow(DatasetError);
    expect(existsSync(fileC)).toBe(true);
  });

  it('reads back infinite scores and joins a comparison made twice (SVC2004 trials can repeat an enrolment set) occurrence by occurrence', async () => {
    const header = 'probe,reference,probe_subject,reference_subject,label,kind';
    const rows = (system: string, scores: string[]) =>
      [`${header},${system},${system}_error`, ...['p1,r1,1,1,1,genuine', 'p2,r1,2,1,0,impostor', 'p1,r1,1,1,1,genuine', 'p3,r2,3,2,0,impostor'].map((r, k) => `${r},${scores[k]},`)].join('\n');
    const fileX = join(results, 'x-repeat.csv');
    const fileY = join(results, 'y-repeat.csv');
    await writeFile(fileX, rows('x', ['0.9', '-Infinity', '0.8', '0.1']));
    await writeFile(fileY, rows('y', ['5', '1', '6', 'Infinity']));
    const back = await readScoresCsv(fileX);
    expect(Array.from(back.systems[0].scores)).toEqual([0.9, Number.NEGATIVE_INFINITY, 0.8, 0.1]);
    const joined = await scoresCsvSource({ loader: 'scores-csv', files: [fileX, fileY] }, '/');
    expect(joined.systems.map((s) => Array.from(s.scores))).toEqual([
      [0.9, Number.NEGATIVE_INFINITY, 0.8, 0.1],
      [5, 1, 6, Number.POSITIVE_INFINITY],
    ]);
    // Fusing them names the comparison (it said "row 2", an index into a fold).
    expect(() => fuseSystems(joined, { folds: 2, protocol: 'subject-disjoint', methods: [{ method: 'sum' }] }, 1)).toThrow(/system "x" scored p2 against r1 -Infinity; fusion needs finite scores/);
  });

  it('refuses scores.csv cells, kinds and columns that would silently change the numbers', async () => {
    const dir = await tempFolder('biofuse-csv-strict-');
    const header = 'probe,reference,probe_subject,reference_subject,label,kind';
    const write = async (name: string, lines: string[]) => {
      const path = join(dir, name);
      await writeFile(path, lines.join('\n'));
      return path;
    };
    const ok = ['p1,r1,1,1,1,genuine,0.9,', 'p2,r1,2,1,0,impostor,0.1,'];
    // Number() read ' ' as 0 and '0x1F' as 31.
    for (const cell of [' ', '0x1F', 'inf']) {
      const path = await write('cell.csv', [`${header},a,a_error`, ok[0], `p2,r1,2,1,0,impostor,${cell},`]);
      await expect(readScoresCsv(path)).rejects.toThrow(new RegExp(`cell\\.csv:3: score of a is not a number: "${cell}"`));
    }
    // 1e999 is a number, too large to hold: said so, not called "not a number".
    for (const cell of ['1e999', '-1e400']) {
      const path = await write('huge.csv', [`${header},a,a_error`, ok[0], `p2,r1,2,1,0,impostor,${cell},`]);
      const err = (await readScoresCsv(path).catch((e: unknown) => e)) as DatasetError;
      expect(err).toBeInstanceOf(DatasetError);
      expect([err.path, err.line, err.detail]).toEqual([path, 3, `score of a is beyond the largest number (about ±1.8e308): "${cell}"`]);
    }
    // A kind that contradicts the label made a system "a/genuine" of impostors.
    for (const row of ['p2,r1,2,1,0,genuine,0.1,', 'p2,r1,2,1,1,impostor,0.1,', 'p2,r1,2,1,0,,0.1,']) {
      await expect(readScoresCsv(await write('kind.csv', [`${header},a,a_error`, ok[0], row]))).rejects.toThrow(/kind\.csv:3: kind "\w*" does not fit label/);
    }
    await expect(readScoresCsv(await write('dup.csv', [`${header},a,a_error,a,a_error`, 'p1,r1,1,1,1,genuine,0.9,,0.8,']))).rejects.toThrow(/dup\.csv:1: system "a" has two columns/);
    // A spreadsheet's byte-order mark is not part of "probe".
    const bom = await readScoresCsv(await write('bom.csv', [`\uFEFF${header},a,a_error`, ...ok]));
    expect(Array.from(bom.systems[0].scores)).toEqual([0.9, 0.1]);
    // A quoted cell left open would swallow the rest of the file.
    await expect(readScoresCsv(await write('open.csv', [`${header},a,a_error`, ok[0], 'p2,r1,2,1,0,impostor,,"no score', ok[1]]))).rejects.toThrow(/open\.csv:3: a quoted cell is not closed/);
  });

  it('reads back a scores.csv whose cells hold line breaks (read line by line, such a row broke in two)', async () => {
    const dir = await tempFolder('biofuse-csv-breaks-');
    const path = join(dir, 'scores.csv');
    const data = {
      probe: ['p1', 'odd\nname,"q".png'],
      reference: ['r1', 'r1'],
      probeSubject: ['1', '2'],
      referenceSubject: ['1', '1'],
      label: Uint8Array.from([1, 0]),
      kind: ['genuine', 'impostor'],
      systems: [{ name: 'a', scores: Float64Array.from([0.9, Number.NaN]), errors: [undefined, 'cannot read\r\n  line 3: "x": NaN'] }],
      skipped: [],
      dataFiles: [],
    };
    await writeScoresCsv(path, data);
    const back = await readScoresCsv(path);
    expect(back.probe).toEqual(data.probe);
    expect(back.systems[0].errors).toEqual(data.systems[0].errors);
    expect(Array.from(back.systems[0].scores)).toEqual([0.9, Number.NaN]);
    // Lines are still counted in messages after a cell that spans two.
    await writeFile(path, `${await readFile(path, 'utf8')}p3,r1,3,1,0,impostor,zero,\n`);
    await expect(readScoresCsv(path)).rejects.toThrow(/scores\.csv:6: score of a is not a number: "zero"/);
    // Blank lines at the end are no rows; one between rows is refused where it is.
    await writeFile(path, `${(await readFile(path, 'utf8')).replace(/p3,.*\n$/, '')}\r\n\n`);
    expect((await readScoresCsv(path)).probe).toEqual(data.probe);
    await writeFile(path, `${await readFile(path, 'utf8')}p3,r1,3,1,0,impostor,0.5,\n`);
    await expect(readScoresCsv(path)).rejects.toThrow(/scores\.csv:6: expected 8 cells, got 1/);
  });

  it('refuses to evaluate a system none of whose comparisons of a class was scored, and a dataset of no systems', async () => {
    const dir = await tempFolder('biofuse-csv-empty-');
    const header = 'probe,reference,probe_subject,reference_subject,label,kind';
    const rows = Array.from({ length: 20 }, (_, k) => `p${k},r${k % 5},${k},${k % 5},${k % 4 === 0 ? '1,genuine' : '0,impostor'}`);
    const empty = join(dir, 'empty.csv');
    await writeFile(empty, [`${header},a,a_error`, ...rows.map((r) => `${r},,failed`)].join('\n'));
    const run = (file: string) => runExperiment(parseExperimentConfigObject({ id: 'empty', dataset: { loader: 'scores-csv', files: [file] } }, 'test'), { resultsRoot: join(dir, 'results'), dataRoot: dir });
    await expect(run(empty)).rejects.toThrow(/system "a": none of its 5 genuine comparisons could be scored/);
    const none = join(dir, 'none.csv');
    await writeFile(none, [header, ...rows].join('\n'));
    await expect(run(none)).rejects.toThrow(/holds no system/);
    // Weights that do not fit the systems a score file names are the config's mistake (it was a note, exit 0).
    const two = join(dir, 'two.csv');
    await writeFile(two, [`${header},a,a_error,b,b_error`, ...rows.map((r, k) => `${r},${k % 4 === 0 ? 1 + k / 10 : k / 30},,${k % 4 === 0 ? 2 : k / 40},`)].join('\n'));
    // Weights are by name; a scores-csv file names its systems only when read, and the error names the config.
    const weighted = parseExperimentConfigObject({ id: 'w', dataset: { loader: 'scores-csv', files: [two] }, fusion: { folds: 2, methods: [{ method: 'weighted-sum', weights: { a: 1, b: 2, c: 3 } }] } }, 'test');
    await expect(runExperiment(weighted, { resultsRoot: join(dir, 'results'), dataRoot: dir })).rejects.toThrow(/^config w: fusion\.methods\.0\.weights: "c" is not a fused system \(a, b\)$/);
    await expect(runExperiment(weighted, { resultsRoot: join(dir, 'results'), dataRoot: dir, configPath: 'configs/w.yaml' })).rejects.toThrow(/^configs\/w\.yaml: fusion\.methods\.0\.weights: "c"/);
  });

  it('reports on run folders only when their files have the shape a run writes', async () => {
    const dir = await tempFolder('biofuse-report-shape-');
    await writeFile(join(dir, 'det.json'), '{"evaluations": []}');
    for (const [metrics, field] of [['{}', 'experiment'], ['{"experiment": "x", "evaluations": [{"name": "a"}]}', 'evaluations.0.counts']] as const) {
      await writeFile(join(dir, 'metrics.json'), metrics);
      // It was a TypeError ("evaluations is not iterable"): an internal error for a damaged file.
      const err = await compareRuns([dir]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DatasetError);
      expect((err as Error).message).toMatch(new RegExp(`metrics\\.json: not a biofuse metrics\\.json: ${field.replace(/\./g, '\\.')}`));
    }
  });

  it('validates fusion blocks before reading data', () => {
    const base = 'dataset: { loader: score-matrix, root: r, systems: { x: x.csv, y: y.csv } }\n';
    expect(() => parseExperimentConfig(`${base}fusion: { inputs: [x, z], methods: [{ method: sum }] }\n`, 'f.yaml')).toThrow(/"z" is not a system/);
    expect(() => parseExperimentConfig(`${base}fusion: { methods: [{ method: sum, weights: [1, 2] }] }\n`, 'f.yaml')).toThrow(/only weighted-sum takes weights/);
    expect(() => parseExperimentConfig(`${base}fusion: { inputs: [y, x], methods: [{ method: weighted-sum, weights: [1] }] }\n`, 'f.yaml')).toThrow(/1 weights for 2 inputs \(y, x\)/);
    expect(() => parseExperimentConfig(`${base}fusion: { methods: [{ method: logistic, normaliser: z-score }] }\n`, 'f.yaml')).toThrow(/standardises/);
    expect(() => parseExperimentConfig(`${base}fusion: { methods: [{ method: magic }] }\n`, 'f.yaml')).toThrow(/fusion.methods.0.method/);
    expect(() => parseExperimentConfig(`${base}fusion: { methods: [{ method: sum, targetFmr: 0.01 }] }\n`, 'f.yaml')).toThrow(/only the decision rules/);
    expect(() => parseExperimentConfig(`${base}fusion: { methods: [{ method: user-weighted-sum }] }\n`, 'f.yaml')).toThrow(/needs fusion.protocol: within-subject/);
    expect(() => parseExperimentConfig(`${base}fusion: { protocol: within-subject, methods: [{ method: sum, relevance: 2 }] }\n`, 'f.yaml')).toThrow(/only user-weighted-sum takes relevance/);
  });

  it('fits user-specific weights under the within-subject protocol, on every comparison', async () => {
    const yaml = `
id: fuse-users
seed: 5
dataset:
  loader: simulated-scores
  subjects: 80
  impostorsPerSubject: 20
  genuinePerSubject: 6
  modalities:
    - { name: a, genuine: { mean: 2.5, sd: 1 }, impostor: { mean: 0, sd: 1 }, userSpread: 1.2 }
    - { name: b, genuine: { mean: 2.0, sd: 1 }, impostor: { mean: 0, sd: 1 }, userSpread: 1.2 }
fusion:
  folds: 3
  protocol: within-subject
  methods:
    - { method: weighted-sum, normaliser: z-score }
    - { method: user-weighted-sum, relevance: 1 }
`;
    const r = await runExperiment(parseExperimentConfig(yaml, 'u.yaml'), { dataRoot: '/nonexistent', resultsRoot: results });
    expect(r.evaluations.map((e) => e.name)).toEqual(['a', 'b', 'fused:weighted-sum/z-score', 'fused:user-weighted-sum/z-score']);
    expect(r.evaluations[3].report.counts.genuine).toBe(80 * 6);
    expect(r.evaluations[3].report.counts.impostor).toBe(80 * 20);
    expect(r.notes.join('\n')).toMatch(/within-subject/);
    expect(r.evaluations[3].report.eer.value).toBeLessThan(r.evaluations[2].report.eer.value);
    // The learned per-user weights name their users: fusion.json maps each number to its subject.
    const fusion = parseResultsJson(await readFile(join(r.runDir, 'fusion.json'), 'utf8')) as { subjects: string[]; methods: { folds: { userWeights?: Record<string, number[]> }[] }[] };
    expect(fusion.subjects).toHaveLength(80);
    expect(new Set(fusion.subjects).size).toBe(80);
    const users = Object.keys(fusion.methods[1].folds[0].userWeights ?? {});
    expect(users.length).toBeGreaterThan(0);
    for (const u of users) expect(fusion.subjects[Number(u)]).toMatch(/\S/);
  });
});

describe('fusion methods that cannot be fitted', () => {
  it('are reported in the run and left out, the others still run', async () => {
    // Modality a fails to acquire 97 % of the time: too few complete genuine rows for a mixture,
    // while logistic regression still has its single-modality models.
    const config = parseExperimentConfig(
      `
seed: 1
dataset:
  loader: simulated-scores
  subjects: 60
  impostorsPerSubject: 10
  modalities:
    - { name: a, genuine: { mean: 2, sd: 1 }, impostor: { mean: 0, sd: 1 }, failureRate: 0.97 }
    - { name: b, genuine: { mean: 2, sd: 1 }, impostor: { mean: 0, sd: 1 } }
fusion:
  folds: 3
  methods:
    - { method: logistic }
    - { method: likelihood-ratio }
`,
      'x.yaml',
    );
    const results = await tempFolder('biofuse-fusion-fail-');
    const r = await runExperiment(config, { dataRoot: '/nonexistent', resultsRoot: results });
    const names = r.evaluations.map((e) => e.name);
    expect(names).toContain('fused:logistic');
    expect(names).not.toContain('fused:likelihood-ratio/none');
    expect(r.notes[1]).toMatch(/fused:likelihood-ratio\/none could not be fitted and is left out: .*complete genuine training rows/);
    const metrics = JSON.parse(await readFile(join(r.runDir, 'metrics.json'), 'utf8')) as { notes: string[] };
    expect(metrics.notes[1]).toMatch(/could not be fitted/);
  });
});

describe('quality-weighted fusion', () => {
  it('weighs an input by the sample quality its modality reports', () => {
    // Two inputs; x is informative only where its samples are of good quality (q = 1) and pure
    // noise where they are poor (q = 0.05); y is moderately informative everywhere.
    const rng = seededRandom(9);
    const n = 4000;
    const subjects = 200;
    const label = new Uint8Array(n);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const qx = new Float64Array(n);
    const probe: string[] = [];
    const reference: string[] = [];
    for (let i = 0; i < n; i++) {
      const u = i % subjects;
      const genuine = i % 4 === 0;
      const w = genuine ? u : (u + 1 + (i % 7)) % subjects;
      label[i] = genuine ? 1 : 0;
      const good = rng.next() < 0.5;
      qx[i] = good ? 1 : 0.05;
      x[i] = (genuine && good ? 4 : 0) + rng.normal();
      y[i] = (genuine ? 1.5 : 0) + rng.normal();
      probe.push(`s${u}`);
      reference.push(`s${w}`);
    }
    const errors = new Array<string | undefined>(n).fill(undefined);
    const data = comparisonScores(probe, reference, label, () => [
      { name: 'x', scores: x, errors, quality: qx },
      { name: 'y', scores: y, errors },
    ]);
    // A fusion block as a config with a modality's samples would give it (a scores-csv one carries no quality and is refused).
    const fusion: FusionConfig = { folds: 4, protocol: 'subject-disjoint', methods: [{ method: 'sum', normaliser: 'z-score' }, { method: 'sum', normaliser: 'z-score', qualityWeighted: true }] };
    const out = fuseSystems(data, fusion, 1);
    const eer = (name: string) => {
      const s = out.data.systems.find((v) => v.name === name);
      if (!s) throw new Error(`no ${name}`);
      return equalErrorRate(errorRateCurve(scoreSetFromLabelled(s.scores, out.data.label))).value;
    };
    // Measured when written: 19.7 % plain, 14.8 % quality-weighted.
    expect(eer('fused:sum/z-score/quality')).toBeLessThan(eer('fused:sum/z-score') - 0.03);
    expect(() =>
      parseExperimentConfigObject({ dataset: { loader: 'scores-csv', files: ['a.csv'] }, fusion: { methods: [{ method: 'logistic', qualityWeighted: true }] } }, 'q.yaml'),
    ).toThrow(/only sum and weighted-sum weigh by quality/);
  });
});
