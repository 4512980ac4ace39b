import type { PenTrajectory } from '../pen-trajectory';
import { ConfigError, describeNumber, describeValue } from '@biofuse/core';
import { SignatureFormatError } from '../errors';

export interface ReadOptions {
  /** Largest backward step of the clock repaired as a glitch (default 50 ms); larger ones are errors. */
  readonly maxBackstepMs?: number;
}

const READ_OPTION_KEYS: readonly string[] = ['maxBackstepMs'];

/**
 * Throws ConfigError for reading options that would not be applied as written (a NaN
 * maxBackstepMs would repair every backward step of the clock as a glitch; a misspelt key would
 * be ignored). `ownKeys` are those the calling function takes beside them (readSignature's
 * `path`). Every public reader checks on entry; the check reads and changes nothing, so a reader
 * that calls another checks them again, harmlessly.
 */
export function checkReadOptions(opts: ReadOptions, ownKeys: readonly string[] = []): void {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new ConfigError(`signature reading options must be an object, got ${describeValue(opts)}`);
  const known = [...READ_OPTION_KEYS, ...ownKeys];
  const unknown = Object.keys(opts).find((k) => !known.includes(k));
  if (unknown !== undefined) throw new ConfigError(`unknown signature reading option "${unknown}" (known: ${known.join(', ')})`);
  const ms = opts.maxBackstepMs;
  if (ms !== undefined && !(typeof ms === 'number' && ms >= 0)) throw new ConfigError(`maxBackstepMs must be a number of milliseconds >= 0, got ${describeNumber(ms)}`);
}

/**
 * The largest magnitude of a coordinate, pressure level or angle: no tablet gives more (SVC2004
 * holds at most 12,699), the rule the MCYT reader applies to its floats. Larger values are
 * damage (a digit turned "e": 4e+79), and past 1e154 one's square overflows and would zero a
 * whole time function, so the reader refuses them where it can name the file and line.
 */
export const MAX_PEN_VALUE = 1e7;
/** The largest time: up to 2^53 ms whole milliseconds are exact (a pad's clock, in ms since 1970, reads 1.7e12). */
export const MAX_TIME_MS = 2 ** 53;

/**
 * Where a sample is in its file, for messages: a text line; (JSON, whose points need not sit
 * one to a line) the point's place in the list, counting from 1; or (binary MCYT) the sample's
 * place and byte offset.
 */
export type SampleAt = { readonly line: number } | { readonly point: number } | { readonly sample: number; readonly byteOffset: number };

/** How a JSON point is named in messages: one numbering, said once. */
export const pointName = (point: number) => `point ${point} (counting from 1)`;

/** How a binary sample is named in messages: it has no line, but a place and an offset. */
export const sampleName = (sample: number, byteOffset: number) => `sample ${sample} (counting from 1, at byte ${byteOffset})`;

const placeName = (where: SampleAt) =>
  'line' in where ? `line ${where.line}` : 'point' in where ? pointName(where.point) : sampleName(where.sample, where.byteOffset);

/** Collects samples, validating each as it comes, and freezes them into a PenTrajectory. */
export class TrajectoryBuilder {
  private readonly cols = { x: [] as number[], y: [] as number[], t: [] as number[], penDown: [] as number[], pressure: [] as number[], azimuth: [] as number[], altitude: [] as number[] };
  private readonly warnings: string[] = [];
  constructor(
    /** Undefined for bytes in memory (SignatureFormatError says so). */
    private readonly path: string | undefined,
    /** Checked by the reader that was called (checkReadOptions). */
    private readonly opts: ReadOptions = {},
  ) {}

  add(where: SampleAt, s: { x: number; y: number; t: number; penDown: boolean; pressure: number; azimuth: number; altitude: number }): void {
    const fail = (message: string) =>
      'line' in where ? new SignatureFormatError(message, this.path, where.line) : new SignatureFormatError(`${placeName(where)}: ${message}`, this.path);
    for (const [name, v] of [['x', s.x], ['y', s.y], ['t', s.t], ['pressure', s.pressure], ['azimuth', s.azimuth], ['altitude', s.altitude]] as const) {
      // An angle is NaN where the format records none.
      if (Number.isNaN(v) && (name === 'azimuth' || name === 'altitude')) continue;
      if (!Number.isFinite(v)) throw fail(`${name} is not a finite number`);
      if (name === 't') {
        if (Math.abs(v) > MAX_TIME_MS) throw fail(`t is ${v}, beyond any time in milliseconds (at most 2^53 in magnitude)`);
      } else if (Math.abs(v) > MAX_PEN_VALUE) {
        throw fail(`${name} is ${v}, beyond any pen value (at most ${MAX_PEN_VALUE.toExponential()} in magnitude)`);
      }
    }
    if (s.pressure < 0) throw fail(`pressure is negative (${s.pressure})`);
    const c = this.cols;
    const n = c.t.length;
    let t = s.t;
    if (n > 0 && t < c.t[n - 1]) {
      const back = c.t[n - 1] - t;
      if (back > (this.opts.maxBackstepMs ?? 50)) {
        throw fail(`timestamp ${t} goes back ${back} ms from the previous sample; timestamps must not decrease`);
      }
      this.warnings.push(`${placeName(where)}: timestamp ${t} is ${back} ms before the previous one; held at ${c.t[n - 1]}`);
      t = c.t[n - 1];
    }
    c.x.push(s.x);
    c.y.push(s.y);
    c.t.push(t);
    c.penDown.push(s.penDown ? 1 : 0);
    c.pressure.push(s.pressure);
    c.azimuth.push(s.azimuth);
    c.altitude.push(s.altitude);
  }

  build(): PenTrajectory {
    const c = this.cols;
    return {
      x: Float64Array.from(c.x),
      y: Float64Array.from(c.y),
      t: Float64Array.from(c.t),
      penDown: Uint8Array.from(c.penDown),
      pressure: Float64Array.from(c.pressure),
      azimuth: Float64Array.from(c.azimuth),
      altitude: Float64Array.from(c.altitude),
      warnings: this.warnings,
    };
  }
}

