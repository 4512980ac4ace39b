import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Where tests find the real datasets: BIOFUSE_DATA, else ../shared/datasets beside the
 * repository. CI always has them, so a missing folder only lets a test skip when CI is unset;
 * on CI it fails instead of passing silently.
 */
export function sharedDatasetsRoot(): string {
  return process.env.BIOFUSE_DATA ?? resolve(import.meta.dirname, '../../../../../shared/datasets');
}

export interface SharedDataset {
  readonly path: string;
  /** True when the folder is missing and the test may skip (never on CI). */
  readonly skip: boolean;
}

export function sharedDataset(relative: string): SharedDataset {
  const path = resolve(sharedDatasetsRoot(), relative);
  const present = existsSync(path);
  if (!present && process.env.CI) {
    throw new Error(`dataset ${path} is missing on CI; tests read ../shared/datasets and must not skip there`);
  }
  if (!present) console.warn(`[skip] ${path} not found and CI is unset: skipping the tests that read it`);
  return { path, skip: !present };
}
