import { SignatureAcquisitionError } from './errors';

/** The longest trajectory taken, in samples. */
export const MAX_SAMPLES = 20_000;

/**
 * The fewest pen-down samples a signature may have: 0.2 s of ink at SVC2004's 100 Hz, under a
 * third of the least ink among SVC2004's 1,600 files (74 samples, U1S6.TXT). With pen-up samples
 * kept, U1S1 relabelled pen-up on all but 2 of its 84 samples compared at DTW distance 0 with U1S1.
 */
export const MIN_PEN_DOWN_SAMPLES = 20;

/** How many samples have the pen down. */
export function penDownCount(p: Pick<PenTrajectory, 'penDown'>): number {
  let down = 0;
  for (const v of p.penDown) down += v ? 1 : 0;
  return down;
}

/**
 * An online signature as the tablet recorded it: one entry per sample, in time order.
 * Units are the device's (SVC2004: tablet units, ms, pressure 0-1023, angles in degrees).
 */
export interface PenTrajectory {
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Milliseconds; non-decreasing (small clock glitches are repaired on reading, see `warnings`). */
  readonly t: Float64Array;
  /** 1 while the pen touches the surface, 0 while it hovers (pen-up). */
  readonly penDown: Uint8Array;
  readonly pressure: Float64Array;
  /** NaN where the device does not report angles (then on every sample). */
  readonly azimuth: Float64Array;
  readonly altitude: Float64Array;
  /** What the reader repaired, with the line (JSON: the point) it found it on. */
  readonly warnings: readonly string[];
}

/**
 * The rule for pen angles, which the JSON reader (naming the point) and checkUsableTrajectory
 * (for trajectories built in code) both apply: given on every sample or on none, since a time
 * function is z-normalised over the whole signature and one missing angle zeroed the whole
 * function, silently. Returns the first sample (from 0) whose azimuth or altitude is given where
 * sample 0's is not, or the reverse; undefined when the rule holds.
 */
export function penAngleMismatch(p: Pick<PenTrajectory, 'azimuth' | 'altitude'>): { sample: number; angle: 'azimuth' | 'altitude'; firstGives: boolean } | undefined {
  const { azimuth, altitude } = p;
  const azimuthGiven = !Number.isNaN(azimuth[0]);
  const altitudeGiven = !Number.isNaN(altitude[0]);
  for (let k = 1; k < azimuth.length; k++) {
    if (Number.isNaN(azimuth[k]) === azimuthGiven) return { sample: k, angle: 'azimuth', firstGives: azimuthGiven };
    if (Number.isNaN(altitude[k]) === altitudeGiven) return { sample: k, angle: 'altitude', firstGives: altitudeGiven };
  }
  return undefined;
}

/**
 * Throws SignatureAcquisitionError unless the trajectory can become a template: columns of
 * one length, finite positions, times and pressures, angles finite or NaN (not reported, then on
 * every sample), times that never go back, at least MIN_PEN_DOWN_SAMPLES samples with the pen
 * down, and a pen that moves while down. The readers guarantee the values; a trajectory built in
 * code (a signature pad's points, a synthesiser) meets this check at extraction instead, since
 * without pen-down samples every global feature would be 0 / 0.
 */
export function checkUsableTrajectory(p: PenTrajectory, source = 'the signature'): PenTrajectory {
  const n = p.x.length;
  if (n === 0) throw new SignatureAcquisitionError('empty', `${source}: no points`);
  // DTW costs grow with the square of the length: 100,000 samples took a minute a comparison.
  if (n > MAX_SAMPLES) throw new SignatureAcquisitionError('too_long', `${source}: ${n} samples; a signature has at most ${MAX_SAMPLES} (${MAX_SAMPLES / 100} s at 100 Hz)`);
  for (const [name, column] of [['y', p.y], ['t', p.t], ['penDown', p.penDown], ['pressure', p.pressure], ['azimuth', p.azimuth], ['altitude', p.altitude]] as const) {
    if (column.length !== n) throw new SignatureAcquisitionError('invalid_sample', `${source}: ${n} x values but ${column.length} ${name} values`);
  }
  for (let k = 0; k < n; k++) {
    if (!(Number.isFinite(p.x[k]) && Number.isFinite(p.y[k]) && Number.isFinite(p.t[k]) && Number.isFinite(p.pressure[k]))) {
      throw new SignatureAcquisitionError('invalid_sample', `${source}: sample ${k + 1} has a position, time or pressure that is not a finite number`);
    }
    if (p.pressure[k] < 0) throw new SignatureAcquisitionError('invalid_sample', `${source}: sample ${k + 1} has a negative pressure`);
    // NaN angles mean "not reported"; an infinite one would zero the whole angle time function.
    if (Math.abs(p.azimuth[k]) === Number.POSITIVE_INFINITY || Math.abs(p.altitude[k]) === Number.POSITIVE_INFINITY) {
      throw new SignatureAcquisitionError('invalid_sample', `${source}: sample ${k + 1} has an infinite pen angle`);
    }
    if (k > 0 && p.t[k] < p.t[k - 1]) throw new SignatureAcquisitionError('invalid_sample', `${source}: sample ${k + 1} is earlier than the one before it`);
  }
  const gap = penAngleMismatch(p);
  if (gap) {
    const [missing, given] = gap.firstGives ? [gap.sample, 0] : [0, gap.sample];
    throw new SignatureAcquisitionError('invalid_sample', `${source}: sample ${missing + 1} has no ${gap.angle} but sample ${given + 1} has one; pen angles are given for every sample or for none`);
  }
  const down = penDownCount(p);
  if (down < MIN_PEN_DOWN_SAMPLES) {
    throw new SignatureAcquisitionError('too_short', `${source}: ${down} pen-down point(s); at least ${MIN_PEN_DOWN_SAMPLES} are needed to verify a signature`);
  }
  if (p.t[n - 1] === p.t[0]) throw new SignatureAcquisitionError('invalid_sample', `${source}: every sample has the same time stamp; the pen's speed cannot be measured`);
  if (!inkMoves(p)) throw new SignatureAcquisitionError('no_movement', `${source}: the pen never moves while it is down`);
  return p;
}

/** Whether the pen-down samples cover more than one position: ink on one spot, with the pen moving only in the air, has no shape to verify. */
function inkMoves(p: PenTrajectory): boolean {
  let first = -1;
  for (let k = 0; k < p.x.length; k++) {
    if (!p.penDown[k]) continue;
    if (first < 0) first = k;
    else if (p.x[k] !== p.x[first] || p.y[k] !== p.y[first]) return true;
  }
  return false;
}
