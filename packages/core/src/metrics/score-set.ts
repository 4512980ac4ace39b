import { MetricsInputError } from '../errors';

/**
 * The input of every verification metric: the scores of the comparisons that could be made,
 * split by ground truth, and the number that could not (failure to acquire or to enrol).
 *
 * Failures are never dropped (ISO/IEC 19795-1): a genuine comparison that could not be made is a
 * false non-match at every threshold, an impostor one is a correct non-match at every threshold,
 * and both stay in the denominators. Scores are similarities: higher = more similar.
 */
export interface ScoreSet {
  readonly genuine: Float64Array;
  readonly impostor: Float64Array;
  readonly genuineFailures: number;
  readonly impostorFailures: number;
}

export interface ScoreSetInput {
  genuine: ArrayLike<number>;
  impostor: ArrayLike<number>;
  genuineFailures?: number;
  impostorFailures?: number;
}

/** Validates and copies scores into a ScoreSet. NaN is an error here: pass failures as counts. */
export function scoreSet(input: ScoreSetInput): ScoreSet {
  const genuine = toFiniteOrInfinite(input.genuine, 'genuine');
  const impostor = toFiniteOrInfinite(input.impostor, 'impostor');
  const genuineFailures = checkCount(input.genuineFailures ?? 0, 'genuineFailures');
  const impostorFailures = checkCount(input.impostorFailures ?? 0, 'impostorFailures');
  const set = { genuine, impostor, genuineFailures, impostorFailures };
  requireBothClasses(set);
  return set;
}

/**
 * Builds a ScoreSet from parallel arrays of scores and labels (1/true = genuine). Here a NaN
 * score marks a comparison that could not be made (the empty `score` cell of a scores.csv),
 * and it is counted as a failure of its class.
 */
export function scoreSetFromLabelled(
  scores: ArrayLike<number>,
  labels: ArrayLike<number | boolean>,
): ScoreSet {
  if (scores.length !== labels.length) {
    throw new MetricsInputError(`scores (${scores.length}) and labels (${labels.length}) differ in length`);
  }
  let nGenuine = 0;
  for (let i = 0; i < labels.length; i++) if (isGenuineLabel(labels[i], i)) nGenuine++;
  const genuine = new Float64Array(nGenuine);
  const impostor = new Float64Array(labels.length - nGenuine);
  let g = 0;
  let m = 0;
  let genuineFailures = 0;
  let impostorFailures = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (isGenuineLabel(labels[i], i)) {
      if (Number.isNaN(s)) genuineFailures++;
      else genuine[g++] = s;
    } else if (Number.isNaN(s)) impostorFailures++;
    else impostor[m++] = s;
  }
  const set = {
    genuine: genuine.subarray(0, g),
    impostor: impostor.subarray(0, m),
    genuineFailures,
    impostorFailures,
  };
  requireBothClasses(set);
  return set;
}

/** Genuine and impostor attempts, failures included: the denominators of FNMR and FMR. */
export function attemptCounts(set: ScoreSet): { genuine: number; impostor: number } {
  return {
    genuine: set.genuine.length + set.genuineFailures,
    impostor: set.impostor.length + set.impostorFailures,
  };
}

function isGenuineLabel(label: number | boolean, index: number): boolean {
  if (label === true || label === 1) return true;
  if (label === false || label === 0) return false;
  throw new MetricsInputError(`label at index ${index} is ${String(label)}; expected 0/1 or a boolean`);
}

function toFiniteOrInfinite(values: ArrayLike<number>, name: string): Float64Array {
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) {
      throw new MetricsInputError(
        `${name} score at index ${i} is NaN; count comparisons that could not be made as ${name}Failures`,
      );
    }
  }
  return out;
}

function checkCount(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 0) throw new MetricsInputError(`${name} must be a non-negative integer, got ${n}`);
  return n;
}

function requireBothClasses(set: ScoreSet): void {
  const n = attemptCounts(set);
  if (n.genuine === 0 || n.impostor === 0) {
    throw new MetricsInputError(
      `verification metrics need genuine and impostor comparisons; got ${n.genuine} genuine and ${n.impostor} impostor`,
    );
  }
}
