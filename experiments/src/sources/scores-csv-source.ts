import { isAbsolute, join } from 'node:path';
import { DatasetError } from '@biofuse/core';
import type { ScoresCsvSourceConfig } from '../config/schema';
import { readScoresCsv } from '../run/scores-csv';
import type { ComparisonScores } from './comparison-scores';

/**
 * Scores of earlier runs. Several files are joined on (probe, reference): they must hold the
 * same comparisons with the same labels, and distinct system names.
 */
export async function scoresCsvSource(cfg: ScoresCsvSourceConfig, dataRoot: string): Promise<ComparisonScores> {
  const paths = cfg.files.map((f) => (isAbsolute(f) ? f : join(dataRoot, f)));
  const parts = await Promise.all(paths.map((p) => readScoresCsv(p)));
  const base = parts[0];
  const key = (d: ComparisonScores, i: number) => `${d.probe[i]}\u0000${d.reference[i]}`;
  const index = new Map<string, number>();
  for (let i = 0; i < base.label.length; i++) {
    const k = key(base, i);
    if (index.has(k)) throw new DatasetError(`comparison ${base.probe[i]} vs ${base.reference[i]} appears twice`, paths[0], i + 2);
    index.set(k, i);
  }
  const systems = [...base.systems];
  for (let p = 1; p < parts.length; p++) {
    const part = parts[p];
    if (part.label.length !== base.label.length) {
      throw new DatasetError(`holds ${part.label.length} comparisons, ${paths[0]} holds ${base.label.length}: score sets must cover the same comparisons`, paths[p]);
    }
    const order = new Int32Array(base.label.length);
    for (let i = 0; i < part.label.length; i++) {
      const at = index.get(key(part, i));
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
