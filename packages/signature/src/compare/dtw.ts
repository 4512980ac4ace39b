import { ConfigError, describeNumber, TemplateFormatError } from '@biofuse/core';
import type { TimeFunctionMatrix } from '../features/time-functions';

/** How two frames (rows of time functions) differ: Euclidean (L2) or city-block (L1) distance. */
export type FrameDistance = 'euclidean' | 'manhattan';
export const FRAME_DISTANCES: readonly FrameDistance[] = ['euclidean', 'manhattan'];

export interface DtwOptions {
  /** Sakoe-Chiba band half-width as a share of the longer sequence (default 0.15); never narrower than the length difference. */
  readonly band?: number;
  /** Stop and return Infinity once the normalised distance is sure to exceed this. */
  readonly abandonAbove?: number;
  /** Cost of aligning two frames (default 'euclidean'). */
  readonly frameDistance?: FrameDistance;
}

/**
 * Multivariate dynamic time warping with a Sakoe-Chiba band: the cost of a cell is the
 * Euclidean or city-block distance between the two frames, the path may step right, down or
 * diagonally, and the total is divided by n + m so signatures of different lengths compare
 * fairly; dtwDistance(a, b) equals dtwDistance(b, a) exactly. Two rolling rows of the cost matrix, touched only inside the band; no allocation
 * per cell.
 */
export function dtwDistance(a: TimeFunctionMatrix, b: TimeFunctionMatrix, opts: DtwOptions = {}): number {
  checkDtwOptions(opts);
  for (const s of [a, b]) {
    // A matrix built by hand whose values do not fill its frames read past them: NaN, silently.
    if (!(Number.isInteger(s.dims) && s.dims >= 1 && Number.isInteger(s.length) && s.values.length === s.length * s.dims)) {
      throw new TemplateFormatError(`a time-function matrix of ${s.length} frames of ${s.dims} functions cannot hold ${s.values.length} values`);
    }
  }
  // The band's rounding depends on which sequence runs down the rows: the shorter one always
  // does, so that the distance is symmetric (equal lengths give a symmetric band already).
  if (a.length > b.length) [a, b] = [b, a];
  const n = a.length;
  const m = b.length;
  const f = a.dims;
  // Templates made with different time functions: a caller's mix-up, reported as a template error, not a crash.
  if (b.dims !== f) throw new TemplateFormatError(`signature templates of ${a.dims} and ${b.dims} time functions cannot be compared (made with different parameters?)`);
  // Infinity is what an abandoned alignment returns: a template without frames would pass for one (identifySigner dropped every user) or score -Infinity.
  if (n === 0) throw new TemplateFormatError('a signature template with no frames cannot be compared (nothing to align)');
  const r = Math.max(Math.ceil((opts.band ?? 0.15) * Math.max(n, m)), Math.abs(n - m));
  const cutoff = opts.abandonAbove ?? Number.POSITIVE_INFINITY;
  const length = n + m;
  const manhattan = opts.frameDistance === 'manhattan';
  let prev = new Float64Array(m + 1).fill(Number.POSITIVE_INFINITY);
  let curr = new Float64Array(m + 1).fill(Number.POSITIVE_INFINITY);
  prev[0] = 0;
  const av = a.values;
  const bv = b.values;
  for (let i = 1; i <= n; i++) {
    // The band follows the diagonal of the n x m matrix.
    const centre = Math.round((i * m) / n);
    const lo = Math.max(1, centre - r);
    const hi = Math.min(m, centre + r);
    // Cells outside the band stay infinite: those right of it were never written (the band
    // only moves right), and the one left of it is reset here instead of clearing the row.
    curr[lo - 1] = Number.POSITIVE_INFINITY;
    let rowMin = Number.POSITIVE_INFINITY;
    const ai = (i - 1) * f;
    for (let j = lo; j <= hi; j++) {
      const bj = (j - 1) * f;
      let s = 0;
      if (manhattan) {
        for (let k = 0; k < f; k++) s += Math.abs(av[ai + k] - bv[bj + k]);
      } else {
        for (let k = 0; k < f; k++) {
          const d = av[ai + k] - bv[bj + k];
          s += d * d;
        }
        s = Math.sqrt(s);
      }
      const best = Math.min(prev[j - 1], prev[j], curr[j - 1]);
      const v = best + s;
      curr[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // Compared as the distance is returned (divided, not the cutoff multiplied): a distance equal
    // to the cutoff came out as abandoned when the product rounded one ulp below the path's cost.
    if (rowMin / length > cutoff) return Number.POSITIVE_INFINITY;
    const t = prev;
    prev = curr;
    curr = t;
  }
  return prev[m] / (n + m);
}

/**
 * Throws ConfigError for options DTW cannot honour: a band of NaN left every cell outside it
 * and returned Infinity (what an abandoned alignment returns) for any two signatures, a
 * negative band was taken as 0, an unknown frame distance ('L1', 'cityblock') silently ran as
 * Euclidean, and a NaN cutoff never abandoned.
 */
function checkDtwOptions(opts: DtwOptions): void {
  const { band, abandonAbove, frameDistance } = opts;
  if (band !== undefined && !(typeof band === 'number' && band >= 0)) throw new ConfigError(`DTW band must be a number >= 0 (a share of the longer signature), got ${describeNumber(band)}`);
  if (abandonAbove !== undefined && !(typeof abandonAbove === 'number' && !Number.isNaN(abandonAbove))) throw new ConfigError(`DTW abandonAbove must be a number, got ${describeNumber(abandonAbove)}`);
  if (frameDistance !== undefined && !FRAME_DISTANCES.includes(frameDistance)) throw new ConfigError(`DTW frameDistance must be ${FRAME_DISTANCES.join(' or ')}, got ${describeNumber(frameDistance)}`);
}
