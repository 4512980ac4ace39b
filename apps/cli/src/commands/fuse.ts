import { dirname, resolve, sep } from 'node:path';
import { Command } from 'commander';
import { evaluationSummary, formatMetricsTable, parseExperimentConfigObject, runExperiment } from '@biofuse/experiments';
import { UsageError } from '../exit-codes';
import { integerOption } from '../options';
import { jsonNumbers } from './bench';

const METHODS = ['sum', 'weighted-sum', 'user-weighted-sum', 'product', 'max', 'min', 'logistic', 'likelihood-ratio'];
const PROTOCOLS = ['subject-disjoint', 'within-subject'];

/**
 * Fuses the systems of one or more scores.csv files (as written by `biofuse bench`), joined on
 * probe and reference, under subject-disjoint (or, for user-specific weights, within-subject)
 * cross-validation.
 */
export function fuseCommand(): Command {
  return new Command('fuse')
    .description('fuse the systems of scores.csv files (joined on probe and reference) by subject-disjoint cross-validation')
    .argument('<scores...>', 'scores.csv files of earlier runs')
    .option(
      '--method <spec...>',
      `fusion methods as [name=]method[/normaliser], e.g. sum/z-score logistic mine=likelihood-ratio/log (methods: ${METHODS.join(', ')}); the fused system is called fused:<name>, by default fused:<method>[/<normaliser>]`,
      ['sum/z-score', 'logistic'],
    )
    .option('--inputs <names>', 'comma-separated systems to fuse (default: all)')
    .option('--folds <n>', 'cross-validation folds', '5')
    .option('--protocol <name>', `cross-validation protocol: ${PROTOCOLS.join(' or ')} (user-weighted-sum needs within-subject)`, 'subject-disjoint')
    .option('--seed <n>', 'seed of the fold assignment', '0')
    .option('--id <id>', 'experiment id of the run', 'fuse')
    .option('--results <dir>', 'results folder (default: results/ in the repository)')
    .option('--json', 'print the metrics as JSON instead of a table')
    .action(async (files: string[], opts: { method: string[]; inputs?: string; folds: string; protocol: string; seed: string; id: string; results?: string; json?: boolean }) => {
      const methods = opts.method.map((spec) => {
        // A name tells apart a method fused again from its earlier fused:* column in the same scores.csv.
        const named = /^([^=/]+)=(.*)$/.exec(spec);
        const [method, normaliser, ...rest] = (named ? named[2] : spec).split('/');
        if (!METHODS.includes(method) || rest.length > 0) throw new UsageError(`--method "${spec}": expected [name=]method[/normaliser] with method one of ${METHODS.join(', ')}`);
        return { ...(named ? { name: named[1] } : {}), method, ...(normaliser ? { normaliser } : {}) };
      });
      if (!PROTOCOLS.includes(opts.protocol)) throw new UsageError(`--protocol "${opts.protocol}": expected ${PROTOCOLS.join(' or ')}`);
      const config = parseExperimentConfigObject(
        {
          id: opts.id,
          seed: integerOption('--seed', opts.seed, 0),
          dataset: { loader: 'scores-csv', files: files.map((f) => resolve(f)) },
          fusion: { folds: integerOption('--folds', opts.folds, 2), protocol: opts.protocol, methods, ...(opts.inputs ? { inputs: opts.inputs.split(',') } : {}) },
        },
        'biofuse fuse',
      );
      // The scores files are named on the command line: the data root (--data-root, BIOFUSE_DATA)
      // plays no part. Their deepest common folder stands in for it, so that the manifest's data
      // fingerprint (paths relative to the root) is the same from wherever the command runs.
      const result = await runExperiment(config, { dataRoot: deepestCommonFolder(files.map((f) => resolve(f))), resultsRoot: opts.results ? resolve(opts.results) : undefined });
      if (opts.json) {
        const evaluations = result.evaluations.map(evaluationSummary);
        process.stdout.write(`${JSON.stringify({ runDir: result.runDir, detPage: result.detPage, evaluations }, jsonNumbers, 2)}\n`);
        return;
      }
      process.stdout.write(`${formatMetricsTable(result.evaluations)}\n\n${result.notes.join('\n')}\nresults: ${result.runDir}\nDET page: ${result.detPage}\n`);
    });
}

/** The deepest folder that holds every one of these absolute file paths. */
function deepestCommonFolder(files: readonly string[]): string {
  const parts = files.map((f) => dirname(f).split(sep));
  const common = parts[0].slice(0, Math.min(...parts.map((p) => p.length)));
  const depth = common.findIndex((part, i) => parts.some((p) => p[i] !== part));
  return common.slice(0, depth < 0 ? common.length : depth).join(sep) || sep;
}
