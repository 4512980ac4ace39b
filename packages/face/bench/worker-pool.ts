import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';

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

/**
 * Fills a per-image cache (a JSON file of image -> entry) for the images it lacks, on `workers`
 * forked processes, saving every 200 images so an interrupted run keeps its work. Returns the
 * wall seconds spent (0 when everything was cached).
 */
export async function fillImageCache<Result extends { readonly image: string }, Entry>(opts: {
  readonly script: string;
  readonly images: readonly string[];
  readonly workers: number;
  readonly cacheFile: string;
  readonly cache: Record<string, Entry>;
  readonly job: (slice: string[], worker: number) => object;
  readonly entry: (result: Result) => Entry;
  readonly onResult?: (result: Result) => void;
  /** What the workers do, for the progress lines ("embedding", "aligning"). */
  readonly verb: string;
}): Promise<number> {
  const todo = opts.images.filter((im) => opts.cache[im] === undefined);
  if (todo.length === 0) {
    console.log(`all ${opts.images.length} images from the cache ${opts.cacheFile}`);
    return 0;
  }
  const workers = Math.min(opts.workers, todo.length);
  console.log(`${opts.verb} ${todo.length} images on ${workers} worker processes...`);
  const t0 = performance.now();
  let done = 0;
  await runWorkerPool<Result>(opts.script, todo, workers, opts.job, (m) => {
    opts.cache[m.image] = opts.entry(m);
    opts.onResult?.(m);
    if (++done % 200 === 0) {
      console.log(`  ${done}/${todo.length} (${((performance.now() - t0) / done).toFixed(0)} ms/image wall)`);
      writeFileSync(opts.cacheFile, JSON.stringify(opts.cache));
    }
  });
  writeFileSync(opts.cacheFile, JSON.stringify(opts.cache));
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${opts.verb} done in ${seconds.toFixed(0)} s; cache ${opts.cacheFile}`);
  return seconds;
}
