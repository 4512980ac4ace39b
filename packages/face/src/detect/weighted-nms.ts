/**
 * Candidate detections as flat rows: `[score, x1, y1, x2, y2, k0x, k0y, ...]`, `stride` numbers each.
 */
export interface Candidates {
  readonly rows: Float32Array;
  readonly stride: number;
  readonly count: number;
}

/**
 * Weighted non-maximum suppression (MediaPipe's "weighted" mode): the highest-scoring box
 * absorbs every candidate overlapping it by more than `iouThreshold`, and its box and
 * keypoints become their score-weighted mean. Steadier landmarks than plain greedy NMS.
 * Returns rows in the same layout, best first.
 */
export function weightedNms(candidates: Candidates, iouThreshold: number): Float32Array[] {
  const { rows, stride, count } = candidates;
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => rows[b * stride] - rows[a * stride]);
  const used = new Uint8Array(count);
  const out: Float32Array[] = [];
  for (const i of order) {
    if (used[i]) continue;
    const merged = new Float64Array(stride);
    let weight = 0;
    for (const j of order) {
      if (used[j] || iou(rows, i * stride, j * stride) <= iouThreshold) continue;
      used[j] = 1;
      const w = rows[j * stride];
      weight += w;
      for (let k = 1; k < stride; k++) merged[k] += w * rows[j * stride + k];
    }
    const row = new Float32Array(stride);
    row[0] = rows[i * stride];
    for (let k = 1; k < stride; k++) row[k] = merged[k] / weight;
    out.push(row);
  }
  return out;
}

function iou(rows: Float32Array, a: number, b: number): number {
  const ix = Math.min(rows[a + 3], rows[b + 3]) - Math.max(rows[a + 1], rows[b + 1]);
  const iy = Math.min(rows[a + 4], rows[b + 4]) - Math.max(rows[a + 2], rows[b + 2]);
  if (ix <= 0 || iy <= 0) return a === b ? 1 : 0;
  const inter = ix * iy;
  const areaA = (rows[a + 3] - rows[a + 1]) * (rows[a + 4] - rows[a + 2]);
  const areaB = (rows[b + 3] - rows[b + 1]) * (rows[b + 4] - rows[b + 2]);
  return inter / (areaA + areaB - inter);
}
