import { decimalRefusal, isSeed, MAX_SEED, parseDecimal } from '@biofuse/core';
import { UsageError } from './exit-codes';

/**
 * A plain decimal number given on the command line, or a UsageError naming the flag: Number()
 * alone takes '' (an unset shell variable) as 0, and '0x10' as 16. A decimal too large to hold
 * (1e999) is a number all the same: the error says it is out of range, not "not a number".
 */
export function numberOption(flag: string, value: string): number {
  const n = parseDecimal(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} ${decimalRefusal(value)}, got "${value}"`);
  return n;
}

/** A command-line integer of at least `min`, or a UsageError naming the flag and what was given. */
export function integerOption(flag: string, value: string, min: number): number {
  const n = /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}, got "${value}"`);
  return n;
}

/** A command-line number above zero (a resolution, a size), or a UsageError naming the flag. */
export function positiveNumberOption(flag: string, value: string): number {
  const n = numberOption(flag, value);
  if (n <= 0) throw new UsageError(`${flag} must be a positive number, got "${value}"`);
  return n;
}

/** `--seed`: the generators keep 32 bits of state, so larger seeds would wrap onto smaller ones (4294967297 gave seed 1's data). */
export function seedOption(value: string): number {
  const seed = integerOption('--seed', value, 0);
  if (!isSeed(seed)) throw new UsageError(`--seed must be at most ${MAX_SEED}, got "${value}"`);
  return seed;
}

/** A path given on the command line: an empty one (an unset shell variable) would mean the current folder. */
export function pathOption(flag: string, value: string): string {
  if (value.trim() === '') throw new UsageError(`${flag} needs a path, got an empty one`);
  return value;
}

/** A count with an upper bound as well (what one run can hold in memory). */
export function countOption(flag: string, value: string, min: number, max: number): number {
  const n = integerOption(flag, value, min);
  if (n > max) throw new UsageError(`${flag} must be at most ${max}, got "${value}"`);
  return n;
}
