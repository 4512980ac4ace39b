/**
 * A local Nx plugin: every experiments/configs/<name>.yaml becomes a cached `bench-<name>`
 * target of the experiments project, and `bench` runs them all. A target's cache key is its
 * config, the code that can change its numbers (benchCodeInputs: the sources of the command,
 * the experiments, core, fusion and the modality packages the config uses, not their tests,
 * benches or notes), the lockfile, BIOFUSE_DATA and BIOFUSE_MODELS, the Node version, platform
 * and architecture, and a content fingerprint of the data and model files the config reads, so
 * `nx run-many -t bench` re-runs only what changed.
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
          ...benchCodeInputs(configPackages(join(context.workspaceRoot, file))),
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
  const raw = readConfig(path);
  const id = raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** A config's YAML, or undefined where it cannot be read (it fails when its target runs, with the loader's message). */
function readConfig(path: string): unknown {
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The folders of the packages every run loads: the command, the experiments, core and fusion. */
const ALWAYS_RUN: readonly string[] = ['apps/cli', 'experiments', 'packages/core', 'packages/fusion'];
/** The package of each modality a config can name; iris has none in this build (its runs stop before any scoring). */
const MODALITY_PACKAGES: Readonly<Record<string, readonly string[]>> = { face: ['packages/face'], fingerprint: ['packages/fingerprint'], signature: ['packages/signature'], iris: [] };
/** The loaders that generate their samples with a modality package's code. */
const GENERATING_LOADERS: Readonly<Record<string, string>> = { 'synthetic-fingerprints': 'packages/fingerprint', 'synthetic-signatures': 'packages/signature' };
/** The loaders whose datasets hold scores: no modality runs. */
const SCORE_LOADERS: ReadonlySet<string> = new Set(['score-matrix', 'simulated-scores', 'scores-csv']);
/** Every package a run may load: what a config the plugin cannot read keys on. */
const ALL_RUN_PACKAGES: readonly string[] = [...ALWAYS_RUN, ...new Set(Object.values(MODALITY_PACKAGES).flat())].sort();

/**
 * The workspace packages whose code can change the numbers of a run of the config at `path`,
 * as folders, sorted: the command, the experiments, core and fusion always; the modality
 * package of its `pipeline.modality` and of a loader that generates samples
 * (synthetic-fingerprints, synthetic-signatures); for a chimeric config, those of every source.
 * A config this cannot read with certainty (not YAML, an unknown loader or modality) keys on
 * every package: a needless re-run, never a stale hit.
 */
export function configPackages(path: string): string[] {
  const raw = readConfig(path);
  const used = new Set(ALWAYS_RUN);
  const addSource = (source: unknown): boolean => {
    if (!isRecord(source) || !isRecord(source.dataset) || typeof source.dataset.loader !== 'string') return false;
    const { loader } = source.dataset;
    if (loader === 'chimeric') return Array.isArray(source.dataset.sources) && source.dataset.sources.every(addSource);
    const generated = GENERATING_LOADERS[loader];
    if (generated) used.add(generated);
    else if (!SCORE_LOADERS.has(loader) && source.pipeline === undefined) return false; // a samples loader with no pipeline: the run says what is wrong
    if (source.pipeline === undefined) return true;
    const modality = isRecord(source.pipeline) ? source.pipeline.modality : undefined;
    const packages = typeof modality === 'string' && Object.hasOwn(MODALITY_PACKAGES, modality) ? MODALITY_PACKAGES[modality] : undefined;
    if (!packages) return false;
    for (const p of packages) used.add(p);
    return true;
  };
  return addSource(raw) ? [...used].sort() : [...ALL_RUN_PACKAGES];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The inputs that stand for the code of these packages (folders relative to the workspace):
 * what can change a run's numbers, and nothing else, so that editing a README, a bench script
 * or a test re-runs no experiment. Each package's sources (src/, and the command's bin/)
 * without its tests and test helpers (*.test.ts, test-*.ts, src/testing/) or notes (*.md), its
 * package.json (its exports and dependencies) and the face model cards (cards/, the built-in
 * models' parameters and thresholds); and the root tsconfig files (the compiler settings tsx
 * would take up). Benches (bench/), test folders (test/) and each package's tsconfig.json and
 * vitest.config.ts are left out: no run reads them.
 */
export function benchCodeInputs(packages: readonly string[]): string[] {
  const inputs = ['{workspaceRoot}/tsconfig*.json'];
  for (const p of packages) {
    const root = `{workspaceRoot}/${p}`;
    inputs.push(`${root}/package.json`, `${root}/src/**/*`);
    if (p === 'apps/cli') inputs.push(`${root}/bin/**/*`);
    if (p === 'packages/face') inputs.push(`${root}/cards/**/*`);
  }
  // Within those: no test, test helper or note, wherever it sits.
  inputs.push('!{workspaceRoot}/**/*.test.ts', '!{workspaceRoot}/**/test-*.ts', '!{workspaceRoot}/**/src/testing/**/*', '!{workspaceRoot}/**/*.md');
  return inputs;
}
