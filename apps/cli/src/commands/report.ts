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
      const figurePath = opts.figure === undefined ? undefined : resolve(opts.figure);
      const figureKind = figurePath === undefined ? undefined : figureFormat(figurePath);
      if (figurePath === out) throw new ConfigError(`--figure ${opts.figure} is the page's own path (--out): give the figure a name of its own`);
      const writePage = await reserveOutputFile(out);
      const writeFigure = figurePath === undefined ? undefined : await reserveOutputFile(figurePath);
      const dirs = runDirs.map((d) => resolve(d));
      const { table, rows, html } = await compareRuns(dirs, opts.title);
      // Both made before either is written: a figure that fails leaves the earlier page as it was.
      const svg = figureKind === undefined ? undefined : detFigureSvg(opts.title, rows);
      const figure = svg === undefined ? undefined : figureKind === 'png' ? await pngFromSvg(svg, 2) : svg;
      await writePage(html);
      if (writeFigure && figure !== undefined) await writeFigure(figure);
      if (opts.json) {
        const summary = rows.map(evaluationSummary);
        process.stdout.write(`${JSON.stringify({ page: out, figure: figurePath ?? null, rows: summary }, jsonNumbers, 2)}\n`);
        return;
      }
      process.stdout.write(`${table}\n\nDET overlay: ${out}\n${figurePath === undefined ? '' : `DET figure: ${figurePath}\n`}`);
    });
}

/** The figure's format, from its file name's extension. */
function figureFormat(path: string): 'svg' | 'png' {
  const ext = extname(path).toLowerCase();
  if (ext === '.svg' || ext === '.png') return ext === '.svg' ? 'svg' : 'png';
  throw new ConfigError(`--figure ${path}: give a .svg or .png file name (the format is taken from it)`);
}
