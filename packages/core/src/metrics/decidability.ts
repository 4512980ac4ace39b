import type { ScoreSet } from './score-set';

/**
 * Decidability index d' = |mean_g - mean_i| / sqrt((var_g + var_i) / 2) over the compared
 * scores (population variances). Infinite when both classes are constant and differ; 0 when
 * they are constant and equal. NaN when a class has no compared score or an infinite one.
 */
export function dPrime(set: ScoreSet): number {
  // d' does not depend on the scores' unit: computed on scores scaled to at most 1, variances of
  // scores near 1e300 do not overflow to Infinity (which made d' 0). The scale is a power of
  // two, so scaling is exact and ordinary scores give the same d' to the last bit.
  let largest = 0;
  for (const values of [set.genuine, set.impostor]) for (let k = 0; k < values.length; k++) largest = Math.max(largest, Math.abs(values[k]));
  const scale = 2 ** Math.ceil(Math.log2(largest));
  const unit = largest > 0 && Number.isFinite(scale) ? (values: Float64Array) => values.map((v) => v / scale) : (values: Float64Array) => values;
  const g = meanVariance(unit(set.genuine));
  const i = meanVariance(unit(set.impostor));
  if (Number.isNaN(g.mean) || Number.isNaN(i.mean)) return Number.NaN;
  const diff = Math.abs(g.mean - i.mean);
  const spread = Math.sqrt((g.variance + i.variance) / 2);
  if (spread === 0) return diff === 0 ? 0 : Number.POSITIVE_INFINITY;
  return diff / spread;
}

/** Mean and population variance in one pass (Welford, stable for millions of scores). */
export function meanVariance(values: Float64Array): { mean: number; variance: number } {
  if (values.length === 0) return { mean: Number.NaN, variance: Number.NaN };
  let mean = 0;
  let m2 = 0;
  for (let k = 0; k < values.length; k++) {
    const d = values[k] - mean;
    mean += d / (k + 1);
    m2 += d * (values[k] - mean);
  }
  return { mean, variance: m2 / values.length };
}
