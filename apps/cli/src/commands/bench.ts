import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ConfigError, progressBar } from '@biofuse/core';
import { UsageError } from '../exit-codes';
import { Command } from 'commander';
import {
  dataFingerprint,
  dPrimeUnavailable,
  evaluationSummary,
  experimentDataFiles,
  formatMetricsTable,
  formatQualityErcTable,
  loadExperimentConfig,
  modelFingerprint,
  resolveDataRoot,
  runExperiment,
  type RunResult,
} from '@biofuse/experiments';

interface BenchOptions {
  dataRoot?: string;
  results?: string;
  json?: boolean;
  fingerprint?: boolean;
}

export function benchCommand(): Command {
  return new Command('bench')
    .description('run experiment configs and write results/<id>/<run-id>/ (scores, metrics, manifest, DET page)')
    .argument('[configs...]', 'experiment YAML files (default: the embedded quickstart configs, which need no dataset)')
    .option('--data-root <dir>', 'folder that dataset roots are relative to (default: $BIOFUSE_DATA or ../shared/datasets)')
    .option('--results <dir>', 'results folder (default: results/ in the repository)')
    .option('--json', 'print the metrics as JSON instead of tables (an array when several configs run)')
    .option('--fingerprint', 'print each config\'s data fingerprint (what the Nx cache keys on) and exit')
    .action(async (configPaths: string[], opts: BenchOptions) => {
      if (opts.fingerprint && opts.json) throw new UsageError('--fingerprint prints one line per config for Nx to hash; it has no --json form');
      const paths = configPaths.length > 0 ? configPaths : quickstartConfigs();
      // Nx keys a cached bench target on BIOFUSE_DATA, not on arguments: a --data-root there would
      // serve the run of another data root's files from the cache.
      if (opts.dataRoot !== undefined && process.env.NX_TASK_TARGET_TARGET?.startsWith('bench')) {
        throw new ConfigError('under an Nx bench target, give the data root as BIOFUSE_DATA=<dir> (the cache keys on it), not --data-root');
      }
      const dataRoot = resolveDataRoot(opts.dataRoot);
      const summaries: unknown[] = [];
      for (const [i, configPath] of paths.entries()) {
        if (opts.fingerprint) {
          const config = await loadExperimentConfig(configPath);
          const fp = await dataFingerprint(await experimentDataFiles(config, dataRoot), dataRoot);
          const models = await modelFingerprint(config);
          process.stdout.write(`${config.id} data ${fp.sha256} files ${fp.files} bytes ${fp.bytes} models ${models.sha256} files ${models.paths.length}\n`);
          continue;
        }
        const bar = progressBar('scoring');
        let result: RunResult;
        try {
          result = await runExperiment(await loadExperimentConfig(configPath), {
            dataRoot,
            resultsRoot: opts.results ? resolve(opts.results) : undefined,
            configPath,
            onProgress: (d, t) => bar.update(d, t),
          });
        } catch (err) {
          // The runs before this one are written: --json still reports them, then the error stops the command.
          if (opts.json && summaries.length > 0) process.stdout.write(`${JSON.stringify(summaries, jsonNumbers, 2)}\n`);
          throw err;
        }
        bar.done();
        if (opts.json) summaries.push(jsonSummary(result));
        else printRun(result, i > 0);
      }
      if (opts.json && !opts.fingerprint) {
        process.stdout.write(`${JSON.stringify(summaries.length === 1 ? summaries[0] : summaries, jsonNumbers, 2)}\n`);
      }
    });
}

function printRun(result: RunResult, separate: boolean): void {
  const out = process.stdout;
  if (separate) out.write('\n');
  out.write(`${result.config.id}${result.config.description ? `: ${result.config.description}` : ''}\n\n`);
  out.write(`${formatMetricsTable(result.evaluations)}\n\n`);
  const erc = formatQualityErcTable(result.evaluations);
  if (erc) out.write(`${erc}\n\n`);
  if (result.identification) {
    out.write('closed-set identification (CMC):\n');
    for (const id of result.identification) {
      const at = (r: number) => (r <= id.cmc.length ? `${(id.cmc[r - 1] * 100).toFixed(2)} %` : '-');
      out.write(`  ${id.system}: rank-1 ${at(1)}, rank-5 ${at(5)}, rank-10 ${at(10)} (${id.probes} probes, ${id.identities} identities)\n`);
    }
    out.write('\n');
  }
  for (const note of result.notes) out.write(`${note}\n`);
  out.write(`results: ${result.runDir}\nDET page: ${result.detPage}\n`);
}

function jsonSummary(result: RunResult): unknown {
  const evaluations = result.evaluations.map(evaluationSummary);
  return { experiment: result.config.id, runDir: result.runDir, detPage: result.detPage, notes: result.notes, evaluations, identification: result.identification ?? null };
}

/** experiments/configs/quickstart*.yaml: the runs that need no dataset. */
function quickstartConfigs(): string[] {
  const dir = resolve(import.meta.dirname, '../../../../experiments/configs');
  const shown = relative(process.cwd(), dir);
  return readdirSync(dir)
    .filter((f) => /^quickstart.*\.yaml$/.test(f))
    .sort()
    .map((f) => join(shown.startsWith('..') ? dir : shown, f));
}

/**
 * The commands' JSON replacer for metrics. A d' with no value is null with the reason beside it
 * (dPrimeUnavailable, as the tables' n/a): "Infinity" there read as a perfect separation. Other
 * non-finite numbers (a threshold past the last score) are results: strings, so JSON keeps them.
 */
export function jsonNumbers(_key: string, v: unknown): unknown {
  if (typeof v === 'object' && v !== null && 'dPrime' in v && typeof v.dPrime === 'number') {
    const why = dPrimeUnavailable(v.dPrime);
    // The reason right after the figure it stands for.
    if (why !== undefined) return Object.fromEntries(Object.entries(v).flatMap(([k, x]) => (k === 'dPrime' ? [[k, null], ['dPrimeUnavailable', why]] : [[k, x]])));
  }
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}
