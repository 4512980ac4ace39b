import { isAbsolute, join } from 'node:path';
import { DatasetError } from '@biofuse/core';
import type { ScoresCsvSourceConfig } from '../config/schema';
import { readScoresCsv } from '../run/scores-csv';
import type { ComparisonScores } from './comparison-scores';

/** The score files a config reads (the run's and the cache fingerprint's one list). */
export function scoresCsvFiles(cfg: ScoresCsvSourceConfig, dataRoot: string): string[] {
  return cfg.files.map((f) => (isAbsolute(f) ? f : join(dataRoot, f)));
}

/**
 * Scores of earlier runs. Several files are joined on (probe, reference): they must hold the
 * same comparisons with the same labels, and distinct system names. A protocol may make the
 * same comparison more than once (SVC2004's seeded trials can draw the same enrolment set):
 * the k-th occurrence of a pair in one file joins the k-th in the other.
 */
export async function scoresCsvSource(cfg: ScoresCsvSourceConfig, dataRoot: string): Promise<ComparisonScores> {
  const paths = scoresCsvFiles(cfg, dataRoot);
  const parts = await Promise.all(paths.map((p) => readScoresCsv(p)));
  const base = parts[0];
  const index = new Map<string, number>();
  const baseKeys = occurrenceKeys(base);
  baseKeys.forEach((k, i) => index.set(k, i));
  const systems = [...base.systems];
  for (let p = 1; p < parts.length; p++) {
    const part = parts[p];
    if (part.label.length !== base.label.length) {
      throw new DatasetError(`holds ${part.label.length} comparisons, ${paths[0]} holds ${base.label.length}: score sets must cover the same comparisons`, paths[p]);
    }
    const order = new Int32Array(base.label.length);
    const partKeys = occurrenceKeys(part);
    for (let i = 0; i < part.label.length; i++) {
      const at = index.get(partKeys[i]);
      if (at === undefined) throw new DatasetError(`comparison ${part.probe[i]} vs ${part.reference[i]} is not in ${paths[0]}: mismatched ids`, paths[p], i + 2);
      if (part.label[i] !== base.label[at]) throw new DatasetError(`label of ${part.probe[i]} vs ${part.reference[i]} differs from ${paths[0]}`, paths[p], i + 2);
      order[at] = i;
    }
    for (const s of part.systems) {
      if (systems.some((x) => x.name === s.name)) throw new DatasetError(`system "${s.name}" appears in two score files`, paths[p]);
      systems.push({ name: s.name, scores: Float64Array.from(order, (i) => s.scores[i]), errors: Array.from(order, (i) => s.errors[i]) });
    }
  }
  return { ...base, systems, dataFiles: paths };
}

/** Each row's join key: probe, reference and which occurrence of that pair in the file it is. */
function occurrenceKeys(d: ComparisonScores): string[] {
  const seen = new Map<string, number>();
  return d.probe.map((probe, i) => {
    const pair = `${probe}\u0000${d.reference[i]}`;
    const k = seen.get(pair) ?? 0;
    seen.set(pair, k + 1);
    return `${pair}\u0000${k}`;
  });
}
