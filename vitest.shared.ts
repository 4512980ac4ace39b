import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * One vitest setup for every project: the default console reporter plus a JSON report
 * under reports/vitest/, which `.ci/run` sums into the closing `N passed, N failed` line.
 */
export function projectTestConfig(projectName: string, opts: { testTimeoutMs?: number } = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      reporters: ['default', 'json'],
      outputFile: { json: resolve(import.meta.dirname, 'reports/vitest', `${projectName}.json`) },
      testTimeout: opts.testTimeoutMs ?? 30_000,
      pool: 'forks',
    },
  });
}
