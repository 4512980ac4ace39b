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
