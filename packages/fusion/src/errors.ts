import { BiometricError } from '@biofuse/core';

/** Fusion cannot be fitted or applied as asked: too few scores, a constant column, mismatched inputs. */
export class FusionError extends BiometricError {
  constructor(message: string) {
    super('fusion', message);
  }
}
