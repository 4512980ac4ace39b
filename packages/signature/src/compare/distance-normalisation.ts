import type { SignatureParams } from '../params';
import type { FrameDistance } from './dtw';

/**
 * The smallest typical distance among a user's references, per time function: aligned frames
 * a hundredth of a standard deviation apart in every (z-normalised) function. Under it, the
 * references are near-copies of each other, not a writer's variability, and dividing by it
 * would blow any genuine probe's distance up (identical references under 'z-score' scaled by
 * 1e-9 and scored a genuine probe -580806). Two genuine SVC2004 signatures are never that
 * close: over S1-S10 of all 40 users, the nearest pair is 0.084 per function with the
 * defaults and 0.024 with x and y alone, so the floor never binds on them.
 */
export const MIN_DISTANCE_PER_FUNCTION = 0.01;

/**
 * 'mean-nearest' never falls below this share of the mean pairwise distance. Over every
 * choice of 5 references from S1-S10 of SVC2004's 40 users it is at least 0.70 of it with the
 * defaults (0.58 with x and y alone); far less means some references nearly copy each other
 * and are each other's nearest, which shrinks the scale as an exact copy did (refused by
 * enrolUser) and rejects genuine probes.
 */
export const MIN_NEAREST_SHARE_OF_MEAN = 0.5;

/** 'z-score' spreads below this share of the mean pairwise distance are raised to it: five signatures give ten distances, and one lucky set would explode the scores. */
export const MIN_SPREAD_SHARE_OF_MEAN = 0.1;

/**
 * MIN_DISTANCE_PER_FUNCTION in the units DTW returns for templates of `dims` time functions:
 * a frame's cost sums the functions' differences (city-block) or adds them in quadrature
 * (Euclidean).
 */
export function distanceFloor(dims: number, frameDistance: FrameDistance): number {
  return MIN_DISTANCE_PER_FUNCTION * (frameDistance === 'manhattan' ? dims : Math.sqrt(dims));
}

/**
 * Centre and scale of a user's DTW distances from those among the references (`d`, r x r,
 * finite, between templates of `dims` time functions): see SignatureParams.localNormalisation.
 * Every scale is floored (distanceFloor and the shares above), so it is positive and finite
 * whatever the references; a single reference gives centre 0 and scale 1.
 */
export function distanceNormalisation(
  d: Float64Array,
  r: number,
  dims: number,
  params: Pick<SignatureParams, 'frameDistance' | 'localNormalisation'>,
): { localCentre: number; localScale: number } {
  if (r < 2) return { localCentre: 0, localScale: 1 };
  const pairwise: number[] = [];
  for (let i = 0; i < r; i++) for (let j = i + 1; j < r; j++) pairwise.push(d[i * r + j]);
  const mean = pairwise.reduce((a, b) => a + b, 0) / pairwise.length;
  const typical = Math.max(mean, distanceFloor(dims, params.frameDistance));
  if (params.localNormalisation === 'mean-nearest') {
    let s = 0;
    for (let i = 0; i < r; i++) {
      let nearest = Number.POSITIVE_INFINITY;
      for (let j = 0; j < r; j++) if (j !== i) nearest = Math.min(nearest, d[i * r + j]);
      s += nearest / r;
    }
    return { localCentre: 0, localScale: Math.max(s, MIN_NEAREST_SHARE_OF_MEAN * typical) };
  }
  if (params.localNormalisation === 'z-score') {
    const sd = Math.sqrt(pairwise.reduce((a, b) => a + (b - mean) ** 2, 0) / pairwise.length);
    return { localCentre: mean, localScale: Math.max(sd, MIN_SPREAD_SHARE_OF_MEAN * typical) };
  }
  return { localCentre: 0, localScale: typical };
}
