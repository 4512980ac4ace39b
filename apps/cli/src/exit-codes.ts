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
  if (err instanceof BiometricError || systemFailure(err)) return EXIT.data;
  return EXIT.internal;
}

/** Failures of the machine, not of biofuse: a full disk, a read-only or vanished file system. */
const SYSTEM_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EACCES', 'EPERM', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EMFILE', 'ENFILE', 'EBUSY']);

/**
 * The one-line message for a file-system failure that reached the top (a debug image or a
 * results file on a full disk), or undefined for anything else: it names the file and the
 * cause instead of printing a stack trace as an internal error.
 */
export function systemFailure(err: unknown): string | undefined {
  const e = err as Partial<NodeJS.ErrnoException> | undefined;
  if (!(err instanceof Error) || typeof e?.code !== 'string' || !SYSTEM_CODES.has(e.code) || typeof e.syscall !== 'string') return undefined;
  return `${e.path ? `${e.path}: ` : ''}${e.syscall} failed (${e.code})`;
}
