import { SignatureFormatError } from '../errors';
import type { PenTrajectory } from '../pen-trajectory';
import { MAX_PEN_VALUE, sampleName, TrajectoryBuilder } from './builder';

const HEADER_BYTES = 60;
const SAMPLE_BYTES = 5 * 4;
const CHANNELS = ['x', 'y', 'pressure', 'azimuth', 'altitude'] as const;
/** Magnitudes outside [1e-6, MAX_PEN_VALUE = 1e7] (0 aside) are no tablet's coordinates, pressure levels or angles. */
const MIN_PLAUSIBLE = 1e-6;
/** MCYT tablets sample at 100 Hz. */
const SAMPLE_PERIOD_MS = 10;

/**
 * MCYT `.fpg`: a 60-byte header, then per sample five little-endian float32 values
 * x, y, pressure, azimuth, altitude. Time is the sample index at 100 Hz; the pen is taken as
 * down while pressure is positive.
 */
export function parseMcytFpg(bytes: Uint8Array, path?: string): PenTrajectory {
  if (bytes.length < HEADER_BYTES + SAMPLE_BYTES) {
    throw new SignatureFormatError(`${bytes.length} bytes: too short for an MCYT .fpg (${HEADER_BYTES}-byte header and samples)`, path);
  }
  const body = bytes.length - HEADER_BYTES;
  if (body % SAMPLE_BYTES !== 0) {
    throw new SignatureFormatError(`${body} bytes after the header are not a whole number of ${SAMPLE_BYTES}-byte samples (truncated?)`, path);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const b = new TrajectoryBuilder(path);
  const n = body / SAMPLE_BYTES;
  for (let k = 0; k < n; k++) {
    const o = HEADER_BYTES + k * SAMPLE_BYTES;
    for (let c = 0; c < 5; c++) {
      const v = view.getFloat32(o + 4 * c, true);
      // Tablet units, pressure levels and angles in (tenths of) degrees are neither tiny nor huge: other bytes read as floats usually are.
      if (!Number.isFinite(v) || (v !== 0 && Math.abs(v) < MIN_PLAUSIBLE) || Math.abs(v) > MAX_PEN_VALUE) {
        throw new SignatureFormatError(`${sampleName(k + 1, o)}: ${CHANNELS[c]} is ${v}, not a plausible pen value`, path);
      }
    }
    const pressure = view.getFloat32(o + 8, true);
    b.add({ sample: k + 1, byteOffset: o }, {
      x: view.getFloat32(o, true),
      y: view.getFloat32(o + 4, true),
      t: k * SAMPLE_PERIOD_MS,
      penDown: pressure > 0,
      pressure,
      azimuth: view.getFloat32(o + 12, true),
      altitude: view.getFloat32(o + 16, true),
    });
  }
  return b.build();
}
