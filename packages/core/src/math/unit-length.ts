/**
 * How far a stored unit vector's length may be from 1: float32 rounding of a few thousand
 * values stays far below it, while a damaged value (one flipped exponent bit) is far above.
 */
const UNIT_LENGTH_TOLERANCE = 1e-3;

/** The Euclidean length of a vector. */
export function euclideanLength(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}

/** Whether a vector of this length is a unit vector, within what storing it as float32 changes. */
export function isUnitLength(length: number): boolean {
  return Math.abs(length - 1) <= UNIT_LENGTH_TOLERANCE;
}
