import { resolve } from 'node:path';
import { Command } from 'commander';
import { compareRuns, evaluationSummary } from '@biofuse/experiments';
import { reserveOutputFile } from '../output-file';
import { jsonNumbers } from './bench';

export function reportCommand(): Command {
  return new Command('report')
    .description('compare run folders: print a table (EER, FNMR@FMR, d\') and write one DET overlay page')
    .argument('<run-dir...>', 'run folders (results/<config>/<run-id>)')
    .option('--out <file>', 'DET overlay page to write', 'results/report.html')
    .option('--title <text>', 'page title', 'biofuse runs')
    .option('--json', 'print the rows as JSON instead of a table')
    .action(async (runDirs: string[], opts: { out: string; title: string; json?: boolean }) => {
      const out = resolve(opts.out);
      const writePage = await reserveOutputFile(out);
      const dirs = runDirs.map((d) => resolve(d));
      const { table, rows, html } = await compareRuns(dirs, opts.title);
      await writePage(html);
      if (opts.json) {
        const summary = rows.map(evaluationSummary);
        process.stdout.write(`${JSON.stringify({ page: out, rows: summary }, jsonNumbers, 2)}\n`);
        return;
      }
      process.stdout.write(`${table}\n\nDET overlay: ${out}\n`);
    });
}

