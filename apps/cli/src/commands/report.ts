import { extname, resolve } from 'node:path';
import { Command } from 'commander';
import { ConfigError, pngFromSvg } from '@biofuse/core';
import { compareRuns, detFigureSvg, evaluationSummary } from '@biofuse/experiments';
import { reserveOutputFile } from '../output-file';
import { jsonNumbers } from './bench';

export function reportCommand(): Command {
  return new Command('report')
    .description('compare run folders: print a table (EER, FNMR@FMR, d\') and write one DET overlay page')
    .argument('<run-dir...>', 'run folders (results/<config>/<run-id>)')
    .option('--out <file>', 'DET overlay page to write', 'results/report.html')
    .option('--title <text>', 'page title', 'biofuse runs')
    .option('--figure <file>', 'also write the DET overlay as a static figure: .svg, or .png (rendered at twice its size)')
    .option('--json', 'print the rows as JSON instead of a table')
    .action(async (runDirs: string[], opts: { out: string; title: string; figure?: string; json?: boolean }) => {
      const out = resolve(opts.out);
      const figureKind = opts.figure === undefined ? undefined : figureFormat(opts.figure);
      const writePage = await reserveOutputFile(out);
      const writeFigure = opts.figure === undefined ? undefined : await reserveOutputFile(resolve(opts.figure));
      const dirs = runDirs.map((d) => resolve(d));
      const { table, rows, html } = await compareRuns(dirs, opts.title);
      await writePage(html);
      if (writeFigure) {
        const svg = detFigureSvg(opts.title, rows);
        await writeFigure(figureKind === 'png' ? await pngFromSvg(svg, 2) : svg);
      }
      if (opts.json) {
        const summary = rows.map(evaluationSummary);
        process.stdout.write(`${JSON.stringify({ page: out, rows: summary }, jsonNumbers, 2)}\n`);
        return;
      }
      process.stdout.write(`${table}\n\nDET overlay: ${out}\n`);
    });
}

/** The figure's format, from its file name's extension. */
function figureFormat(path: string): 'svg' | 'png' {
  const ext = extname(path).toLowerCase();
  if (ext === '.svg' || ext === '.png') return ext === '.svg' ? 'svg' : 'png';
  throw new ConfigError(`--figure ${path}: give a .svg or .png file name (the format is taken from it)`);
}
