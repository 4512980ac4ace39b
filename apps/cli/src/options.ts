import { UsageError } from './exit-codes';

/** A command-line integer of at least `min`, or a UsageError naming the flag and what was given. */
export function integerOption(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}, got "${value}"`);
  return n;
}

/** A command-line number above zero (a resolution, a size), or a UsageError naming the flag. */
export function positiveNumberOption(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got "${value}"`);
  return n;
}
