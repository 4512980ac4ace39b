import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import {
  experimentDataFiles,
  dataFingerprint,
  formatMetricsTable,
  loadExperimentConfig,
  resolveDataRoot,
  runExperiment,
} from '@biofuse/experiments';
import { progressBar } from '../progress';
import { WORKSPACE_CONFIGS } from '../paths';

export function benchCommand(): Command {
  return new Command('bench')
    .description('run an experiment config and write results/<id>/<run-id>/ (scores, metrics, manifest, DET page)')
    .argument('[configs...]', 'experiment YAML files (default: the embedded quickstart configs)')
    .option('--data-root <dir>', 'folder that dataset roots are relative to (default: $BIOFUSE_DATA or ../shared/datasets)')
    .option('--results <dir>', 'results folder (default: results/ in the repository)')
    .option('--json', 'print the metrics as JSON instead of a table')
    .option('--fingerprint', 'print the config and data fingerprint (what the Nx cache keys on) and exit')
    .action(async (configPaths: string[], opts: { dataRoot?: string; results?: string; json?: boolean; fingerprint?: boolean }) => {
      const paths = configPaths.length > 0 ? configPaths : quickstartConfigs();
      for (const [i, configPath] of paths.entries()) {
        if (i > 0 && !opts.json) process.stdout.write('\n');
        await benchOne(configPath, opts);
      }
    });
}

async function benchOne(configPath: string, opts: { dataRoot?: string; results?: string; json?: boolean; fingerprint?: boolean }): Promise<void> {
      const dataRoot = resolveDataRoot(opts.dataRoot);
      if (opts.fingerprint) {
        const config = await loadExperimentConfig(configPath);
        const fp = await dataFingerprint(await experimentDataFiles(config, dataRoot), dataRoot);
        process.stdout.write(`${config.id} data ${fp.sha256} files ${fp.files} bytes ${fp.bytes}\n`);
        return;
      }
      const bar = progressBar('scoring');
      const result = await runExperiment(await loadExperimentConfig(configPath), {
        dataRoot,
        resultsRoot: opts.results ? resolve(opts.results) : undefined,
        configPath,
        onProgress: (d, t) => bar.update(d, t),
      });
      bar.done();
      if (opts.json) {
        const evaluations = result.evaluations.map(({ name, report }) => {
          const { det: _det, ...summary } = report;
          return { name, ...summary };
        });
        process.stdout.write(`${JSON.stringify({ experiment: result.config.id, runDir: result.runDir, detPage: result.detPage, evaluations }, jsonNumbers, 2)}\n`);
        return;
      }
      process.stdout.write(`${result.config.id}${result.config.description ? `: ${result.config.description}` : ''}\n\n`);
      process.stdout.write(`${formatMetricsTable(result.evaluations)}\n\n`);
      for (const note of result.notes) process.stdout.write(`${note}\n`);
      if (result.skipped > 0) process.stdout.write(`${result.skipped} file(s) could not be used (listed in manifest.json)\n`);
      process.stdout.write(`results: ${result.runDir}\nDET page: ${result.detPage}\n`);
}

/** experiments/configs/quickstart*.yaml: the runs that need no dataset. */
function quickstartConfigs(): string[] {
  return readdirSync(WORKSPACE_CONFIGS)
    .filter((f) => /^quickstart.*\.yaml$/.test(f))
    .sort()
    .map((f) => join(WORKSPACE_CONFIGS, f));
}

/** Non-finite numbers as strings, so JSON output keeps them. */
export function jsonNumbers(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}
