/**
 * User-specific fusion weights against population-level fusion, under within-subject 5-fold
 * cross-validation (each user's comparisons split across folds; never fitted and reported on
 * the same comparison).
 *
 * 1. Simulated scores with per-user effects (`userSpread`): 3 modalities, 300 users, 10 genuine
 *    and 60 impostor comparisons each; some users are poor in one modality and good in another.
 *    The relevance factor is chosen on the development seed (1) and reported on seeds 2-6
 *    (mean ± sd), so nothing reported was tuned on the data it is reported on.
 * 2. NIST BSSR1 Set 1 (one genuine comparison per subject, so a test user's genuine comparison
 *    was never seen; only their impostor behaviour can adapt the weights): the same methods,
 *    the relevance taken from step 1.
 *
 * Usage: npm run bench-user-weights -w packages/fusion [-- --data-root DIR]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readScoreMatrix, simulateMultimodalScores } from '@biofuse/core';
import { sharedDatasetsRoot } from '@biofuse/core/testing';
import {
  crossValidate,
  LogisticFusion,
  multiScoresFromMatrices,
  RuleFusion,
  UserWeightedFusion,
  type FusionMethod,
  type MultiScores,
} from '../src/index';

const { values } = parseArgs({ options: { 'data-root': { type: 'string' } } });

function simulated(seed: number): MultiScores {
  const sim = simulateMultimodalScores({
    seed,
    subjects: 300,
    impostorsPerSubject: 60,
    genuinePerSubject: 10,
    modalities: [
      { name: 'a', genuine: { mean: 2.5, sd: 1 }, impostor: { mean: 0, sd: 1 }, failureRate: 0, userSpread: 1.2 },
      { name: 'b', genuine: { mean: 2.0, sd: 1 }, impostor: { mean: 0, sd: 1 }, failureRate: 0, userSpread: 1.2 },
      { name: 'c', genuine: { mean: 1.5, sd: 1 }, impostor: { mean: 0, sd: 1 }, failureRate: 0.02, userSpread: 1.2 },
    ],
    genuineCorrelation: [1, 0.3, 0.1, 0.3, 1, 0.1, 0.1, 0.1, 1],
  });
  const n = sim.label.length;
  const m = sim.scores.length;
  const scores = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) scores[i * m + j] = sim.scores[j][i];
  return { modalities: ['a', 'b', 'c'], scores, labels: sim.label, probeSubject: sim.probe, referenceSubject: sim.reference };
}

const population: { label: string; method: FusionMethod }[] = [
  { label: 'sum / z-score', method: new RuleFusion({ rule: 'sum', normaliser: 'z-score' }) },
  { label: 'weighted sum (1/EER) / z-score', method: new RuleFusion({ rule: 'weighted-sum', normaliser: 'z-score' }) },
  { label: 'logistic regression', method: new LogisticFusion() },
];
const relevances = [0.5, 2, 5, 20];

interface Row {
  eer: number;
  f3: number;
}

function evaluate(ms: MultiScores, method: FusionMethod, seed: number): Row {
  const cv = crossValidate(ms, method, { folds: 5, seed, protocol: 'within-subject', targetFmrs: [1e-2, 1e-3] });
  return { eer: cv.pooled.eer.value, f3: cv.pooled.fnmrAtFmr.find((p) => p.targetFmr === 1e-3)?.fnmr ?? Number.NaN };
}

const pct = (x: number) => (x * 100).toFixed(2).padStart(6);
const meanSd = (xs: number[]) => {
  const mu = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mu) ** 2, 0) / xs.length);
  return `${pct(mu)} ± ${(sd * 100).toFixed(2).padStart(5)}`;
};

// 1. Development seed: choose the relevance factor.
const dev = simulated(1);
console.log('Simulated users with per-user effects; within-subject 5-fold CV');
console.log('development seed 1 (choice of the relevance factor r):');
let best = { r: relevances[0], eer: Number.POSITIVE_INFINITY };
for (const r of relevances) {
  const { eer, f3 } = evaluate(dev, new UserWeightedFusion({ relevance: r }), 1);
  console.log(`  user-weighted-sum r=${String(r).padEnd(4)} EER ${pct(eer)} %  FNMR@1e-3 ${pct(f3)} %`);
  if (eer < best.eer) best = { r, eer };
}
console.log(`chosen r = ${best.r}\n`);

const reportSeeds = [2, 3, 4, 5, 6];
const methods = [...population, { label: `user-weighted sum (r=${best.r}) / z-score`, method: new UserWeightedFusion({ relevance: best.r }) as FusionMethod }];
console.log(`reported on seeds ${reportSeeds.join(', ')} (mean ± sd over seeds)`);
console.log('method                                   EER %            FNMR@1e-3 %');
const sims = reportSeeds.map(simulated);
for (const { label, method } of methods) {
  const rows = sims.map((ms, k) => evaluate(ms, method, reportSeeds[k]));
  console.log(`${label.padEnd(38)} ${meanSd(rows.map((r) => r.eer))}   ${meanSd(rows.map((r) => r.f3))}`);
}

// 2. BSSR1 Set 1.
const root = join(values['data-root'] ?? sharedDatasetsRoot(), 'nist-bssr1-set1');
const names = ['face-C', 'face-G', 'finger-left', 'finger-right'];
const matrices = await Promise.all(names.map((n) => readScoreMatrix(join(root, `${n}.csv`))));
const bssr1 = multiScoresFromMatrices(matrices, names, [-1, undefined, undefined, undefined]);
console.log(`\nBSSR1 Set 1, ${names.join(' + ')}; within-subject 5-fold CV (seed 1); one genuine comparison per user`);
console.log('method                                   EER %   FNMR@1e-3 %');
for (const { label, method } of methods) {
  const { eer, f3 } = evaluate(bssr1, method, 1);
  console.log(`${label.padEnd(38)} ${pct(eer)}    ${pct(f3)}`);
}
