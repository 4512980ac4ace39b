import { resolve } from 'node:path';
import { WORKSPACE_ROOT } from './manifest';
import { ConfigError } from '@biofuse/core';

/**
 * The folder dataset roots in configs are relative to: an explicit --data-root, else
 * BIOFUSE_DATA, else ../shared/datasets beside the repository (the layout tests and CI use).
 */
export function resolveDataRoot(explicit?: string): string {
  // An empty value (an unset shell variable in `--data-root "$X"`) would be the current folder.
  if (explicit !== undefined && explicit.trim() === '') throw new ConfigError('--data-root needs a path, got an empty one');
  const fromEnv = process.env.BIOFUSE_DATA;
  if (fromEnv !== undefined && fromEnv.trim() === '') throw new ConfigError('BIOFUSE_DATA is set but empty: unset it or give a path');
  return resolve(explicit ?? fromEnv ?? resolve(WORKSPACE_ROOT, '..', 'shared', 'datasets'));
}

