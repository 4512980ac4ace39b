import { fork } from 'node:child_process';

/**
 * Splits `images` across `workers` forked tsx processes running `script`: worker w gets every
 * image with index % workers === w inside the job `jobFor(slice, w)`, sends one message per
 * image and 'done' at the end. Rejects when a worker fails or exits with an error.
 */
export async function runWorkerPool<Result>(
  script: string,
  images: readonly string[],
  workers: number,
  jobFor: (slice: string[], worker: number) => object,
  onResult: (result: Result) => void,
): Promise<void> {
  await Promise.all(
    Array.from(
      { length: workers },
      (_, w) =>
        new Promise<void>((ok, fail) => {
          const child = fork(script, [], { execArgv: ['--import', 'tsx'] });
          child.on('message', (m: Result | 'done') => {
            if (m === 'done') {
              child.kill();
              ok();
              return;
            }
            onResult(m);
          });
          child.on('error', fail);
          child.on('exit', (code) => (code ? fail(new Error(`worker exited with ${code}`)) : ok()));
          child.send(jobFor(images.filter((_, i) => i % workers === w), w));
        }),
    ),
  );
}
