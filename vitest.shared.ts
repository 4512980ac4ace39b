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
      // Setup hooks build datasets and models too: the same budget as a test (the default 10 s ran out on a busy 2-core machine).
      hookTimeout: opts.testTimeoutMs ?? 30_000,
      pool: 'forks',
    },
  });
}
