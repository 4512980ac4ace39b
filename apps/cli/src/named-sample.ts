import { BiometricError, errorNaming } from '@biofuse/core';

/**
 * Runs the work on one sample file; a typed error gets the file's path in front (an extraction
 * failure otherwise left the user guessing which of six files it was). Untyped errors are
 * bugs, reported as they are.
 */
export async function forSample<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw err instanceof BiometricError ? errorNaming(path, err) : err;
  }
}
