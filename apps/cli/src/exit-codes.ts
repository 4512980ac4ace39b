import { BiometricError, ConfigError, ModalityUnavailableError } from '@biofuse/core';

/** 0 ok, 1 usage (bad arguments, invalid config, unavailable modality), 2 data error, 3 internal error. */
export const EXIT = { ok: 0, usage: 1, data: 2, internal: 3 } as const;

/** A command line that cannot be carried out as given. */
export class UsageError extends BiometricError {
  constructor(message: string) {
    super('usage', message);
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof ModalityUnavailableError) return EXIT.usage;
  if (err instanceof BiometricError) return EXIT.data;
  return EXIT.internal;
}
