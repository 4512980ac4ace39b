import { readFile } from 'node:fs/promises';
import { parseDecimal } from './decimal';
import { DatasetError } from '../errors';
import { scoreSet, type ScoreSet } from '../metrics/score-set';

/**
 * A square similarity matrix in the NIST BSSR1 layout: a CSV whose first row and first column
 * hold the subject ids (in the same order) and whose cell (i, j) compares subject i's probe with
 * subject j's reference. The diagonal is genuine, the rest impostor.
 */
export interface ScoreMatrix {
  readonly path: string;
  readonly subjects: readonly string[];
  /** Row-major n x n scores. */
  readonly scores: Float64Array;
}

export async function readScoreMatrix(path: string): Promise<ScoreMatrix> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DatasetError(`cannot read score matrix (${(err as NodeJS.ErrnoException).code ?? String(err)})`, path);
  }
  return parseScoreMatrix(text, path);
}

export function parseScoreMatrix(text: string, path = '<memory>'): ScoreMatrix {
  // Blank and whitespace-only lines are no rows; the rest keep their line numbers in the file
  // (dropping blank lines before numbering named the wrong line, and " " counted as a row).
  const lines: { text: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((t, i) => {
    if (t.trim().length > 0) lines.push({ text: t, line: i + 1 });
  });
  if (lines.length < 2) throw new DatasetError('a score matrix needs a header row and at least one row', path);
  const header = lines[0].text.split(',');
  const subjects = header.slice(1).map((s) => s.trim());
  const n = subjects.length;
  // A repeated id would make its two rows each other's genuine pairs and impostors at once.
  const repeated = subjects.find((s, k) => subjects.indexOf(s) !== k);
  if (repeated !== undefined) throw new DatasetError(`subject "${repeated}" is named twice in the header`, path, lines[0].line);
  if (lines.length - 1 !== n) {
    throw new DatasetError(`header names ${n} subjects but there are ${lines.length - 1} rows`, path);
  }
  const scores = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const { text: row, line } = lines[i + 1];
    const cells = row.split(',');
    if (cells.length !== n + 1) {
      throw new DatasetError(`row has ${cells.length} cells, expected ${n + 1}`, path, line);
    }
    if (cells[0].trim() !== subjects[i]) {
      throw new DatasetError(`row subject "${cells[0]}" differs from column subject "${subjects[i]}"`, path, line);
    }
    for (let j = 0; j < n; j++) {
      const cell = cells[j + 1].trim();
      const v = parseDecimal(cell);
      if (Number.isNaN(v)) throw new DatasetError(`cell ${j + 2} is not a number: "${cell}"`, path, line);
      scores[i * n + j] = v;
    }
  }
  return { path, subjects, scores };
}

/**
 * The BSSR1 protocol: diagonal cells genuine, off-diagonal impostor. Every cell is kept as a
 * score, including BSSR1's -1 marks for failed face comparisons, unless `failureValue` names
 * the value to count as a failure instead.
 */
export function scoreMatrixToScoreSet(m: ScoreMatrix, opts: { failureValue?: number } = {}): ScoreSet {
  const n = m.subjects.length;
  const genuine: number[] = [];
  const impostor = new Float64Array(n * n - n);
  let genuineFailures = 0;
  let impostorFailures = 0;
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = m.scores[i * n + j];
      const failed = opts.failureValue !== undefined && v === opts.failureValue;
      if (i === j) {
        if (failed) genuineFailures++;
        else genuine.push(v);
      } else if (failed) impostorFailures++;
      else impostor[k++] = v;
    }
  }
  return scoreSet({ genuine, impostor: impostor.subarray(0, k), genuineFailures, impostorFailures });
}
