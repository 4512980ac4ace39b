import { TemplateFormatError } from '@biofuse/core';

/**
 * Minutiae as parallel typed arrays (one entry per minutia), so the matcher's hot loops read
 * numbers, not objects.
 *
 * Geometry follows ISO/IEC 19794-2: the origin is the image's top-left pixel, x grows to the
 * right and y grows downwards; `angle` is in radians in [0, 2pi), counter-clockwise from the
 * +x axis as seen on screen (so a minutia pointing "up" in the image has angle pi/2).
 */
export interface MinutiaSet {
  readonly count: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly angle: Float32Array;
  /** MINUTIA_ENDING, MINUTIA_BIFURCATION or MINUTIA_OTHER. */
  readonly kind: Uint8Array;
  /** 0-100; 0 means "not reported" (ISO/IEC 19794-2). */
  readonly quality: Uint8Array;
}

export const MINUTIA_OTHER = 0;
export const MINUTIA_ENDING = 1;
export const MINUTIA_BIFURCATION = 2;
export type MinutiaKind = typeof MINUTIA_OTHER | typeof MINUTIA_ENDING | typeof MINUTIA_BIFURCATION;

/** One minutia as an object: for building sets and for tests, not for hot loops. */
export interface Minutia {
  readonly x: number;
  readonly y: number;
  readonly angle: number;
  readonly kind: MinutiaKind;
  readonly quality: number;
}

export function minutiaSet(list: readonly Minutia[]): MinutiaSet {
  const n = list.length;
  list.forEach((m, i) => {
    // Uint8Array wrapped kind 257 to 1 (an ending) and kept 7; Float32Array made 1e40 Infinity and an infinite angle NaN.
    if (!(m.kind === MINUTIA_OTHER || m.kind === MINUTIA_ENDING || m.kind === MINUTIA_BIFURCATION)) {
      throw new TemplateFormatError(`minutia ${i}: kind ${String(m.kind)} is none of MINUTIA_OTHER (0), MINUTIA_ENDING (1), MINUTIA_BIFURCATION (2)`);
    }
    for (const key of ['x', 'y', 'angle'] as const) {
      if (!(typeof m[key] === 'number' && Number.isFinite(Math.fround(m[key])))) throw new TemplateFormatError(`minutia ${i}: ${key} ${String(m[key])} is not a finite number`);
    }
  });
  const set = {
    count: n,
    x: new Float32Array(n),
    y: new Float32Array(n),
    angle: new Float32Array(n),
    kind: new Uint8Array(n),
    quality: new Uint8Array(n),
  };
  list.forEach((m, i) => {
    set.x[i] = m.x;
    set.y[i] = m.y;
    set.angle[i] = normaliseAngle(m.angle);
    set.kind[i] = m.kind;
    set.quality[i] = Math.max(0, Math.min(100, Math.round(m.quality)));
  });
  return set;
}

export function minutiaList(set: MinutiaSet): Minutia[] {
  // The list is as long as the count: one the arrays do not hold lists no minutiae.
  const problem = minutiaCountProblem(set);
  if (problem !== undefined) throw new TemplateFormatError(`cannot list a minutia set with ${problem}`);
  const out: Minutia[] = [];
  for (let i = 0; i < set.count; i++) {
    out.push({ x: set.x[i], y: set.y[i], angle: set.angle[i], kind: set.kind[i] as MinutiaKind, quality: set.quality[i] });
  }
  return out;
}

/**
 * Why the set's arrays do not hold `count` minutiae (a count that is no whole number >= 0, or
 * one beyond an array), in the words after "a minutia set with"; undefined when they do.
 */
export function minutiaCountProblem(m: MinutiaSet): string | undefined {
  const n = m.count;
  if (!(Number.isInteger(n) && n >= 0)) return `a minutia count of ${n}`;
  const short = (['x', 'y', 'angle', 'kind', 'quality'] as const).find((c) => !(m[c].length >= n));
  if (short) return `${n} minutiae but ${m[short].length} values of ${short}`;
  return undefined;
}

const TWO_PI = 2 * Math.PI;

/** Wraps an angle into [0, 2pi). */
export function normaliseAngle(a: number): number {
  const r = a % TWO_PI;
  return r < 0 ? r + TWO_PI : r;
}

/** a - b wrapped into [-pi, pi) (MCC's d_theta). */
export function angleDifference(a: number, b: number): number {
  let d = a - b;
  if (d < -Math.PI) d += TWO_PI;
  else if (d >= Math.PI) d -= TWO_PI;
  // Inputs outside [0, 2pi) may still be out of range after one step.
  if (d < -Math.PI || d >= Math.PI) d = d - TWO_PI * Math.floor((d + Math.PI) / TWO_PI);
  return d;
}
