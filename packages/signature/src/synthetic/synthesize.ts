import { checkSeed, ConfigError, seededRandom, type Random } from '@biofuse/core';
import type { PenTrajectory } from '../pen-trajectory';
import { movementEnd, strokeVelocity, type LognormalStroke } from './sigma-lognormal';

/**
 * A seeded generator of online signatures from the sigma-lognormal model. Each synthetic user
 * has a master plan of strokes grouped into pen-down components; a genuine signature replays
 * the plan with the small variability of a practised movement, and a skilled forgery copies
 * the shape with the hesitation of an unpractised one: slower, with longer and less regular
 * strokes. Output follows SVC2004 (100 Hz, tablet units, pressure 0-1023).
 */
export interface SignatureSynthesisOptions {
  /** A whole number in [0, MAX_SEED] (isSeed). */
  readonly seed: number;
  readonly users: number;
  /** Genuine signatures per user (SVC2004: 20). */
  readonly genuine?: number;
  /** Skilled forgeries per user (SVC2004: 20). */
  readonly forgeries?: number;
}

interface UserPlan {
  readonly components: readonly (readonly LognormalStroke[])[];
  readonly pressure: number;
  readonly origin: readonly [number, number];
}

const SAMPLE_PERIOD_S = 0.01;
/** Time the pen spends in the air between two components (s). */
const PEN_UP_S = 0.12;

/** Files named as SVC2004 (`U<u>S<s>.TXT`): S1..S<genuine> genuine, then the forgeries. */
export function synthesizeSignatures(opts: SignatureSynthesisOptions): Map<string, PenTrajectory> {
  const genuine = opts.genuine ?? 20;
  const forgeries = opts.forgeries ?? 20;
  // NaN, undefined and Infinity all hashed to seed 0 below, and users of one stream came out identical.
  checkSeed(opts.seed, 'the synthesis seed');
  if (!Number.isInteger(opts.users) || opts.users < 1) throw new ConfigError('synthetic signatures need at least one user');
  if (!Number.isInteger(genuine) || genuine < 1) throw new ConfigError(`synthetic signatures need a whole number of genuine signatures per user, at least 1 (got ${genuine})`);
  if (!Number.isInteger(forgeries) || forgeries < 0) throw new ConfigError(`synthetic forgeries per user must be a whole number >= 0 (got ${forgeries})`);
  const out = new Map<string, PenTrajectory>();
  for (let u = 1; u <= opts.users; u++) {
    // One stream per user, so adding users never changes the existing ones.
    const rng = seededRandom((opts.seed * 1_000_003 + u * 7919) >>> 0);
    const plan = userPlan(rng);
    for (let s = 1; s <= genuine; s++) out.set(`U${u}S${s}.TXT`, render(vary(plan, rng, GENUINE), rng));
    for (let s = 1; s <= forgeries; s++) out.set(`U${u}S${genuine + s}.TXT`, render(vary(plan, rng, FORGERY), rng));
  }
  return out;
}

/** How far a rendition strays from the plan. */
interface Variability {
  readonly amplitude: number;
  readonly angle: number;
  readonly timing: number;
  readonly slowdown: readonly [number, number];
  readonly mu: number;
  readonly sigma: number;
  readonly pressure: number;
}

const GENUINE: Variability = { amplitude: 0.08, angle: 0.1, timing: 0.08, slowdown: [0.9, 1.15], mu: 0.06, sigma: 0.08, pressure: 0.1 };
const FORGERY: Variability = { amplitude: 0.12, angle: 0.16, timing: 0.16, slowdown: [1.15, 1.6], mu: 0.14, sigma: 0.15, pressure: 0.18 };

function userPlan(rng: Random): UserPlan {
  const components = 1 + rng.int(3);
  const plan: LognormalStroke[][] = [];
  for (let c = 0; c < components; c++) {
    const strokes: LognormalStroke[] = [];
    const n = 4 + rng.int(6);
    let t0 = 0;
    let theta = rng.next() * 2 * Math.PI;
    for (let k = 0; k < n; k++) {
      const turn = (rng.next() < 0.5 ? -1 : 1) * (0.4 + 2.2 * rng.next());
      strokes.push({
        D: 250 + 650 * rng.next(),
        t0,
        mu: -1.7 + 0.4 * rng.next(),
        sigma: 0.2 + 0.15 * rng.next(),
        thetaStart: theta,
        thetaEnd: theta + turn,
      });
      theta += turn + 0.3 * (rng.next() - 0.5);
      t0 += 0.08 + 0.12 * rng.next();
    }
    plan.push(strokes);
  }
  return { components: plan, pressure: 350 + 400 * rng.next(), origin: [2000 + 2000 * rng.next(), 3000 + 2000 * rng.next()] };
}

function vary(plan: UserPlan, rng: Random, v: Variability): UserPlan {
  const slow = v.slowdown[0] + (v.slowdown[1] - v.slowdown[0]) * rng.next();
  const jitter = (scale: number) => scale * rng.normal();
  return {
    pressure: plan.pressure * (1 + jitter(v.pressure)),
    origin: [plan.origin[0] + jitter(80), plan.origin[1] + jitter(80)],
    components: plan.components.map((strokes) =>
      strokes.map((s) => ({
        D: s.D * (1 + jitter(v.amplitude)),
        t0: s.t0 * slow * (1 + jitter(v.timing)),
        mu: s.mu + Math.log(slow) + jitter(v.mu),
        sigma: s.sigma * (1 + jitter(v.sigma)),
        thetaStart: s.thetaStart + jitter(v.angle),
        thetaEnd: s.thetaEnd + jitter(v.angle),
      })),
    ),
  };
}

/** Integrates the velocity at 100 Hz, component after component, with pen-up gaps between. */
function render(plan: UserPlan, rng: Random): PenTrajectory {
  const x: number[] = [];
  const y: number[] = [];
  const t: number[] = [];
  const penDown: number[] = [];
  const pressure: number[] = [];
  let px = plan.origin[0];
  let py = plan.origin[1];
  let clock = 0;
  plan.components.forEach((strokes, c) => {
    if (c > 0) {
      // Lift, move right over the gap, and come down again.
      const steps = Math.round(PEN_UP_S / SAMPLE_PERIOD_S);
      const dx = (300 + 200 * rng.next()) / steps;
      for (let k = 0; k < steps; k++) {
        px += dx;
        push(px, py, 0, 0);
      }
    }
    const end = movementEnd(strokes);
    const n = Math.max(2, Math.ceil(end / SAMPLE_PERIOD_S));
    for (let k = 0; k < n; k++) {
      const { vx, vy } = strokeVelocity(strokes, k * SAMPLE_PERIOD_S);
      px += vx * SAMPLE_PERIOD_S;
      py += vy * SAMPLE_PERIOD_S;
      const speed = Math.hypot(vx, vy);
      // Pressure eases in and out of a component and dips slightly when the pen moves fast.
      const envelope = Math.min(1, (k + 1) / 5, (n - k) / 5);
      const p = plan.pressure * envelope * (1 - 0.15 * Math.tanh(speed / 3000)) + 15 * rng.normal();
      push(px, py, 1, Math.min(1023, Math.max(1, p)));
    }
  });
  function push(xx: number, yy: number, down: number, p: number): void {
    x.push(Math.round(xx));
    y.push(Math.round(yy));
    t.push(Math.round(clock * 1000));
    penDown.push(down);
    pressure.push(Math.round(p));
    clock += SAMPLE_PERIOD_S;
  }
  const n = x.length;
  return {
    x: Float64Array.from(x),
    y: Float64Array.from(y),
    t: Float64Array.from(t),
    penDown: Uint8Array.from(penDown),
    pressure: Float64Array.from(pressure),
    azimuth: new Float64Array(n).fill(Number.NaN),
    altitude: new Float64Array(n).fill(Number.NaN),
    warnings: [],
  };
}
