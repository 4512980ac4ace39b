import { FusionError } from './errors';
import { checkQuality, checkScore, validateMultiScores, type MultiScores } from './multi-scores';

/**
 * A fusion method is configured in its constructor (no work there) and fitted on training
 * scores; the fitted result scores new comparisons and serialises to JSON with everything it
 * learned, so a run can store it and apply it later.
 */
export interface FusionMethod {
  readonly name: string;
  fit(train: MultiScores): FittedFusion;
}

export interface FittedFusion {
  readonly method: string;
  readonly modalities: readonly string[];
  /**
   * The fused score of one comparison, from one score per modality in `modalities` order
   * (NaN where a modality is missing), optionally their sample qualities in [0, 1], and the
   * reference (claimed) subject for methods with user-specific parameters. NaN when no
   * modality is present.
   */
  score(row: ArrayLike<number>, quality?: ArrayLike<number>, subject?: number): number;
  toJSON(): SerializedFusion;
}

export interface SerializedFusion {
  readonly method: string;
  readonly modalities: readonly string[];
  readonly [key: string]: unknown;
}

/** Refuses a row `score` would misread: one score per fitted modality, and sample qualities, when given, one per modality (checkScore, checkQuality). */
export function checkRow(row: ArrayLike<number>, quality: ArrayLike<number> | undefined, modalities: readonly string[]): void {
  const m = modalities.length;
  if (row.length !== m) throw new FusionError(`a row of ${row.length} scores for the ${m} fitted modalities (${modalities.join(', ')})`);
  for (let j = 0; j < m; j++) checkScore(row[j], modalities[j]);
  if (quality === undefined) return;
  if (quality.length !== m) throw new FusionError(`${quality.length} sample qualities for the ${m} fitted modalities`);
  for (let j = 0; j < m; j++) checkQuality(quality[j], modalities[j]);
}

type ScoreRow = FittedFusion['score'];

/** A fitted fusion's `score`: checks the row (checkRow), then scores it with `scoreRow`. */
export function checkedScore(modalities: readonly string[], scoreRow: ScoreRow): ScoreRow {
  return (row, quality, subject) => {
    checkRow(row, quality, modalities);
    return scoreRow(row, quality, subject);
  };
}

/** Fused scores of every row of a MultiScores (its modalities must match the fitted ones). */
export function fuseAll(fused: FittedFusion, ms: MultiScores): Float64Array {
  const m = ms.modalities.length;
  if (m !== fused.modalities.length || ms.modalities.some((name, j) => name !== fused.modalities[j])) {
    throw new FusionError(`scores have modalities [${ms.modalities.join(', ')}], the fusion was fitted on [${fused.modalities.join(', ')}]`);
  }
  // Checked whole first, so that an error names its row; score() checks each row again (cheap).
  validateMultiScores(ms);
  const score = fused.score.bind(fused);
  const n = ms.labels.length;
  const out = new Float64Array(n);
  const q = ms.quality;
  for (let i = 0; i < n; i++) out[i] = score(ms.scores.subarray(i * m, (i + 1) * m), q?.subarray(i * m, (i + 1) * m), ms.referenceSubject[i]);
  return out;
}
