import { FusionError } from './errors';

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

/** Refuses a row-major matrix of `d` columns holding a value that is not finite, naming its row and column. */
export function checkFiniteRows(x: ArrayLike<number>, d: number, what: string): void {
  for (let q = 0; q < x.length; q++) {
    if (!Number.isFinite(x[q])) throw new FusionError(`${what}: value ${q % d} of row ${Math.floor(q / d)} is ${x[q]}; finite numbers only`);
  }
}
