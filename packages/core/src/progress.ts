/** What a long job reports its progress to. */
export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

/** Bars drawn and not yet done: a command that fails ends their lines before its message (endProgressLines). */
const unfinished = new Set<Progress>();

/** Ends the line of every bar still drawn, so that what is written next (an error) starts a line of its own. */
export function endProgressLines(): void {
  for (const bar of [...unfinished]) bar.done();
}

/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (never in logs,
 * pipes or CI), at most ten times a second. Used by the CLI and by long-running benches.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr, unit: 'items' | 'bytes' = 'items'): Progress {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  let drawn = false;
  const started = Date.now();
  const bar: Progress = {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      drawn = true;
      unfinished.add(bar);
      if (!(total > 0)) {
        // A total of 0 (or not known) has no fraction: `7/0 0%` would say nothing was done.
        stream.write(`\r${label} ${unit === 'bytes' ? `${mib(done)} MiB` : done} `);
        return;
      }
      const width = 30;
      const frac = Math.min(done / total, 1);
      const filled = Math.round(frac * width);
      const elapsed = (now - started) / 1000;
      const eta = frac > 0 ? elapsed / frac - elapsed : 0;
      const count = unit === 'bytes' ? `${mib(done)}/${mib(total)} MiB` : `${done}/${total}`;
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count} ${(frac * 100).toFixed(0)}% eta ${eta.toFixed(0)}s `);
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
      unfinished.delete(bar);
    },
  };
  return bar;
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
