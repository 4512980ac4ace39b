/** Offsets of the 8 neighbours, clockwise from north, matching thinning's neighbour bits. */
const DX = [0, 1, 1, 1, 0, -1, -1, -1];
const DY = [-1, -1, 0, 1, 1, 1, 0, -1];

/** Neighbouring skeleton pixels of pixel i (the frame is always background after thinning). */
export function skeletonNeighbours(skeleton: Uint8Array, width: number, i: number, out: number[]): number[] {
  out.length = 0;
  for (let k = 0; k < 8; k++) {
    const j = i + DY[k] * width + DX[k];
    if (skeleton[j]) out.push(j);
  }
  return out;
}

/** Crossing number: half the number of 0/1 changes round the 8-neighbourhood (1 = ending, 3 = bifurcation). */
export function crossingNumber(skeleton: Uint8Array, width: number, i: number): number {
  let changes = 0;
  let prev = skeleton[i + DY[7] * width + DX[7]];
  for (let k = 0; k < 8; k++) {
    const v = skeleton[i + DY[k] * width + DX[k]];
    if (v !== prev) changes++;
    prev = v;
  }
  return changes / 2;
}

export interface TraceResult {
  /** Pixel where the walk stopped. */
  readonly end: number;
  /** Steps walked. */
  readonly length: number;
  /** True when the walk stopped on a minutia pixel (crossing number other than 2) rather than at the length limit. */
  readonly hitMinutia: boolean;
}

/**
 * Walks along a skeleton ridge from `start` through its neighbour `first`, one pixel at a time,
 * until a minutia pixel (crossing number other than 2) or `maxLength` steps.
 */
export function traceRidge(skeleton: Uint8Array, width: number, start: number, first: number, maxLength: number, visited: Set<number>): TraceResult {
  visited.clear();
  visited.add(start);
  const neighbours: number[] = [];
  // The start's other branches are off limits, or the walk would hop across to them.
  for (const j of skeletonNeighbours(skeleton, width, start, neighbours)) if (j !== first) visited.add(j);
  let current = first;
  let length = 1;
  while (length < maxLength) {
    visited.add(current);
    if (crossingNumber(skeleton, width, current) !== 2) return { end: current, length, hitMinutia: true };
    skeletonNeighbours(skeleton, width, current, neighbours);
    let next = -1;
    for (const j of neighbours) {
      if (visited.has(j)) continue;
      // Prefer the 4-connected step so a staircase is not cut short.
      const d = Math.abs(j - current);
      if (d === 1 || d === width) {
        next = j;
        break;
      }
      if (next < 0) next = j;
    }
    if (next < 0) return { end: current, length, hitMinutia: true };
    current = next;
    length++;
  }
  return { end: current, length, hitMinutia: false };
}
