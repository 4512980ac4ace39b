/**
 * The kinematic theory's sigma-lognormal model of handwriting (Plamondon): a movement is a sum
 * of strokes, each with a lognormal speed profile and a direction that turns from a start to
 * an end angle as the stroke unfolds. A signature is such a sum, sampled like a tablet.
 */
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

/** The error function (Abramowitz & Stegun 7.1.26, absolute error below 1.5e-7). */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return sign * y;
}
