/**
 * The convex hull of the minutiae, grown by a margin: MCC's validity region (a cell of a
 * cylinder is valid only where the print plausibly has ridges).
 */
export interface GrownHull {
  /** Hull vertices, counter-clockwise (y up); 0, 1 or 2 of them for degenerate sets. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly margin: number;
}

/** Andrew's monotone chain. */
export function grownConvexHull(xs: ArrayLike<number>, ys: ArrayLike<number>, n: number, margin: number): GrownHull {
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => xs[a] - xs[b] || ys[a] - ys[b]);
  const cross = (o: number, a: number, b: number) => (xs[a] - xs[o]) * (ys[b] - ys[o]) - (ys[a] - ys[o]) * (xs[b] - xs[o]);
  const lower: number[] = [];
  for (const i of idx) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], i) <= 0) lower.pop();
    lower.push(i);
  }
  const upper: number[] = [];
  for (let k = idx.length - 1; k >= 0; k--) {
    const i = idx[k];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], i) <= 0) upper.pop();
    upper.push(i);
  }
  lower.pop();
  upper.pop();
  let hull = lower.concat(upper);
  if (hull.length === 0 && n > 0) hull = [idx[0]];
  return { x: Float64Array.from(hull, (i) => xs[i]), y: Float64Array.from(hull, (i) => ys[i]), margin };
}

/** True when (px, py) is inside the hull or within `margin` of it. */
export function insideGrownHull(h: GrownHull, px: number, py: number): boolean {
  const n = h.x.length;
  if (n === 0) return false;
  const m2 = h.margin * h.margin;
  if (n === 1) return (px - h.x[0]) ** 2 + (py - h.y[0]) ** 2 <= m2;
  let inside = n >= 3;
  for (let i = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1;
    const ex = h.x[j] - h.x[i];
    const ey = h.y[j] - h.y[i];
    const wx = px - h.x[i];
    const wy = py - h.y[i];
    if (ex * wy - ey * wx < 0) inside = false; // right of a CCW edge: outside the polygon
    if (segmentDistance2(ex, ey, wx, wy) <= m2) return true;
  }
  return inside;
}

function segmentDistance2(ex: number, ey: number, wx: number, wy: number): number {
  const len2 = ex * ex + ey * ey;
  let t = len2 > 0 ? (wx * ex + wy * ey) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const dx = wx - t * ex;
  const dy = wy - t * ey;
  return dx * dx + dy * dy;
}
