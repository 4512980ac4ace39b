import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { DatasetError, readPairsFile, scoreComparisons, scoreSetFromLabelled, verificationReport, type ModalityName, progressBar } from '@biofuse/core';
import { createModality, csvCell, formatMetricsTable, type ModalityRegistry } from '@biofuse/experiments';
import { UsageError } from '../exit-codes';
import { integerOption } from '../options';
import { sensorDpiOption } from '../sensor-dpi';
import { abandonOutputFile, closeOutputFile, openOutputFile } from '../output-file';
import { jsonNumbers } from './bench';

const MODALITIES: readonly ModalityName[] = ['face', 'fingerprint', 'iris', 'signature'];

/**
 * The scoring command every modality plugs into: one row per input pair, in input order,
 * with an empty score and a reason where a sample could not be acquired.
 */
export function scoreCommand(registry?: ModalityRegistry): Command {
  return new Command('score')
    .description('score every pair of a PAIRS.tsv (path_a<TAB>path_b[<TAB>label]) with one modality')
    .requiredOption('--modality <name>', `one of ${MODALITIES.join(', ')}`)
    .requiredOption('--pairs <file>', 'pairs file, paths relative to --root')
    .requiredOption('--root <dir>', 'folder the sample paths are relative to')
    .requiredOption('--out <file>', 'scores.csv to write (a,b,score,error)')
    .option('--model <name>', 'model or variant of the modality')
    .option('--dpi <n>', 'fingerprint: the sensor resolution (default: from the file, else 500)')
    .option('--strict', 'stop at the first sample that cannot be acquired')
    .option('--concurrency <n>', 'samples extracted at once (default: number of cores)')
    .option('--json', 'print the summary (and metrics, when every pair is labelled) as JSON')
    .action(async (opts: { modality: string; pairs: string; root: string; out: string; model?: string; dpi?: string; strict?: boolean; concurrency?: string; json?: boolean }) => {
      if (!MODALITIES.includes(opts.modality as ModalityName)) {
        throw new UsageError(`--modality must be one of ${MODALITIES.join(', ')}, got "${opts.modality}"`);
      }
      const concurrency = opts.concurrency === undefined ? undefined : integerOption('--concurrency', opts.concurrency, 1);
      const dpi = opts.dpi === undefined ? undefined : sensorDpiOption(opts.dpi);
      if (dpi !== undefined && opts.modality !== 'fingerprint') throw new UsageError('--dpi applies to the fingerprint modality only');
      const params = { ...(opts.model ? { model: opts.model } : {}), ...(dpi !== undefined ? { dpi } : {}) };
      const modality = await createModality(opts.modality as ModalityName, params, registry);
      const pairs = await readPairsFile(resolve(opts.pairs));
      // Nothing to compare is a data error, as when every pair fails (an empty or all-comment file exited 0).
      if (pairs.length === 0) throw new DatasetError('no pairs to score (only blank and # comment lines)', resolve(opts.pairs));
      // Every pair would fail on its own with a missing root: say so once, before any work.
      const root = resolve(opts.root);
      if (!(await stat(root).catch(() => undefined))?.isDirectory()) throw new DatasetError(`--root ${opts.root} is not a folder`);
      const out = await openOutputFile(resolve(opts.out));
      const bar = progressBar('extracting');
      let scored: Awaited<ReturnType<typeof scoreComparisons>>;
      try {
        scored = await scoreComparisons(
          modality,
          pairs.map((p) => ({ reference: [p.a], probe: p.b })),
          { root, strict: opts.strict, concurrency, onProgress: (d, t) => bar.update(d, t), onWarning: (path, w) => process.stderr.write(`${path}: warning: ${w}\n`) },
        );
      } catch (err) {
        await abandonOutputFile(out);
        throw err;
      }
      bar.done();
      out.stream.write('a,b,score,error\n');
      pairs.forEach((p, i) => {
        const s = scored.scores[i];
        out.stream.write(`${csvCell(p.a)},${csvCell(p.b)},${Number.isNaN(s) ? '' : String(s)},${csvCell(scored.errors[i] ?? '')}\n`);
      });
      await closeOutputFile(out);
      const failed = scored.errors.filter((e) => e !== undefined).length;
      // Nothing compared: no metrics (they would describe no data), and a data error; the CSV says why, pair by pair.
      if (failed === pairs.length) {
        throw new DatasetError(`none of the ${pairs.length} pair(s) could be compared (first: ${scored.errors[0]}); reasons per pair in ${resolve(opts.out)}`);
      }
      const labelled = pairs.every((p) => p.genuine !== undefined) && new Set(pairs.map((p) => p.genuine)).size === 2;
      const report = labelled ? verificationReport(scoreSetFromLabelled(scored.scores, pairs.map((p) => (p.genuine ? 1 : 0)))) : undefined;
      if (opts.json) {
        const { det: _det, ...metrics } = report ?? { det: undefined };
        const summary = { out: resolve(opts.out), pairs: pairs.length, failedPairs: failed, failedSamples: scored.failures, metrics: report ? metrics : null };
        process.stdout.write(`${JSON.stringify(summary, jsonNumbers, 2)}\n`);
        return;
      }
      process.stdout.write(`${pairs.length} pair(s): ${pairs.length - failed} scored, ${failed} could not be compared (${scored.failures.length} sample(s) failed): ${resolve(opts.out)}\n`);
      if (report) process.stdout.write(`\n${formatMetricsTable([{ name: opts.modality, report }])}\n`);
    });
}

