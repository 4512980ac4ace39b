/**
 * A local Nx plugin: every experiments/configs/<name>.yaml becomes a cached `bench-<name>`
 * target of the experiments project, and `bench` runs them all. A target's cache key is its
 * config, the code of every project the experiments use, the lockfile, BIOFUSE_DATA and
 * BIOFUSE_MODELS, the Node version, platform and architecture, and a content fingerprint of the
 * data and model files the config reads, so `nx run-many -t bench` re-runs only what changed.
 *
 * Targets write their runs under results/.nx/<id>/, a folder that belongs to Nx: a cache hit
 * restores it as it was cached (Nx replaces a target's outputs wholesale), so runs made by
 * `biofuse bench` itself, under results/<id>/, are never touched by a cache hit.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CreateNodesV2, TargetConfiguration } from 'nx/src/devkit-exports';
import { parse } from 'yaml';

const CONFIG_GLOB = 'experiments/configs/*.yaml';
/** Where Nx-run experiments write (ids are lower case and never start with a dot, so no config's folder is this one). */
const NX_RESULTS = 'results/.nx';
/** Prints the Node version, platform and architecture (quoted for sh and cmd alike). */
const RUNTIME_INPUT = 'node -e "console.log(process.version, process.platform, process.arch)"';

export const createNodesV2: CreateNodesV2 = [
  CONFIG_GLOB,
  (configFiles, _options, context) => {
    const targets: Record<string, TargetConfiguration> = {};
    const fileOfId = new Map<string, string>();
    for (const file of [...configFiles].sort()) {
      const name = basename(file, '.yaml');
      // The run's folder is named by the config's id, which its `id:` key may set.
      const id = configId(join(context.workspaceRoot, file)) ?? name;
      const other = fileOfId.get(id);
      fileOfId.set(id, file);
      if (other) {
        // Their runs would share a folder. Refused when the target runs: a throw here would stop
        // Nx from building its project graph, and every nx command with it.
        // Ids and config paths hold no quotes (ids are [a-z0-9-], the glob's files are plain names).
        const message = `${file} and ${other} both have the id ${id}: their runs would share results/${id}; give one another id`;
        targets[`bench-${name}`] = { command: `node -e "console.error('${message}'); process.exit(1)"`, options: { cwd: '{workspaceRoot}' }, cache: false };
        continue;
      }
      const command = `node apps/cli/bin/biofuse.js bench ${file}`;
      targets[`bench-${name}`] = {
        command: `${command} --results ${NX_RESULTS}`,
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
          { env: 'BIOFUSE_MODELS' },
          // The node that runs the command (the one on PATH, as here) and the machine it runs on:
          // another Node or platform may compute other numbers, and its run is another run.
          { runtime: RUNTIME_INPUT },
          { runtime: `${command} --fingerprint` },
        ],
        outputs: [`{workspaceRoot}/${NX_RESULTS}/${id}`],
        metadata: { description: `run ${file} and write ${NX_RESULTS}/${id}/<run-id>/` },
      };
    }
    targets.bench = {
      executor: 'nx:noop',
      dependsOn: Object.keys(targets),
      cache: true,
      metadata: { description: 'run every experiment config (each cached on its config, code, data and models)' },
    };
    const projectRoot = dirname(dirname(CONFIG_GLOB));
    return [[join(projectRoot, 'configs'), { projects: { [projectRoot]: { targets } } }]];
  },
];

/** The `id:` a config sets, if it sets one (the run itself validates the rest). */
function configId(path: string): string | undefined {
  try {
    const raw: unknown = parse(readFileSync(path, 'utf8'));
    const id = raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined; // an unreadable config fails when its target runs, with the loader's message
  }
}
