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
  /** NaN where the device does not report angles. */
  readonly azimuth: Float64Array;
  readonly altitude: Float64Array;
  /** What the reader repaired, with the line it found it on. */
  readonly warnings: readonly string[];
}

export function trajectoryLength(p: PenTrajectory): number {
  return p.x.length;
}
