import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DatasetError, type VerificationReport } from '@biofuse/core';
import { parseResultsJson } from '../run/json';
import type { QualityErc } from '../run/quality-erc';
import { detPageHtml, type EvaluationRow } from './det-page';
import { formatMetricsTable } from './metrics-table';
import { formatQualityErcTable } from './quality-erc-table';

interface MetricsFile {
  experiment: string;
  evaluations: (Omit<VerificationReport, 'det'> & { name: string; eerInterval?: { low: number; high: number }; qualityErc?: QualityErc[] })[];
}
interface DetFile {
  evaluations: { name: string; det: Record<string, number[]> }[];
}

/** Every evaluation of several run folders, labelled `<experiment>/<evaluation>` (with the run id when an experiment repeats). */
export async function readRuns(runDirs: readonly string[]): Promise<EvaluationRow[]> {
  const rows: EvaluationRow[] = [];
  const experiments = new Map<string, number>();
  const loaded = await Promise.all(runDirs.map(async (dir) => ({ dir, metrics: (await readJson(join(dir, 'metrics.json'))) as MetricsFile, det: (await readJson(join(dir, 'det.json'))) as DetFile })));
  for (const l of loaded) experiments.set(l.metrics.experiment, (experiments.get(l.metrics.experiment) ?? 0) + 1);
  for (const { dir, metrics, det } of loaded) {
    const prefix = experiments.get(metrics.experiment)! > 1 ? `${metrics.experiment}@${basename(dir)}` : metrics.experiment;
    for (const e of metrics.evaluations) {
      const curve = det.evaluations.find((d) => d.name === e.name);
      if (!curve) throw new DatasetError(`det.json has no curve for "${e.name}"`, join(dir, 'det.json'));
      const report = { ...e, det: toTyped(curve.det) } as VerificationReport;
      const { eerInterval, qualityErc } = e;
      rows.push({
        name: metrics.evaluations.length > 1 || e.name !== metrics.experiment ? `${prefix}/${e.name}` : prefix,
        report,
        ...(eerInterval ? { eerInterval } : {}),
        ...(qualityErc ? { qualityErc } : {}),
      });
    }
  }
  return rows;
}

/** The comparison table and one DET overlay page for several runs. */
export async function compareRuns(runDirs: readonly string[], title = 'biofuse runs'): Promise<{ table: string; rows: EvaluationRow[]; html: string }> {
  const rows = await readRuns(runDirs);
  if (rows.length === 0) throw new DatasetError('no evaluations found in the given run folders');
  const html = detPageHtml(title, rows, [`Runs: ${runDirs.map((d) => `${basename(dirname(d))}/${basename(d)}`).join(', ')}`]);
  const erc = formatQualityErcTable(rows);
  return { table: erc ? `${formatMetricsTable(rows)}\n\n${erc}` : formatMetricsTable(rows), rows, html };
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DatasetError(`not a biofuse run folder (cannot read ${basename(path)}: ${(err as NodeJS.ErrnoException).code ?? String(err)})`, dirname(path));
  }
  try {
    return parseResultsJson(text);
  } catch {
    throw new DatasetError('not valid JSON', path);
  }
}

function toTyped(det: Record<string, number[]>): VerificationReport['det'] {
  const arr = (k: string) => Float64Array.from(det[k] ?? []);
  return { thresholds: arr('thresholds'), fmr: arr('fmr'), fnmr: arr('fnmr'), fmrDeviate: arr('fmrDeviate'), fnmrDeviate: arr('fnmrDeviate') };
}
