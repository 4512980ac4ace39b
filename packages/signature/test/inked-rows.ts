import { MIN_PEN_DOWN_SAMPLES } from '../src/pen-trajectory';

/**
 * SVC2004 Task 2 rows `X Y T 1 0 0 5`, the pen down on a zig-zag, 10 ms apart from `t0`: the
 * ink a test file needs (MIN_PEN_DOWN_SAMPLES rows by default) for readSignature to take it.
 */
export function inkedSvcRows(count = MIN_PEN_DOWN_SAMPLES, t0 = 0): string[] {
  return Array.from({ length: count }, (_, k) => `${10 + 3 * k} ${20 + (k % 4)} ${t0 + 10 * k} 1 0 0 5`);
}

/** An SVC2004 file: the count line, then the rows. */
export const svcFile = (rows: readonly string[]) => `${rows.length}\n${rows.join('\n')}\n`;
