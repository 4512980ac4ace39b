/**
 * Score fusion on NIST BSSR1 Set 1 (517 subjects; face C, face G, left and right index finger),
 * 5-fold subject-disjoint cross-validation: every method x normaliser is fitted on the
 * comparisons between training subjects and scored on those between held-out subjects.
 * Reports EER, FNMR@FMR=1e-3 and 1e-4 on the pooled out-of-fold scores, and the EER's mean and
 * standard deviation over the folds. face-C's -1 cells (one subject's failed face enrolment)
 * are missing scores: fusion marginalises them, single matchers count them as failures.
 *
 * Usage: npm run bench-bssr1 -w packages/fusion [-- --data-root DIR --pair face-C,finger-right --folds 5 --seed 1]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readScoreMatrix } from '@biofuse/core';
import { sharedDatasetsRoot } from '@biofuse/core/testing';
import {
  crossValidate,
  DecisionFusion,
  LikelihoodRatioFusion,
  LogisticFusion,
  multiScoresFromMatrices,
  POSITIVE_NORMALISER_KINDS,
  RuleFusion,
  selectModalities,
  type FittedDecisionFusion,
  type FusionMethod,
  type NormaliserKind,
} from '../src/index';

const { values } = parseArgs({
  options: {
    'data-root': { type: 'string' },
    pair: { type: 'string' },
    folds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const root = join(values['data-root'] ?? sharedDatasetsRoot(), 'nist-bssr1-set1');
const names = ['face-C', 'face-G', 'finger-left', 'finger-right'];
const matrices = await Promise.all(names.map((n) => readScoreMatrix(join(root, `${n}.csv`))));
let ms = multiScoresFromMatrices(matrices, names, [-1, undefined, undefined, undefined]);
if (values.pair) ms = selectModalities(ms, values.pair.split(','));
const folds = Number(values.folds);
const seed = Number(values.seed);

// The classical range normalisers; 'log' is a transform for density models, not for fixed rules.
const normalisers: NormaliserKind[] = ['min-max', 'z-score', 'tanh', 'median-mad', 'double-sigmoid', 'llr'];
const methods: { label: string; method: FusionMethod; only?: string }[] = [];
for (const name of ms.modalities) methods.push({ label: `single ${name}`, method: new RuleFusion({ rule: 'sum', normaliser: 'none' }), only: name });
for (const rule of ['sum', 'weighted-sum', 'product', 'max', 'min'] as const) {
  for (const normaliser of values.quick ? (['min-max', 'z-score'] as NormaliserKind[]) : normalisers) {
    // The product averages logs: RuleFusion refuses normalisers that give scores of 0 or below.
    if (rule === 'product' && !POSITIVE_NORMALISER_KINDS.includes(normaliser)) continue;
    methods.push({ label: `${rule} / ${normaliser}`, method: new RuleFusion({ rule, normaliser }) });
  }
}
methods.push({ label: 'logistic regression', method: new LogisticFusion() });
for (const normaliser of ['none', 'log'] as NormaliserKind[]) {
  methods.push({ label: `likelihood ratio (GMM, BIC) / ${normaliser}`, method: new LikelihoodRatioFusion({ seed, normaliser }) });
}

const pct = (x: number) => (x * 100).toFixed(2).padStart(6);
console.log(`BSSR1 Set 1, ${ms.modalities.join(' + ')}, ${folds}-fold subject-disjoint CV (seed ${seed})`);
console.log('method                                     EER %   EER folds (mean ± sd) %   FNMR@1e-3 %  FNMR@1e-4 %   genuine  impostor  time s');
console.log('(EER, FNMR@FMR: on all out-of-fold scores pooled; folds: EER of each fold\'s own test comparisons)');
for (const { label, method, only } of methods.filter((m) => !values.only || m.label.includes(values.only))) {
  const data = only ? selectModalities(ms, [only]) : ms;
  const t0 = performance.now();
  const cv = crossValidate(data, method, { folds, seed });
  const seconds = (performance.now() - t0) / 1000;
  const eers = cv.perFold.map((r) => r.eer.value);
  const mu = eers.reduce((a, b) => a + b, 0) / eers.length;
  const sd = Math.sqrt(eers.reduce((a, b) => a + (b - mu) ** 2, 0) / eers.length);
  const at = (t: number) => cv.pooled.fnmrAtFmr.find((p) => p.targetFmr === t);
  const f3 = at(1e-3);
  const f4 = at(1e-4);
  console.log(
    `${label.padEnd(40)} ${pct(cv.pooled.eer.value)}   ${pct(mu)} ± ${(sd * 100).toFixed(2).padStart(5)}             ${pct(f3?.fnmr ?? NaN)}       ${pct(f4?.fnmr ?? NaN)}${f4?.belowResolution || f4?.unreachable ? '*' : ' '}  ${String(cv.pooled.counts.genuine).padStart(7)}  ${String(cv.pooled.counts.impostor).padStart(8)}  ${seconds.toFixed(1).padStart(6)}`,
  );
}
console.log('* below the resolution of the pooled impostor count, or not reachable');

// Decision-level fusion gives one operating point per rule, not a curve: report FMR and FNMR there.
console.log('\ndecision rule (each modality at its training threshold for FMR 1e-3)   FMR %    FNMR %');
for (const rule of ['and', 'or', 'majority'] as const) {
  const method = new DecisionFusion({ rule, targetFmr: 1e-3 });
  const cv = crossValidate(ms, method, { folds, seed });
  let fa = 0;
  let fr = 0;
  let nG = 0;
  let nI = 0;
  const m = ms.modalities.length;
  for (let i = 0; i < ms.labels.length; i++) {
    const f = cv.rowFold[i];
    if (f < 0) continue;
    const accepted = (cv.fitted[f] as FittedDecisionFusion).accepts(ms.scores.subarray(i * m, (i + 1) * m));
    if (ms.labels[i]) {
      nG++;
      if (!accepted) fr++;
    } else {
      nI++;
      if (accepted) fa++;
    }
  }
  console.log(`${rule.padEnd(70)} ${pct(fa / nI)}   ${pct(fr / nG)}`);
}
