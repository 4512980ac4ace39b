import { basename, dirname, join } from 'node:path';
import { DatasetError, readTextFile, type FnmrAtFmr, type VerificationReport, type ZeroFmr } from '@biofuse/core';
import { z } from 'zod';
import { parseResultsJson } from '../run/json';
import { detPageHtml, type EvaluationRow } from './det-page';
import { formatMetricsTable } from './metrics-table';
import { formatQualityErcTable } from './quality-erc-table';

// What a report reads of a run's files, checked before use: a file of the right JSON but another
// shape (hand-edited, another tool's) is a data error naming the file and field, not a TypeError.
// NaN and ±Infinity are results too (d' of constant scores, the threshold past the last score): any number.
const num = z.custom<number>((v) => typeof v === 'number', 'expected a number');
const point = z.object({ threshold: num, fmr: num, fnmr: num });
// Flags a file written before they existed lacks (see fnmrAtFmrRead and zeroFmrRead).
const fnmrAtFmrPoint = point.extend({ targetFmr: num, belowResolution: z.boolean(), unreachable: z.boolean().optional() });
const zeroFmrPoint = point.extend({ reached: z.boolean().optional() });
const metricsFileSchema = z.object({
  experiment: z.string(),
  evaluations: z.array(
    z.object({
      name: z.string(),
      counts: z.object({ genuine: num, impostor: num, genuineFailures: num, impostorFailures: num }),
      fta: num,
      eer: z.object({ value: num, threshold: num, interval: z.tuple([num, num]) }),
      eerRocch: num,
      fnmrAtFmr: z.array(fnmrAtFmrPoint),
      zeroFmr: zeroFmrPoint,
      zeroFnmr: point,
      dPrime: num,
      auc: num,
      eerInterval: z.object({ low: num, high: num }).optional(),
      qualityErc: z
        .array(z.object({ targetFmr: num, threshold: num, fnmr: z.array(num), shareOfIdeal: num, curve: z.object({ rejected: z.array(num), fnmr: z.array(num) }) }))
        .optional(),
    }),
  ),
});
const detFileSchema = z.object({
  evaluations: z.array(z.object({ name: z.string(), det: z.record(z.string(), z.array(num)) })),
});
type MetricsFile = z.infer<typeof metricsFileSchema>;
type DetFile = z.infer<typeof detFileSchema>;

function checked<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new DatasetError(`not a biofuse ${basename(path)}: ${issue.path.length > 0 ? issue.path.join('.') : 'the file'}: ${issue.message}`, path);
}

/** Every evaluation of several run folders, labelled `<experiment>/<evaluation>` (with the run id when an experiment repeats). */
export async function readRuns(runDirs: readonly string[]): Promise<EvaluationRow[]> {
  const rows: EvaluationRow[] = [];
  const experiments = new Map<string, number>();
  const loaded = await Promise.all(
    runDirs.map(async (dir): Promise<{ dir: string; metrics: MetricsFile; det: DetFile }> => {
      const metricsPath = join(dir, 'metrics.json');
      const detPath = join(dir, 'det.json');
      return { dir, metrics: checked(metricsFileSchema, await readJson(metricsPath), metricsPath), det: checked(detFileSchema, await readJson(detPath), detPath) };
    }),
  );
  for (const l of loaded) experiments.set(l.metrics.experiment, (experiments.get(l.metrics.experiment) ?? 0) + 1);
  for (const { dir, metrics, det } of loaded) {
    const prefix = experiments.get(metrics.experiment)! > 1 ? `${metrics.experiment}@${basename(dir)}` : metrics.experiment;
    for (const e of metrics.evaluations) {
      const curve = det.evaluations.find((d) => d.name === e.name);
      if (!curve) throw new DatasetError(`det.json has no curve for "${e.name}"`, join(dir, 'det.json'));
      // The report is the metrics alone: the name within its run and the interval travel beside it.
      const { name: _name, eerInterval, qualityErc, ...metricsOnly } = e;
      const report: VerificationReport = {
        ...metricsOnly,
        fnmrAtFmr: e.fnmrAtFmr.map((p) => fnmrAtFmrRead(p, e.counts.impostor)),
        zeroFmr: zeroFmrRead(e.zeroFmr),
        det: toTyped(curve.det),
      };
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
  const text = await readTextFile(path, (reason) => `not a biofuse run folder (cannot read ${basename(path)}: ${reason})`, dirname(path));
  try {
    return parseResultsJson(text);
  } catch {
    throw new DatasetError('not valid JSON', path);
  }
}

/**
 * An FNMR@FMR point as core makes it now. One written before `unreachable` existed lacks it: it
 * is `fmr > targetFmr` (no threshold got under the target). Such a file's `belowResolution` meant
 * "target below 1 / (impostor comparisons)" or, for a while, that or unreachable: recomputed from
 * the impostor count, it means the first alone, as now.
 */
function fnmrAtFmrRead(p: z.infer<typeof fnmrAtFmrPoint>, impostors: number): FnmrAtFmr {
  const { unreachable, ...rest } = p;
  if (unreachable !== undefined) return { ...rest, unreachable };
  return { ...rest, belowResolution: p.targetFmr * impostors < 1, unreachable: p.fmr > p.targetFmr };
}

/** The ZeroFMR point as core makes it now: one written before `reached` existed reached FMR 0 where its FMR is 0. */
function zeroFmrRead(p: z.infer<typeof zeroFmrPoint>): ZeroFmr {
  const { reached, ...rest } = p;
  return { ...rest, reached: reached ?? p.fmr === 0 };
}

function toTyped(det: Record<string, number[]>): VerificationReport['det'] {
  const arr = (k: string) => Float64Array.from(det[k] ?? []);
  return { thresholds: arr('thresholds'), fmr: arr('fmr'), fnmr: arr('fnmr'), fmrDeviate: arr('fmrDeviate'), fnmrDeviate: arr('fnmrDeviate') };
}
