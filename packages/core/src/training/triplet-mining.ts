import { ConfigError } from '../errors';

export type MiningStrategy = 'batch-all' | 'batch-hard' | 'semi-hard';
export const MINING_STRATEGIES: readonly MiningStrategy[] = ['batch-all', 'batch-hard', 'semi-hard'];

export interface MinedTriplets {
  readonly anchors: Int32Array;
  readonly positives: Int32Array;
  readonly negatives: Int32Array;
  /** Triplets with d(A,P) - d(A,N) + margin > 0, i.e. a non-zero loss. */
  readonly active: number;
  /** active / triplets (NaN when no triplet could be formed). */
  readonly activeShare: number;
}

/**
 * Triplet selection inside a batch, from its row-major n x n distance matrix and labels:
 * - batch-all: every valid (a, p, n), a != p same identity, n another identity;
 * - batch-hard (Hermans et al. 2017): per anchor, its farthest positive and nearest negative;
 * - semi-hard (Schroff et al. 2015, as in TensorFlow Addons): per (a, p), the nearest negative
 *   that is still farther than the positive (d(A,N) > d(A,P)); when there is none, the farthest
 *   negative.
 * Anchors without a positive or a negative give no triplet. Ties pick the lowest index.
 */
export function mineTriplets(
  distances: Float32Array | Float64Array,
  labels: Int32Array,
  strategy: MiningStrategy,
  margin: number,
): MinedTriplets {
  const n = labels.length;
  if (distances.length !== n * n) throw new RangeError(`distance matrix has ${distances.length} cells, expected ${n} x ${n}`);
  const a: number[] = [];
  const p: number[] = [];
  const ng: number[] = [];
  let active = 0;
  const push = (i: number, j: number, k: number) => {
    a.push(i);
    p.push(j);
    ng.push(k);
    if (distances[i * n + j] - distances[i * n + k] + margin > 0) active++;
  };
  switch (strategy) {
    case 'batch-all':
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (j === i || labels[j] !== labels[i]) continue;
          for (let k = 0; k < n; k++) if (labels[k] !== labels[i]) push(i, j, k);
        }
      }
      break;
    case 'batch-hard':
      for (let i = 0; i < n; i++) {
        let hp = -1;
        let hn = -1;
        for (let j = 0; j < n; j++) {
          const d = distances[i * n + j];
          if (labels[j] === labels[i]) {
            if (j !== i && (hp < 0 || d > distances[i * n + hp])) hp = j;
          } else if (hn < 0 || d < distances[i * n + hn]) hn = j;
        }
        if (hp >= 0 && hn >= 0) push(i, hp, hn);
      }
      break;
    case 'semi-hard':
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (j === i || labels[j] !== labels[i]) continue;
          const dap = distances[i * n + j];
          let semi = -1;
          let far = -1;
          for (let k = 0; k < n; k++) {
            if (labels[k] === labels[i]) continue;
            const d = distances[i * n + k];
            if (d > dap && (semi < 0 || d < distances[i * n + semi])) semi = k;
            if (far < 0 || d > distances[i * n + far]) far = k;
          }
          if (far >= 0) push(i, j, semi >= 0 ? semi : far);
        }
      }
      break;
    default:
      throw new ConfigError(`unknown mining strategy "${strategy as string}": use one of ${MINING_STRATEGIES.join(', ')}`);
  }
  return {
    anchors: Int32Array.from(a),
    positives: Int32Array.from(p),
    negatives: Int32Array.from(ng),
    active,
    activeShare: a.length === 0 ? Number.NaN : active / a.length,
  };
}
