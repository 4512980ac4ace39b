import { MetricsInputError } from '@biofuse/core';

/**
 * Comparisons scored by several modalities (or matchers): one row per comparison, one column
 * per modality, NaN where that modality could not compare the pair. The probe and reference
 * subjects let protocols keep training and test subjects apart.
 */
export interface MultiScores {
  readonly modalities: readonly string[];
  /** Row-major rows x modalities. */
  readonly scores: Float64Array;
  /** 1 genuine, 0 impostor. */
  readonly labels: Uint8Array;
  readonly probeSubject: Int32Array;
  readonly referenceSubject: Int32Array;
  /**
   * Optional sample quality per score, row-major like `scores`, in [0, 1] (1 = best): the
   * lower of the two samples' qualities where a modality reports one. Quality-aware methods
   * weigh by it; the others ignore it.
   */
  readonly quality?: Float64Array;
}

export function rowCount(ms: MultiScores): number {
  return ms.labels.length;
}

/** Largest score magnitude fusion takes: its variances (squares summed) must stay finite. */
export const MAX_SCORE_MAGNITUDE = 1e100;

/**
 * Refuses a score of `modality` (in `row`, when given) that fusion cannot take: not a number,
 * infinite, or too large to square. NaN (missing) passes.
 */
export function checkScore(v: number, modality: string, row?: number): void {
  if (typeof v !== 'number' || v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) throw new MetricsInputError(`score of ${place(modality, row)} is ${v}; scores are finite numbers, NaN for a missing one`);
  // Squares of such scores overflow: a spread of Infinity made every z-score 0 and dropped the modality without a word.
  if (Math.abs(v) > MAX_SCORE_MAGNITUDE) throw new MetricsInputError(`score of ${place(modality, row)} is ${v}; scores beyond ±${MAX_SCORE_MAGNITUDE} overflow the statistics fusion fits: rescale them`);
}

/** Refuses a sample quality of `modality` (in `row`, when given) outside [0, 1]; NaN (unknown) passes. */
export function checkQuality(q: number, modality: string, row?: number): void {
  if (!Number.isNaN(q) && !(q >= 0 && q <= 1)) throw new MetricsInputError(`quality of ${place(modality, row)} is ${q}; expected a value in [0, 1] (NaN where unknown)`);
}

function place(modality: string, row: number | undefined): string {
  return row === undefined ? modality : `${modality} in row ${row}`;
}

/** Checks shapes and values: finite scores or NaN (missing), labels 0/1. Infinite scores, and ones too large to square, are rejected. */
export function validateMultiScores(ms: MultiScores): MultiScores {
  const n = ms.labels.length;
  const m = ms.modalities.length;
  if (m === 0) throw new MetricsInputError('fusion needs at least one modality');
  if (ms.scores.length !== n * m) throw new MetricsInputError(`scores hold ${ms.scores.length} values, expected ${n} rows x ${m} modalities`);
  if (ms.probeSubject.length !== n || ms.referenceSubject.length !== n) throw new MetricsInputError('subject arrays must have one entry per row');
  for (let i = 0; i < n; i++) {
    // A negative id would fall outside every cross-validation fold, and its rows out of every test.
    if (ms.probeSubject[i] < 0 || ms.referenceSubject[i] < 0) throw new MetricsInputError(`subject id in row ${i} is negative; number the subjects 0, 1, 2, ...`);
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) checkScore(ms.scores[i * m + j], ms.modalities[j], i);
  for (let i = 0; i < n; i++) {
    if (ms.labels[i] > 1) throw new MetricsInputError(`label in row ${i} is ${ms.labels[i]}; expected 0 or 1`);
  }
  if (ms.quality) {
    if (ms.quality.length !== n * m) throw new MetricsInputError(`quality holds ${ms.quality.length} values, expected ${n * m}`);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) checkQuality(ms.quality[i * m + j], ms.modalities[j], i);
  }
  return ms;
}

/** The given rows (indices into `ms`, repeats allowed), as a new MultiScores. */
export function selectRows(ms: MultiScores, rows: ArrayLike<number>): MultiScores {
  const m = ms.modalities.length;
  const n = rows.length;
  // An index past the end (or -1, or 1.5) read as a row of missing scores labelled impostor.
  for (let k = 0; k < n; k++) {
    const i = rows[k];
    if (!(Number.isInteger(i) && i >= 0 && i < ms.labels.length)) throw new MetricsInputError(`row index ${i} (entry ${k}) is not a row of these ${ms.labels.length} comparisons`);
  }
  const scores = new Float64Array(n * m);
  const labels = new Uint8Array(n);
  const probeSubject = new Int32Array(n);
  const referenceSubject = new Int32Array(n);
  const quality = ms.quality ? new Float64Array(n * m) : undefined;
  for (let k = 0; k < n; k++) {
    const i = rows[k];
    for (let j = 0; j < m; j++) scores[k * m + j] = ms.scores[i * m + j];
    if (quality && ms.quality) for (let j = 0; j < m; j++) quality[k * m + j] = ms.quality[i * m + j];
    labels[k] = ms.labels[i];
    probeSubject[k] = ms.probeSubject[i];
    referenceSubject[k] = ms.referenceSubject[i];
  }
  return { modalities: ms.modalities, scores, labels, probeSubject, referenceSubject, quality };
}

/** Keeps only the named modalities, in the given order. */
export function selectModalities(ms: MultiScores, names: readonly string[]): MultiScores {
  const idx = names.map((name) => {
    const j = ms.modalities.indexOf(name);
    if (j < 0) throw new MetricsInputError(`no modality "${name}" (have: ${ms.modalities.join(', ')})`);
    return j;
  });
  const n = ms.labels.length;
  const m = ms.modalities.length;
  const pick = (a: Float64Array) => {
    const out = new Float64Array(n * idx.length);
    for (let i = 0; i < n; i++) for (let k = 0; k < idx.length; k++) out[i * idx.length + k] = a[i * m + idx[k]];
    return out;
  };
  return { ...ms, modalities: [...names], scores: pick(ms.scores), quality: ms.quality ? pick(ms.quality) : undefined };
}

/** One modality's column (NaN where missing). */
export function column(ms: MultiScores, j: number): Float64Array {
  const n = ms.labels.length;
  const m = ms.modalities.length;
  // Past the last modality it read other rows' scores.
  if (!(Number.isInteger(j) && j >= 0 && j < m)) throw new MetricsInputError(`no modality ${j}: there are ${m} (0..${m - 1})`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = ms.scores[i * m + j];
  return out;
}
