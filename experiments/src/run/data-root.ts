import { resolve } from 'node:path';
import { WORKSPACE_ROOT } from './manifest';

/**
 * The folder dataset roots in configs are relative to: an explicit --data-root, else
 * BIOFUSE_DATA, else ../shared/datasets beside the repository (the layout tests and CI use).
 */
export function resolveDataRoot(explicit?: string): string {
  return resolve(explicit ?? process.env.BIOFUSE_DATA ?? resolve(WORKSPACE_ROOT, '..', 'shared', 'datasets'));
}

