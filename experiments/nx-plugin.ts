/**
 * A local Nx plugin: every experiments/configs/<id>.yaml becomes a cached `bench-<id>` target
 * of the experiments project, and `bench` runs them all. A target's cache key is its config,
 * the code of every project the experiments use, the lockfile and a content fingerprint of the
 * data the config reads, so `nx run-many -t bench` re-runs only what changed.
 */
import { basename, dirname, join } from 'node:path';
import type { CreateNodesV2, TargetConfiguration } from 'nx/src/devkit-exports';

const CONFIG_GLOB = 'experiments/configs/*.yaml';

export const createNodesV2: CreateNodesV2 = [
  CONFIG_GLOB,
  (configFiles) => {
    const targets: Record<string, TargetConfiguration> = {};
    for (const file of [...configFiles].sort()) {
      const id = basename(file, '.yaml');
      targets[`bench-${id}`] = {
        command: `node apps/cli/bin/biofuse.js bench ${file}`,
        options: { cwd: '{workspaceRoot}' },
        cache: true,
        inputs: [
          // This config, not its neighbours: editing one config re-runs only its own target.
          `{workspaceRoot}/${file}`,
          '{workspaceRoot}/experiments/src/**/*',
          '{workspaceRoot}/experiments/package.json',
          '^production',
          '{workspaceRoot}/apps/cli/src/**/*',
          '{workspaceRoot}/apps/cli/bin/**/*',
          '{workspaceRoot}/package-lock.json',
          { env: 'BIOFUSE_DATA' },
          { runtime: `node apps/cli/bin/biofuse.js bench ${file} --fingerprint` },
        ],
        outputs: [`{workspaceRoot}/results/${id}`],
        metadata: { description: `run ${file} and write results/${id}/<run-id>/` },
      };
    }
    targets.bench = {
      executor: 'nx:noop',
      dependsOn: Object.keys(targets),
      cache: true,
      metadata: { description: 'run every experiment config (each cached on its config, code and data)' },
    };
    const projectRoot = dirname(dirname(CONFIG_GLOB));
    return [[join(projectRoot, 'configs'), { projects: { [projectRoot]: { targets } } }]];
  },
];
