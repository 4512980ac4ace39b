import { AcquisitionError, DatasetError } from '@biofuse/core';

/** What messages call a signature read from bytes in memory, which have no path. */
export const IN_MEMORY = 'signature bytes';

/**
 * A signature file that cannot be read: wrong format, wrong column count, bad values. Names the
 * file and line (`u.txt:3: ...`); bytes without a path read `signature bytes, line 3: ...`.
 */
export class SignatureFormatError extends DatasetError {
  constructor(message: string, path?: string, line?: number, options?: { cause?: unknown }) {
    super(message, path, line, { ...options, input: IN_MEMORY });
  }
}

/** A readable signature that cannot be used: empty, too little ink (pen-down samples), a pen that never moves while down. */
export class SignatureAcquisitionError extends AcquisitionError {}

/**
 * The same signature given twice to one user model (DTW distance 0 between them, as for a
 * copied file). Each copy is another reference's nearest neighbour at distance 0, so the
 * user's scale shrinks and genuine probes are rejected: with SVC2004's U1S1, U1S1, U1S2, U1S2,
 * U1S3 the scale fell from 1.46 to 0.25. `pairs` holds the positions (from 0) of every pair
 * of copies in the list given, so a caller can restate the error with its own names.
 */
export class DuplicateEnrolmentError extends SignatureAcquisitionError {
  constructor(
    readonly pairs: readonly (readonly [number, number])[],
    /** What to call each reference (the CLI: its file); by default its place in the list. */
    names?: readonly string[],
  ) {
    const name = (i: number) => names?.[i] ?? String(i + 1);
    const listed = copyGroups(pairs).map((group) => inWords(group.map(name))).join('; ');
    const where = names ? listed : `enrolment signatures ${listed} (counting from 1 in the order given)`;
    super('duplicate_enrolment', `the same signature is enrolled more than once (DTW distance 0): ${where}. Enrol distinct recordings of the writer`);
  }
}

/** The pairs of copies as groups of one signature each (a signature given three times is one group of three), in order. */
function copyGroups(pairs: readonly (readonly [number, number])[]): number[][] {
  const parent = new Map<number, number>();
  const root = (i: number): number => {
    const p = parent.get(i) ?? i;
    return p === i ? i : root(p);
  };
  for (const [i, j] of pairs) {
    const [a, b] = [root(i), root(j)];
    parent.set(Math.max(a, b), Math.min(a, b));
  }
  const groups = new Map<number, number[]>();
  for (const i of [...new Set(pairs.flat())].sort((a, b) => a - b)) groups.set(root(i), [...(groups.get(root(i)) ?? []), i]);
  return [...groups.values()];
}

const inWords = (items: readonly string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);
