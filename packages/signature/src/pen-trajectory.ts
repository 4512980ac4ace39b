import { SignatureAcquisitionError } from './errors';

/** The longest trajectory taken, in samples. */
export const MAX_SAMPLES = 20_000;

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
 * every sample), times that never go back, and at least
 * two samples with the pen down. The readers guarantee the values; a trajectory built in code
 * (a signature pad's points, a synthesiser) meets this check at extraction instead, since
 * without pen-down samples every global feature would be 0 / 0.
 */
export function checkUsableTrajectory(p: PenTrajectory, source = 'the signature'): PenTrajectory {
  const n = p.x.length;
  if (n === 0) throw new SignatureAcquisitionError('empty', `${source}: the signature has no points`);
  // DTW costs grow with the square of the length: 100,000 samples took a minute a comparison.
  if (n > MAX_SAMPLES) throw new SignatureAcquisitionError('too_long', `${source}: ${n} samples; a signature has at most ${MAX_SAMPLES} (${MAX_SAMPLES / 100} s at 100 Hz)`);
  for (const [name, column] of [['y', p.y], ['t', p.t], ['penDown', p.penDown], ['pressure', p.pressure], ['azimuth', p.azimuth], ['altitude', p.altitude]] as const) {
    if (column.length !== n) throw new SignatureAcquisitionError('invalid_sample', `${source}: ${n} x values but ${column.length} ${name} values`);
  }
  let down = 0;
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
    down += p.penDown[k] ? 1 : 0;
  }
  const gap = penAngleMismatch(p);
  if (gap) {
    const [missing, given] = gap.firstGives ? [gap.sample, 0] : [0, gap.sample];
    throw new SignatureAcquisitionError('invalid_sample', `${source}: sample ${missing + 1} has no ${gap.angle} but sample ${given + 1} has one; pen angles are given for every sample or for none`);
  }
  if (down < 2) throw new SignatureAcquisitionError('too_short', `${source}: the signature has ${down} pen-down point(s); at least 2 are needed`);
  if (p.t[n - 1] === p.t[0]) throw new SignatureAcquisitionError('invalid_sample', `${source}: every sample has the same time stamp; the pen's speed cannot be measured`);
  let moved = false;
  for (let k = 1; k < n && !moved; k++) moved = p.x[k] !== p.x[0] || p.y[k] !== p.y[0];
  if (!moved) throw new SignatureAcquisitionError('no_movement', `${source}: the pen never moves`);
  return p;
}
