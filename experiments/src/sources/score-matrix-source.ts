import { join } from 'node:path';
import { DatasetError, readScoreMatrix, type ScoreMatrix } from '@biofuse/core';
import { systemOrder } from '../config/fusion-rules';
import type { ScoreMatrixSourceConfig } from '../config/schema';
import type { ComparisonScores, SystemScores } from './comparison-scores';

/** The matrix files a config reads, in the order of its systems (the run's and the cache fingerprint's one list). */
export function scoreMatrixFiles(cfg: ScoreMatrixSourceConfig, dataRoot: string): string[] {
  return systemOrder(Object.keys(cfg.systems)).map((name) => join(dataRoot, cfg.root, cfg.systems[name]));
}

/**
 * Score matrices in the BSSR1 layout: probe = row subject, reference = column subject,
 * genuine on the diagonal. Several matrices in one config must list the same subjects in
 * the same order, so their columns describe the same comparisons.
 */
export async function scoreMatrixSource(cfg: ScoreMatrixSourceConfig, dataRoot: string): Promise<ComparisonScores> {
  // In name order: the YAML order of a mapping is not part of the config hash, so it must not change a run.
  const entries = systemOrder(Object.keys(cfg.systems)).map((name) => [name, cfg.systems[name]] as const);
  const files = scoreMatrixFiles(cfg, dataRoot);
  const matrices: ScoreMatrix[] = await Promise.all(files.map((f) => readScoreMatrix(f)));
  const subjects = matrices[0].subjects;
  matrices.forEach((m, i) => {
    if (m.subjects.length !== subjects.length || m.subjects.some((s, k) => s !== subjects[k])) {
      throw new DatasetError(`subject ids differ from those of ${files[0]}; matrices of one experiment must describe the same comparisons`, files[i]);
    }
  });
  const n = subjects.length;
  const probe: string[] = new Array(n * n);
  const reference: string[] = new Array(n * n);
  const kind: string[] = new Array(n * n);
  const label = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const k = i * n + j;
      probe[k] = subjects[i];
      reference[k] = subjects[j];
      label[k] = i === j ? 1 : 0;
      kind[k] = i === j ? 'genuine' : 'impostor';
    }
  }
  const systems: SystemScores[] = matrices.map((m, s) => {
    const scores = m.scores.slice();
    const errors: (string | undefined)[] = new Array(n * n).fill(undefined);
    if (cfg.failureValue !== undefined) {
      for (let k = 0; k < scores.length; k++) {
        if (scores[k] === cfg.failureValue) {
          scores[k] = Number.NaN;
          errors[k] = `failed comparison (cell value ${cfg.failureValue})`;
        }
      }
    }
    return { name: entries[s][0], scores, errors };
  });
  return { probe, reference, probeSubject: probe, referenceSubject: reference, label, kind, systems, skipped: [], dataFiles: files };
}
