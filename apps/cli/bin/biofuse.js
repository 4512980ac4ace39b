#!/usr/bin/env node
// The biofuse command. The sources are TypeScript, run through tsx's loader, so a fresh
// clone works right after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
// Output piped into `head` and closed early is not an error: stop quietly, as Unix tools do.
// Any other failure to write the output (a full disk, /dev/full) is a data error in one line.
for (const [stream, name] of [[process.stdout, 'standard output'], [process.stderr, 'standard error']]) {
  stream.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    if (stream !== process.stderr) process.stderr.write(`biofuse: cannot write to ${name} (${err.code ?? err.message})\n`);
    process.exit(2);
  });
}
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv);
