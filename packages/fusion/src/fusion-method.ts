import { FusionError } from './errors';
import { validateMultiScores, type MultiScores } from './multi-scores';

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

/** Fused scores of every row of a MultiScores (its modalities must match the fitted ones). */
export function fuseAll(fused: FittedFusion, ms: MultiScores): Float64Array {
  const m = ms.modalities.length;
  if (m !== fused.modalities.length || ms.modalities.some((name, j) => name !== fused.modalities[j])) {
    throw new FusionError(`scores have modalities [${ms.modalities.join(', ')}], the fusion was fitted on [${fused.modalities.join(', ')}]`);
  }
  validateMultiScores(ms);
  const n = ms.labels.length;
  const out = new Float64Array(n);
  const q = ms.quality;
  for (let i = 0; i < n; i++) out[i] = fused.score(ms.scores.subarray(i * m, (i + 1) * m), q?.subarray(i * m, (i + 1) * m), ms.referenceSubject[i]);
  return out;
}
