import { MetricsInputError } from '../errors';
import type { ErrorRateCurve } from './error-rate-curve';
import { probit } from './probit';

/** A DET curve: operating points with their normal-deviate (probit) coordinates. */
export interface DetCurve {
  readonly thresholds: Float64Array;
  readonly fmr: Float64Array;
  readonly fnmr: Float64Array;
  /**
   * probit(FMR) and probit(FNMR), with rates of 0 or 1 clamped to half a sample from the edge
   * (0.5 / attempts): what a plot draws, since the inner points of a run that ends at a rate of
   * 0 are gone and its measured extent lies between its ends.
   */
  readonly fmrDeviate: Float64Array;
  readonly fnmrDeviate: Float64Array;
}

export interface DetOptions {
  /** Upper bound on the points kept, a whole number >= 2: the curve's two ends (default 400). */
  maxPoints?: number;
  /** Points closer than this to the simplified curve, in probit units (>= 0), are dropped (default 0.002). */
  tolerance?: number;
}

/**
 * DET points on probit axes, thinned without losing the curve's shape: first the interior
 * points of horizontal and vertical runs go (they add nothing on any monotone axis), then a
 * greedy top-down Douglas-Peucker in probit space keeps the points that deviate most from the
 * simplified curve until the budget or the tolerance is reached.
 */
export function detCurve(curve: ErrorRateCurve, opts: DetOptions = {}): DetCurve {
  const maxPoints = opts.maxPoints ?? 400;
  const tolerance = opts.tolerance ?? 0.002;
  // NaN kept only the two ends (no comparison with NaN holds) and said nothing.
  if (!(Number.isInteger(maxPoints) && maxPoints >= 2)) throw new MetricsInputError(`detCurve: maxPoints must be a whole number >= 2, got ${maxPoints}`);
  if (!(tolerance >= 0)) throw new MetricsInputError(`detCurve: tolerance must be >= 0, got ${tolerance}`);
  const corners = runCorners(curve.fmr, curve.fnmr);

  const fmrFloor = 0.5 / curve.impostorAttempts;
  const fnmrFloor = 0.5 / curve.genuineAttempts;
  const n = corners.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = corners[i];
    x[i] = probit(clamp(curve.fmr[k], fmrFloor));
    y[i] = probit(clamp(curve.fnmr[k], fnmrFloor));
  }
  const keep = simplify(x, y, maxPoints, tolerance);
  const m = keep.length;
  const out = {
    thresholds: new Float64Array(m),
    fmr: new Float64Array(m),
    fnmr: new Float64Array(m),
    fmrDeviate: new Float64Array(m),
    fnmrDeviate: new Float64Array(m),
  };
  for (let i = 0; i < m; i++) {
    const c = keep[i];
    const k = corners[c];
    out.thresholds[i] = curve.thresholds[k];
    out.fmr[i] = curve.fmr[k];
    out.fnmr[i] = curve.fnmr[k];
    out.fmrDeviate[i] = x[c];
    out.fnmrDeviate[i] = y[c];
  }
  return out;
}

function clamp(rate: number, floor: number): number {
  return Math.min(Math.max(rate, floor), 1 - floor);
}

/** Indices of the curve's first and last points and of every point where the step direction changes. */
function runCorners(fmr: Float64Array, fnmr: Float64Array): Int32Array {
  const n = fmr.length;
  const out = new Int32Array(n);
  let m = 0;
  out[m++] = 0;
  for (let k = 1; k + 1 < n; k++) {
    const horizontalIn = fnmr[k] === fnmr[k - 1];
    const horizontalOut = fnmr[k + 1] === fnmr[k];
    const verticalIn = fmr[k] === fmr[k - 1];
    const verticalOut = fmr[k + 1] === fmr[k];
    if ((horizontalIn && horizontalOut) || (verticalIn && verticalOut)) continue;
    out[m++] = k;
  }
  if (n > 1) out[m++] = n - 1;
  return out.subarray(0, m);
}

/** Greedy top-down Douglas-Peucker: split the segment with the largest deviation first. */
function simplify(x: Float64Array, y: Float64Array, maxPoints: number, tolerance: number): Int32Array {
  const n = x.length;
  if (n <= 2) return Int32Array.from({ length: n }, (_, i) => i);
  const kept = new Uint8Array(n);
  kept[0] = 1;
  kept[n - 1] = 1;
  let count = 2;
  const heap = new SegmentHeap();
  heap.push(farthest(x, y, 0, n - 1));
  while (count < maxPoints && heap.size > 0) {
    const s = heap.pop();
    if (s.distance <= tolerance) break;
    kept[s.split] = 1;
    count++;
    if (s.split - s.start > 1) heap.push(farthest(x, y, s.start, s.split));
    if (s.end - s.split > 1) heap.push(farthest(x, y, s.split, s.end));
  }
  const out = new Int32Array(count);
  let m = 0;
  for (let i = 0; i < n; i++) if (kept[i]) out[m++] = i;
  return out;
}

interface Segment {
  start: number;
  end: number;
  split: number;
  distance: number;
}

function farthest(x: Float64Array, y: Float64Array, start: number, end: number): Segment {
  const dx = x[end] - x[start];
  const dy = y[end] - y[start];
  const len = Math.hypot(dx, dy);
  let best = start + 1;
  let bestD = -1;
  for (let i = start + 1; i < end; i++) {
    const d =
      len === 0
        ? Math.hypot(x[i] - x[start], y[i] - y[start])
        : Math.abs(dy * (x[i] - x[start]) - dx * (y[i] - y[start])) / len;
    if (d > bestD) {
      bestD = d;
      best = i;
    }
  }
  return { start, end, split: best, distance: bestD };
}

/** A binary max-heap of segments keyed by distance. */
class SegmentHeap {
  private readonly items: Segment[] = [];
  get size(): number {
    return this.items.length;
  }
  push(s: Segment): void {
    const a = this.items;
    a.push(s);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].distance >= a[i].distance) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): Segment {
    const a = this.items;
    const top = a[0];
    const last = a.pop() as Segment;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l].distance > a[m].distance) m = l;
        if (r < a.length && a[r].distance > a[m].distance) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
