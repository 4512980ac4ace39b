import { meanVariance } from '@biofuse/core';
import type { PenTrajectory } from '../pen-trajectory';

/**
 * The time functions of online signature verification (Fierrez, Ortega-Garcia, Ramos &
 * Gonzalez-Rodriguez 2007): position, pressure, path-tangent angle, velocity, log radius of
 * curvature, total acceleration, and the first derivative of each, every one z-normalised
 * within the signature so that size, position and pressure level drop out. Also the pen's
 * azimuth and altitude and their derivatives where the tablet reports them (all zeros where
 * not), and the cosine and sine of the path-tangent angle (its direction without the unwrapped
 * angle's drift). (Scaling the velocities by the signature's size instead, to keep a slow
 * forger's speed, did worse on SVC2004 users 1-20: speed is left to the global features.)
 */
export const TIME_FUNCTIONS = [
  'x', 'y', 'pressure', 'angle', 'velocity', 'logCurvatureRadius', 'acceleration',
  'dx', 'dy', 'dPressure', 'dAngle', 'dVelocity', 'dLogCurvatureRadius', 'dAcceleration',
  'azimuth', 'altitude', 'dAzimuth', 'dAltitude', 'cosAngle', 'sinAngle',
] as const;
export type TimeFunction = (typeof TIME_FUNCTIONS)[number];

export interface TimeFunctionOptions {
  readonly functions?: readonly TimeFunction[];
  /** Keep hovering (pen-up) samples; without it only pen-down samples are used. */
  readonly keepPenUp?: boolean;
}

/** The default set: the first round's (chosen on SVC2004 users 1-20) plus azimuth, which the feature search added on either half of the users (bench/svc2004-features.bench.ts). */
export const DEFAULT_TIME_FUNCTIONS: readonly TimeFunction[] = Object.freeze(['x', 'y', 'dx', 'dy', 'pressure', 'dPressure', 'dAngle', 'logCurvatureRadius', 'azimuth'] as const);

/** Row-major n x F matrix of z-normalised time functions. */
export interface TimeFunctionMatrix {
  readonly length: number;
  readonly dims: number;
  readonly values: Float32Array;
}

export function timeFunctions(p: PenTrajectory, opts: TimeFunctionOptions = {}): TimeFunctionMatrix {
  const names = opts.functions ?? DEFAULT_TIME_FUNCTIONS;
  const keep: number[] = [];
  for (let k = 0; k < p.x.length; k++) if (opts.keepPenUp || p.penDown[k]) keep.push(k);
  const n = keep.length;
  const pick = (a: Float64Array) => Float64Array.from(keep, (k) => a[k]);
  const x = pick(p.x);
  const y = pick(p.y);
  const pr = pick(p.pressure);
  const azimuth = pick(p.azimuth);
  const altitude = pick(p.altitude);
  const dx = derivative(x);
  const dy = derivative(y);
  const angle = unwrap(Float64Array.from(dx, (v, k) => Math.atan2(dy[k], v)));
  const velocity = Float64Array.from(dx, (v, k) => Math.hypot(v, dy[k]));
  const dAngle = derivative(angle);
  // Floors relative to the signature's own mean speed keep the feature free of its size.
  let meanSpeed = 0;
  for (const v of velocity) meanSpeed += v / Math.max(n, 1);
  const speedFloor = 1e-3 * meanSpeed + 1e-12;
  const logCurvatureRadius = Float64Array.from(velocity, (v, k) => Math.log((v + speedFloor) / (Math.abs(dAngle[k]) + 1e-3)));
  const dVelocity = derivative(velocity);
  const acceleration = Float64Array.from(dVelocity, (a, k) => Math.hypot(a, velocity[k] * dAngle[k]));
  const all: Record<TimeFunction, () => Float64Array> = {
    x: () => x,
    y: () => y,
    pressure: () => pr,
    angle: () => angle,
    velocity: () => velocity,
    logCurvatureRadius: () => logCurvatureRadius,
    acceleration: () => acceleration,
    dx: () => dx,
    dy: () => dy,
    dPressure: () => derivative(pr),
    dAngle: () => dAngle,
    dVelocity: () => dVelocity,
    dLogCurvatureRadius: () => derivative(logCurvatureRadius),
    dAcceleration: () => derivative(acceleration),
    azimuth: () => azimuth,
    altitude: () => altitude,
    dAzimuth: () => derivative(azimuth),
    dAltitude: () => derivative(altitude),
    cosAngle: () => Float64Array.from(angle, Math.cos),
    sinAngle: () => Float64Array.from(angle, Math.sin),
  };
  const f = names.length;
  const values = new Float32Array(n * f);
  names.forEach((name, j) => {
    const col = zNormalise(all[name]());
    for (let k = 0; k < n; k++) values[k * f + j] = col[k];
  });
  return { length: n, dims: f, values };
}

/** Second-order regression derivative over +-2 samples, edges held. */
export function derivative(f: Float64Array): Float64Array {
  const n = f.length;
  const out = new Float64Array(n);
  const at = (k: number) => f[Math.min(Math.max(k, 0), n - 1)];
  for (let k = 0; k < n; k++) out[k] = (at(k + 1) - at(k - 1) + 2 * (at(k + 2) - at(k - 2))) / 10;
  return out;
}

function unwrap(a: Float64Array): Float64Array {
  const out = a.slice();
  for (let k = 1; k < out.length; k++) {
    let d = out[k] - out[k - 1];
    while (d > Math.PI) {
      out[k] -= 2 * Math.PI;
      d -= 2 * Math.PI;
    }
    while (d < -Math.PI) {
      out[k] += 2 * Math.PI;
      d += 2 * Math.PI;
    }
  }
  return out;
}

function zNormalise(a: Float64Array): Float64Array {
  const { mean, variance } = meanVariance(a);
  const sd = Math.sqrt(variance);
  // A constant function (a tablet without pressure) or a missing one (NaN angles) carries no information: all zeros.
  return Float64Array.from(a, (v) => (sd > 1e-12 && Number.isFinite(v - mean) ? (v - mean) / sd : 0));
}
