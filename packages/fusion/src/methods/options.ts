import { ConfigError } from '@biofuse/core';

/**
 * Refuses an option the method does not read (set to anything but undefined): untyped callers
 * (a config, a cast) once passed a normaliser to logistic fusion and had it silently ignored.
 * `hints` says why a tempting option is not there.
 */
export function refuseUnknownOptions(opts: object | undefined, known: readonly string[], method: string, hints: Readonly<Record<string, string>> = {}): void {
  for (const [key, value] of Object.entries(opts ?? {})) {
    if (value === undefined || known.includes(key)) continue;
    const why = Object.hasOwn(hints, key) ? `: ${hints[key]}` : '';
    throw new ConfigError(`${method} has no option "${key}"${why} (its options: ${known.join(', ') || 'none'})`);
  }
}

/**
 * Refuses a set numeric option that is not a finite number >= 0 (NaN, Infinity, a negative, a
 * string from an untyped config): `${method}: ${option} must be a finite number >= 0, got ...`.
 * `error` picks the error class (ConfigError for a configured option by default).
 */
export function checkFiniteNonNegative(value: number | undefined, option: string, method: string, error: (message: string) => Error = (m) => new ConfigError(m)): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) throw error(`${method}: ${option} must be a finite number >= 0, got ${value}`);
}

/** Refuses a set numeric option that is not a whole number >= 1: `${method}: ${option} must be a whole number >= 1, got ...`; `error` as for checkFiniteNonNegative. */
export function checkWholeNumber(value: number | undefined, option: string, method: string, error: (message: string) => Error = (m) => new ConfigError(m)): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw error(`${method}: ${option} must be a whole number >= 1, got ${value}`);
}
