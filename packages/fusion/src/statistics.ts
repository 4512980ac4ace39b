/** Small statistics on typed arrays, ignoring NaN (missing scores). */

export function finiteValues(values: Float64Array, labels?: Uint8Array, want?: 0 | 1): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]) && (want === undefined || labels?.[i] === want)) n++;
  const out = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]) && (want === undefined || labels?.[i] === want)) out[k++] = values[i];
  return out;
}

/** Linear-interpolated quantile (q in [0, 1]) of an ascending array. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

export function mean(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

export function standardDeviation(values: Float64Array, mu = mean(values)): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] - mu) ** 2;
  return Math.sqrt(s / values.length);
}
