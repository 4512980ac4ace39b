import { checkSeed, ConfigError, seededRandom, scoreSetFromLabelled, verificationReport, type VerificationReport } from '@biofuse/core';
import { FusionError } from '../errors';
import { fuseAll, type FittedFusion, type FusionMethod } from '../fusion-method';
import { refuseUnknownOptions } from '../methods/options';
import { selectRows, validateMultiScores, type MultiScores } from '../multi-scores';

/**
 * `subject-disjoint` (default): no subject is both fitted and reported on; for every method that
 * learns from the population. `within-subject`: each enrolled subject's comparisons are split
 * across folds, so the same users are fitted and reported on but never the same comparisons;
 * the protocol for user-specific methods, which can only help users they have seen.
 */
export type CrossValidationProtocol = 'subject-disjoint' | 'within-subject';

export interface CrossValidationOptions {
  readonly folds?: number;
  readonly seed?: number;
  readonly targetFmrs?: readonly number[];
  readonly protocol?: CrossValidationProtocol;
}

export interface CrossValidationResult {
  readonly method: string;
  readonly protocol: CrossValidationProtocol;
  /** Fold of each subject (index = subject id); empty under the within-subject protocol. */
  readonly subjectFold: Int32Array;
  /** Out-of-fold fused score of each row; NaN for rows whose subjects lie in different folds (never tested). */
  readonly fused: Float64Array;
  /** Fold each row was tested in, -1 when never. */
  readonly rowFold: Int32Array;
  /** Metrics on all out-of-fold scores pooled. */
  readonly pooled: VerificationReport;
  /**
   * Metrics of each fold's test rows alone, for the folds whose test rows hold both genuine and
   * impostor comparisons, in fold order (`reportedFolds` says which fold each is).
   */
  readonly perFold: readonly VerificationReport[];
  readonly reportedFolds: readonly number[];
  /** Folds left without a report of their own, and why (their rows still count in `pooled`). */
  readonly notes: readonly string[];
  readonly fitted: readonly FittedFusion[];
}

/**
 * k-fold cross-validation. Subject-disjoint (default): subjects are dealt to folds at random
 * (seeded); in fold f the method is fitted on comparisons between subjects outside f and scored
 * on comparisons between subjects inside f. No subject's scores are both fitted and reported
 * on; comparisons across folds are neither trained nor tested on. Within-subject: every
 * comparison is dealt to a fold, stratified by reference subject and label (see
 * `comparisonFolds`), and each is tested once.
 */
export function crossValidate(ms: MultiScores, method: FusionMethod, opts: CrossValidationOptions = {}): CrossValidationResult {
  // An infinite score would wreck every normaliser's statistics without a word: refused here, at the entry.
  validateMultiScores(ms);
  // A misspelt protocol ran neither ("fold 0 has no test comparisons"), a misspelt key was ignored,
  // and a seed of NaN or 1.5 dealt seed 0's or seed 1's folds.
  refuseUnknownOptions(opts, ['folds', 'seed', 'targetFmrs', 'protocol'], 'cross-validation');
  const k = opts.folds ?? 5;
  const protocol = opts.protocol ?? 'subject-disjoint';
  if (protocol !== 'subject-disjoint' && protocol !== 'within-subject') throw new ConfigError(`cross-validation: unknown protocol ${JSON.stringify(protocol)} (known: subject-disjoint, within-subject)`);
  const seed = opts.seed ?? 0;
  const subjectFold = protocol === 'subject-disjoint' ? subjectFolds(ms, k, seed) : new Int32Array(0);
  const comparisonFold = protocol === 'within-subject' ? comparisonFolds(ms, k, seed) : undefined;
  const n = ms.labels.length;
  const fused = new Float64Array(n).fill(Number.NaN);
  const rowFold = new Int32Array(n).fill(-1);
  const perFold: VerificationReport[] = [];
  const reportedFolds: number[] = [];
  const notes: string[] = [];
  const fitted: FittedFusion[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; comparisonFold && i < n; i++) (comparisonFold[i] === f ? test : train).push(i);
    for (let i = 0; !comparisonFold && i < n; i++) {
      const a = subjectFold[ms.probeSubject[i]];
      const b = subjectFold[ms.referenceSubject[i]];
      if (a !== f && b !== f) train.push(i);
      else if (a === f && b === f) test.push(i);
    }
    if (test.length === 0) throw new FusionError(`fold ${f} has no test comparisons`);
    const model = method.fit(selectRows(ms, train));
    fitted.push(model);
    const testSet = selectRows(ms, test);
    const scores = fuseAll(model, testSet);
    test.forEach((i, t) => {
      fused[i] = scores[t];
      rowFold[i] = f;
    });
    // A small fold can draw no impostor (or no genuine) test comparison: it has no error rates
    // of its own, but its scores are as out-of-fold as any and count in the pooled report.
    const genuine = testSet.labels.reduce((a, l) => a + (l ? 1 : 0), 0);
    if (genuine === 0 || genuine === test.length) {
      notes.push(`fold ${f} (folds 0-${k - 1}) has ${genuine} genuine and ${test.length - genuine} impostor test comparisons: no report of its own (its scores count in the pooled one)`);
      continue;
    }
    perFold.push(verificationReport(scoreSetFromLabelled(scores, testSet.labels), { targetFmrs: opts.targetFmrs }));
    reportedFolds.push(f);
  }
  const tested: number[] = [];
  for (let i = 0; i < n; i++) if (rowFold[i] >= 0) tested.push(i);
  const pooled = verificationReport(
    scoreSetFromLabelled(Float64Array.from(tested, (i) => fused[i]), Uint8Array.from(tested, (i) => ms.labels[i])),
    { targetFmrs: opts.targetFmrs },
  );
  return { method: method.name, protocol, subjectFold, fused, rowFold, pooled, perFold, reportedFolds, notes, fitted };
}

const MAX_SUBJECT_ID = 1 << 24;

/** Deals the subjects that occur in the scores to k folds of (nearly) equal size, seeded. */
export function subjectFolds(ms: MultiScores, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new FusionError(`cross-validation needs at least 2 folds, got ${k}`);
  checkSeed(seed, 'cross-validation seed');
  let maxId = -1;
  for (let i = 0; i < ms.labels.length; i++) maxId = Math.max(maxId, ms.probeSubject[i], ms.referenceSubject[i]);
  // Folds are indexed by subject id: ids are small indices (validateMultiScores refuses negative ones).
  if (maxId >= MAX_SUBJECT_ID) throw new FusionError(`subject id ${maxId} is too large: number the subjects 0, 1, 2, ...`);
  const present = new Uint8Array(maxId + 1);
  for (let i = 0; i < ms.labels.length; i++) {
    present[ms.probeSubject[i]] = 1;
    present[ms.referenceSubject[i]] = 1;
  }
  const ids: number[] = [];
  present.forEach((p, id) => {
    if (p) ids.push(id);
  });
  if (ids.length < k) throw new FusionError(`${ids.length} subjects cannot fill ${k} folds`);
  seededRandom(seed).shuffle(ids);
  const fold = new Int32Array(maxId + 1).fill(-1);
  ids.forEach((id, r) => {
    fold[id] = r % k;
  });
  return fold;
}

/**
 * Deals every comparison to one of k folds, seeded: the comparisons of each (reference subject,
 * label) group are shuffled and dealt in turn, so each user's genuine comparisons spread over
 * the folds and every fold keeps the population's mix.
 */
export function comparisonFolds(ms: MultiScores, k: number, seed: number): Int32Array {
  if (!Number.isInteger(k) || k < 2) throw new FusionError(`cross-validation needs at least 2 folds, got ${k}`);
  checkSeed(seed, 'cross-validation seed');
  const n = ms.labels.length;
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = ms.referenceSubject[i] * 2 + (ms.labels[i] ? 1 : 0);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(i);
  }
  const rng = seededRandom(seed);
  const fold = new Int32Array(n);
  let next = 0;
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const rows = groups.get(key) ?? [];
    rng.shuffle(rows);
    for (const i of rows) fold[i] = next++ % k;
  }
  return fold;
}
