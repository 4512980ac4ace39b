import { parseDecimal } from '@biofuse/core';
import { UsageError } from './exit-codes';

/**
 * A plain decimal number given on the command line, or a UsageError naming the flag: Number()
 * alone takes '' (an unset shell variable) as 0, and '0x10' as 16.
 */
export function numberOption(flag: string, value: string): number {
  const n = parseDecimal(value);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got "${value}"`);
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
