import { describe, expect, it } from 'vitest';
import { progressBar } from './progress';

/** A terminal that records what is written to it. */
function terminal(): { stream: NodeJS.WriteStream; lines: string[] } {
  const lines: string[] = [];
  const stream = { isTTY: true, write: (s: string) => lines.push(s) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, lines };
}

describe('progressBar', () => {
  it('draws the count, the bar and the percentage, and ends the line', () => {
    const { stream, lines } = terminal();
    const bar = progressBar('work', stream);
    bar.update(5, 10);
    bar.update(10, 10);
    bar.done();
    expect(lines[0]).toMatch(/^\rwork \[#{15}\.{15}\] 5\/10 50% eta \d+s $/);
    expect(lines.at(-2)).toMatch(/10\/10 100%/);
    expect(lines.at(-1)).toBe('\n');
  });

  it('shows only the count for a total of 0, not 0 %', () => {
    const { stream, lines } = terminal();
    progressBar('scan', stream).update(7, 0);
    progressBar('fetch', stream, 'bytes').update(3 * 2 ** 20, 0);
    expect(lines).toEqual(['\rscan 7 ', '\rfetch 3.0 MiB ']);
  });

  it('writes nothing when the stream is not a terminal', () => {
    const { stream, lines } = terminal();
    (stream as { isTTY: boolean }).isTTY = false;
    const bar = progressBar('work', stream);
    bar.update(1, 2);
    bar.done();
    expect(lines).toEqual([]);
  });
});
