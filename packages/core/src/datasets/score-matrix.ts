import { decimalRefusal, parseDecimal } from './decimal';
import { readTextFile } from './text-lines';
import { DatasetError } from '../errors';
import { scoreSet, type ScoreSet } from '../metrics/score-set';

/**
 * A square similarity matrix in the NIST BSSR1 layout: a CSV whose first row and first column
 * hold the subject ids (in the same order) and whose cell (i, j) compares subject i's probe with
 * subject j's reference. The diagonal is genuine, the rest impostor.
 */
export interface ScoreMatrix {
  /** The file it was read from; undefined for text parsed in memory. */
  readonly path?: string;
  readonly subjects: readonly string[];
  /** Row-major n x n scores. */
  readonly scores: Float64Array;
}

export async function readScoreMatrix(path: string): Promise<ScoreMatrix> {
  const text = await readTextFile(path, (reason) => `cannot read score matrix (${reason})`);
  return parseScoreMatrix(text, path);
}

/** What messages call a matrix parsed from text in memory, which has no path. */
const IN_MEMORY = 'score matrix text';

/** Parses the CSV text; errors name `path` and line (`m.csv:3: ...`), or without a path `score matrix text, line 3: ...`. */
export function parseScoreMatrix(text: string, path?: string): ScoreMatrix {
  const fail = (message: string, line?: number): DatasetError => new DatasetError(message, path, line, { input: IN_MEMORY });
  // Blank and whitespace-only lines are no rows; the rest keep their line numbers in the file
  // (dropping blank lines before numbering named the wrong line, and " " counted as a row).
  const lines: { text: string; line: number }[] = [];
  text.split(/\r?\n/).forEach((t, i) => {
    if (t.trim().length > 0) lines.push({ text: t, line: i + 1 });
  });
  if (lines.length < 2) throw fail('a score matrix needs a header row and at least one row');
  const header = lines[0].text.split(',');
  const subjects = header.slice(1).map((s) => s.trim());
  const n = subjects.length;
  // A repeated id would make its two rows each other's genuine pairs and impostors at once.
  const repeated = subjects.find((s, k) => subjects.indexOf(s) !== k);
  if (repeated !== undefined) throw fail(`subject "${repeated}" is named twice in the header`, lines[0].line);
  if (lines.length - 1 !== n) {
    throw fail(`header names ${n} subjects but there are ${lines.length - 1} rows`);
  }
  const scores = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const { text: row, line } = lines[i + 1];
    const cells = row.split(',');
    if (cells.length !== n + 1) {
      throw fail(`row has ${cells.length} cells, expected ${n + 1}`, line);
    }
    if (cells[0].trim() !== subjects[i]) {
      throw fail(`row subject "${cells[0]}" differs from column subject "${subjects[i]}"`, line);
    }
    for (let j = 0; j < n; j++) {
      const cell = cells[j + 1].trim();
      const v = parseDecimal(cell);
      if (Number.isNaN(v)) throw fail(`cell ${j + 2} ${decimalRefusal(cell)}: "${cell}"`, line);
      scores[i * n + j] = v;
    }
  }
  return path === undefined ? { subjects, scores } : { path, subjects, scores };
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
