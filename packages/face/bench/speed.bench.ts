/**
 * Speed of detection + alignment + embedding per face on this machine (one process, one core
 * each, run one after another), against the same models through @vladmandic/face-api's and
 * @vladmandic/human's own pipelines, on the same decoded LFW images.
 * Usage: npm run bench-speed -w packages/face -- [--images 60]
 */
import { fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sharedDatasetsRoot } from '@biofuse/core/testing';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({ options: { images: { type: 'string', default: '60' }, root: { type: 'string', default: join(sharedDatasetsRoot(), 'lfw') } } });
const people = readdirSync(join(args.root, 'images')).sort();
const paths = people.slice(0, Number(args.images)).map((p) => join(args.root, 'images', p, readdirSync(join(args.root, 'images', p)).sort()[0]));

interface Timing {
  contender: string;
  images: number;
  faces: number;
  singleMs: number;
  batchMs?: number;
}
const run = (contender: string) =>
  new Promise<Timing>((ok, fail) => {
    const child = fork(join(here, 'speed-peer.ts'), [contender, JSON.stringify(paths)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.on('message', (m) => ok(m as Timing));
    child.on('exit', (code) => code && fail(new Error(`${contender} exited with ${code}`)));
  });

const results: Record<string, Timing> = {};
for (const c of ['ours-dlib', 'faceapi', 'ours-faceres', 'human']) results[c] = await run(c);
console.log(`per face, ${paths.length} LFW images, one process (wasm, 1 thread):`);
for (const r of Object.values(results)) {
  console.log(`  ${r.contender.padEnd(14)} single ${r.singleMs.toFixed(1).padStart(6)} ms${r.batchMs ? `   batched(16) ${r.batchMs.toFixed(1).padStart(6)} ms` : ''}   faces found ${r.faces}/${r.images}`);
}
const ratio = (a: number, b: number) => (b / a).toFixed(2);
console.log(`speed-up vs face-api (dlib ResNet): single x${ratio(results['ours-dlib'].singleMs, results.faceapi.singleMs)}, batched x${ratio(results['ours-dlib'].batchMs!, results.faceapi.singleMs)}`);
console.log(`speed-up vs Human (FaceRes):        single x${ratio(results['ours-faceres'].singleMs, results.human.singleMs)}, batched x${ratio(results['ours-faceres'].batchMs!, results.human.singleMs)}`);
