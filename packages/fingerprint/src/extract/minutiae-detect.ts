import { angleDifference, MINUTIA_BIFURCATION, MINUTIA_ENDING, type MinutiaKind } from '../template/minutiae';
import type { OrientationField } from './orientation';
import { crossingNumber, skeletonNeighbours, traceRidge } from './skeleton-trace';

/** A minutia as found on the skeleton, with the ridge walks the false-minutia filter needs. */
export interface MinutiaCandidate {
  readonly pixel: number;
  readonly x: number;
  readonly y: number;
  readonly kind: MinutiaKind;
  /** Radians, ISO convention (counter-clockwise on screen): into the ridge for an ending, between the branches for a bifurcation. */
  readonly angle: number;
  /** Each branch walked up to the filter's reach: where it stopped and whether on another minutia. */
  readonly branches: ReadonlyArray<{ readonly end: number; readonly length: number; readonly hitMinutia: boolean }>;
}

export interface DetectOptions {
  /** Steps walked along a branch to measure its direction. */
  readonly directionSteps: number;
  /** Steps walked along a branch to find what it connects to. */
  readonly branchReach: number;
}

/**
 * Ridge endings (crossing number 1) and bifurcations (crossing number 3) on the skeleton,
 * inside the mask. The direction is the ridge orientation at the minutia, turned to agree with
 * the walk along its branches (the orientation field is smoother than a few skeleton pixels,
 * the walk says which way round).
 */
export function detectMinutiae(skeleton: Uint8Array, mask: Uint8Array, field: OrientationField, opts: DetectOptions): MinutiaCandidate[] {
  const { width, height, orientation } = field;
  const out: MinutiaCandidate[] = [];
  const visited = new Set<number>();
  const neighbours: number[] = [];
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      if (!skeleton[i] || !mask[i]) continue;
      const cn = crossingNumber(skeleton, width, i);
      if (cn !== 1 && cn !== 3) continue;
      const kind = cn === 1 ? MINUTIA_ENDING : MINUTIA_BIFURCATION;
      const starts = [...skeletonNeighbours(skeleton, width, i, neighbours)];
      if (starts.length !== (cn === 1 ? 1 : 3)) continue; // a clump, not a clean minutia
      const directions: number[] = [];
      const branches: MinutiaCandidate['branches'][number][] = [];
      for (const first of starts) {
        const near = traceRidge(skeleton, width, i, first, opts.directionSteps, visited);
        const ex = near.end % width;
        const ey = (near.end - ex) / width;
        directions.push(Math.atan2(-(ey - y), ex - x));
        branches.push(traceRidge(skeleton, width, i, first, opts.branchReach, visited));
      }
      const walked = kind === MINUTIA_ENDING ? directions[0] : bifurcationDirection(directions);
      out.push({ pixel: i, x, y, kind, angle: alignWithOrientation(orientation[i], walked), branches });
    }
  }
  return out;
}

/** The two branches closest in direction leave the stem together; the minutia points between them. */
function bifurcationDirection(d: readonly number[]): number {
  let stem = 0;
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const a = d[(k + 1) % 3];
    const b = d[(k + 2) % 3];
    const gap = angleBetween(a, b);
    if (gap < best) {
      best = gap;
      stem = k;
    }
  }
  return d[stem] + Math.PI;
}

/** Picks theta or theta + pi, whichever lies nearer the walked direction. */
function alignWithOrientation(theta: number, walked: number): number {
  const a = angleBetween(theta, walked) <= Math.PI / 2 ? theta : theta + Math.PI;
  return ((a % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
}

/** The unsigned angle between two directions, in [0, pi]. */
export function angleBetween(a: number, b: number): number {
  return Math.abs(angleDifference(a, b));
}
