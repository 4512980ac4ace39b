/**
 * The kinematic theory's sigma-lognormal model of handwriting (Plamondon): a movement is a sum
 * of strokes, each with a lognormal speed profile and a direction that turns from a start to
 * an end angle as the stroke unfolds. A signature is such a sum, sampled like a tablet.
 */
import { erf } from '@biofuse/core';

export interface LognormalStroke {
  /** Amplitude (path length of the stroke, tablet units). */
  readonly D: number;
  /** Onset (s). */
  readonly t0: number;
  /** Log-time delay and response time of the neuromuscular system. */
  readonly mu: number;
  readonly sigma: number;
  /** Start and end direction (rad). */
  readonly thetaStart: number;
  readonly thetaEnd: number;
}

/** Velocity of the sum of strokes at time t (s), in units per second. */
export function strokeVelocity(strokes: readonly LognormalStroke[], t: number): { vx: number; vy: number } {
  let vx = 0;
  let vy = 0;
  for (const s of strokes) {
    const dt = t - s.t0;
    if (dt <= 0) continue;
    const z = (Math.log(dt) - s.mu) / s.sigma;
    const speed = (s.D / (s.sigma * Math.sqrt(2 * Math.PI) * dt)) * Math.exp(-0.5 * z * z);
    const angle = s.thetaStart + ((s.thetaEnd - s.thetaStart) / 2) * (1 + erf(z / Math.SQRT2));
    vx += speed * Math.cos(angle);
    vy += speed * Math.sin(angle);
  }
  return { vx, vy };
}

/** When the last stroke has all but finished (its lognormal beyond 3 sigma). */
export function movementEnd(strokes: readonly LognormalStroke[]): number {
  let end = 0;
  for (const s of strokes) end = Math.max(end, s.t0 + Math.exp(s.mu + 3 * s.sigma));
  return end;
}

