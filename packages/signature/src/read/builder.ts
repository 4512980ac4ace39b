import type { PenTrajectory } from '../pen-trajectory';
import { ConfigError } from '@biofuse/core';
import { SignatureFormatError } from '../errors';

export interface ReadOptions {
  /** Largest backward step of the clock repaired as a glitch (default 50 ms); larger ones are errors. */
  readonly maxBackstepMs?: number;
}

/** What a reader may be told: ReadOptions, and readSignature's `path`, which travels with them. */
const READ_OPTION_KEYS: readonly string[] = ['maxBackstepMs', 'path'];

/**
 * Throws ConfigError for reading options that would not be applied as written: a NaN
 * maxBackstepMs repaired every backward step of the clock, however large, as a glitch, and a
 * misspelt key ("maxBackstep") was ignored.
 */
export function checkReadOptions(opts: ReadOptions): void {
  const unknown = Object.keys(opts).find((k) => !READ_OPTION_KEYS.includes(k));
  if (unknown !== undefined) throw new ConfigError(`unknown signature reading option "${unknown}" (known: ${READ_OPTION_KEYS.join(', ')})`);
  const ms = opts.maxBackstepMs;
  if (ms !== undefined && !(typeof ms === 'number' && ms >= 0)) throw new ConfigError(`maxBackstepMs must be a number of milliseconds >= 0, got ${String(ms)}`);
}

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
    private readonly opts: ReadOptions = {},
  ) {
    checkReadOptions(opts);
  }

  add(where: SampleAt, s: { x: number; y: number; t: number; penDown: boolean; pressure: number; azimuth: number; altitude: number }): void {
    const fail = (message: string) =>
      'line' in where ? new SignatureFormatError(message, this.path, where.line) : new SignatureFormatError(`${placeName(where)}: ${message}`, this.path);
    for (const [name, v] of [['x', s.x], ['y', s.y], ['t', s.t], ['pressure', s.pressure]] as const) {
      if (!Number.isFinite(v)) throw fail(`${name} is not a finite number`);
    }
    // Angles may be NaN where the format has none; an infinite one would silently zero the whole time function.
    for (const [name, v] of [['azimuth', s.azimuth], ['altitude', s.altitude]] as const) {
      if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) throw fail(`${name} is not a finite number`);
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

