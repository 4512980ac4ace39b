import { BiometricError } from '@biofuse/core';

/**
 * Runs the work on one sample file; a typed error whose message does not name the file gets
 * its path in front (an extraction failure otherwise left the user guessing which of six files
 * it was).
 */
export async function forSample<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof BiometricError && !err.message.includes(path)) err.message = `${path}: ${err.message}`;
    throw err;
  }
}
