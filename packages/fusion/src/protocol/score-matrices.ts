import { DatasetError, type ScoreMatrix } from '@biofuse/core';
import type { MultiScores } from '../multi-scores';

/**
 * Several BSSR1-style matrices over the same subjects as one MultiScores: row (i, j) compares
 * probe subject i with reference subject j, genuine on the diagonal. Cells equal to a
 * modality's `failureValue` (BSSR1 face-C's -1) become missing scores.
 */
export function multiScoresFromMatrices(
  matrices: readonly ScoreMatrix[],
  names: readonly string[],
  failureValues: readonly (number | undefined)[] = [],
): MultiScores {
  if (matrices.length === 0 || matrices.length !== names.length) throw new DatasetError('one name per score matrix is needed');
  const subjects = matrices[0].subjects;
  // A matrix parsed from text has no path: named by its system, not as "undefined".
  const nameOf = (c: number) => matrices[c].path ?? `score matrix "${names[c]}"`;
  matrices.forEach((m, c) => {
    if (m.subjects.length !== subjects.length || m.subjects.some((s, k) => s !== subjects[k])) {
      throw new DatasetError(`${m.path === undefined ? `${nameOf(c)}: ` : ''}subject ids differ from those of ${nameOf(0)}`, m.path);
    }
  });
  const n = subjects.length;
  const k = matrices.length;
  const rows = n * n;
  const scores = new Float64Array(rows * k);
  const labels = new Uint8Array(rows);
  const probeSubject = new Int32Array(rows);
  const referenceSubject = new Int32Array(rows);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const r = i * n + j;
      labels[r] = i === j ? 1 : 0;
      probeSubject[r] = i;
      referenceSubject[r] = j;
      for (let c = 0; c < k; c++) {
        const v = matrices[c].scores[r];
        scores[r * k + c] = failureValues[c] !== undefined && v === failureValues[c] ? Number.NaN : v;
      }
    }
  }
  return { modalities: [...names], scores, labels, probeSubject, referenceSubject };
}
