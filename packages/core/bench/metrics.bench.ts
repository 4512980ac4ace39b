/**
 * Times the verification metrics on 10 million seeded scores (1 M genuine, 9 M impostor):
 * one sort-and-sweep, then EER, ROCCH-EER, FNMR at FMR = 1e-2/1e-3/1e-4 and the thinned DET.
 * Usage: npm run bench:metrics [-- --scores 10000000 --runs 3]
 */
import { parseArgs } from 'node:util';
import { detCurve, equalErrorRate, errorRateCurve, fnmrAtFmr, rocConvexHullEer, scoreSet, seededRandom } from '../src/index';

const { values } = parseArgs({ options: { scores: { type: 'string', default: '10000000' }, runs: { type: 'string', default: '3' } } });
const total = Number(values.scores);
const runs = Number(values.runs);
const nGenuine = Math.round(total / 10);
const rng = seededRandom(2024);
const genuine = new Float64Array(nGenuine);
const impostor = new Float64Array(total - nGenuine);
for (let i = 0; i < genuine.length; i++) genuine[i] = 3 + rng.normal();
for (let i = 0; i < impostor.length; i++) impostor[i] = rng.normal();
const set = scoreSet({ genuine, impostor });

const times: number[] = [];
let summary = '';
for (let r = 0; r <= runs; r++) {
  const t0 = performance.now();
  const curve = errorRateCurve(set);
  const eer = equalErrorRate(curve);
  const rocch = rocConvexHullEer(curve);
  const ops = [1e-2, 1e-3, 1e-4].map((t) => fnmrAtFmr(curve, t));
  const det = detCurve(curve);
  const ms = performance.now() - t0;
  if (r > 0) times.push(ms); // run 0 warms up the JIT
  summary =
    `EER ${(eer.value * 100).toFixed(3)} %, ROCCH-EER ${(rocch * 100).toFixed(3)} %, ` +
    ops.map((o) => `FNMR@${o.targetFmr} ${(o.fnmr * 100).toFixed(2)} %`).join(', ') +
    `, DET ${det.fmr.length} points from ${curve.fmr.length}`;
}
times.sort((a, b) => a - b);
console.log(`metrics on ${total.toLocaleString('en')} scores (${nGenuine.toLocaleString('en')} genuine), ${runs} runs after warm-up`);
console.log(summary);
console.log(`median ${(times[times.length >> 1] / 1000).toFixed(2)} s, min ${(times[0] / 1000).toFixed(2)} s, max ${(times[times.length - 1] / 1000).toFixed(2)} s`);
