/**
 * LFW verification benchmark for every model x detector x alignment, plus feature-level
 * ensembles. Protocol (the 5 folds given in ../shared/datasets/lfw):
 *   - fold 1 is the development fold: ensemble weights and the model cards' thresholds
 *     (at FMR = 1e-3 and EER, over all same/different-identity pairs of its images) come from it;
 *   - folds 2-5 are reported with LFW's leave-one-fold-out protocol (threshold trained on the
 *     other three, accuracy on the held-out one), plus pooled EER and TAR at FAR = 1e-3;
 *   - failures to acquire stay in: a pair with a missing face scores -infinity (a reject).
 * Usage: npm run bench-lfw -w packages/face -- [--models a,b] [--detectors cascade,blazeface]
 *        [--variants aligned,aligned+flip,upright] [--workers 2] [--pairs-per-fold N]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sharedDatasetsRoot } from '@biofuse/core/testing';
import { equalErrorRate, errorRateCurve, fnmrAtFmr, readLfwPairs, scoreSetFromLabelled } from '@biofuse/core';
import type { ImageResult } from './lfw-embed-worker';
import { embeddingCodeKey } from './embedding-cache-key';
import { runWorkerPool } from './worker-pool';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const { values: args } = parseArgs({
  options: {
    root: { type: 'string', default: join(sharedDatasetsRoot(), 'lfw') },
    models: { type: 'string', default: 'dlib-resnet,faceres,mobileface,faceres-deep,mobilefacenet' },
    detectors: { type: 'string', default: 'cascade' },
    variants: { type: 'string', default: 'aligned,aligned+flip,upright' },
    workers: { type: 'string', default: '2' },
    'pairs-per-fold': { type: 'string' },
    out: { type: 'string', default: resolve(repo, 'results/face-lfw') },
  },
});
const models = args.models.split(',');
const detectors = args.detectors.split(',');
const variants = args.variants.split(',');
const perFold = args['pairs-per-fold'] ? Number(args['pairs-per-fold']) : undefined;

let pairs = await readLfwPairs(join(args.root, 'pairs.txt'));
if (perFold) pairs = pairs.filter((p, i) => i % 600 < perFold / 2 || (i % 600 >= 300 && i % 600 < 300 + perFold / 2));
const images = [...new Set(pairs.flatMap((p) => [p.reference[0], p.probe]))].sort();

// ---- embeddings (cached per image and configuration) ----
const cacheDir = resolve(repo, 'results/.cache/face-lfw');
mkdirSync(cacheDir, { recursive: true });
const keys = detectors.flatMap((d) => variants.flatMap((v) => models.map((m) => `${d}|${v}|${m}`)));
// The key names the LFW folder too: another copy (say the deep-funnelled images) must not reuse these embeddings.
const codeKey = await embeddingCodeKey(models);
const cacheFile = (key: string) => join(cacheDir, `${createHash('sha1').update(`${resolve(args.root)}|${codeKey}|${key}`).digest('hex').slice(0, 16)}.json`);
const cache = new Map<string, Record<string, string>>(keys.map((k) => [k, existsSync(cacheFile(k)) ? JSON.parse(readFileSync(cacheFile(k), 'utf8')) : {}]));
const todo = images.filter((im) => keys.some((k) => cache.get(k)![im] === undefined));
const timing = { detect: [] as number[], embed: new Map<string, number[]>() };
if (todo.length > 0) {
  const workers = Number(args.workers);
  console.log(`embedding ${todo.length} images x ${keys.length} configurations on ${workers} processes...`);
  const t0 = performance.now();
  let done = 0;
  await runWorkerPool<ImageResult>(
    join(here, 'lfw-embed-worker.ts'),
    todo,
    workers,
    (slice) => ({ images: slice, root: args.root, detectors, variants, models }),
    (m) => {
      for (const k of keys) cache.get(k)![m.image] = m.embeddings[k] ?? `!${m.failures[k] ?? 'missing'}`;
      for (const ms of Object.values(m.detectMs)) timing.detect.push(ms);
      for (const [k, ms] of Object.entries(m.embedMs)) (timing.embed.get(k) ?? timing.embed.set(k, []).get(k)!).push(ms);
      if (++done % 200 === 0) console.log(`  ${done}/${todo.length} (${((performance.now() - t0) / done).toFixed(0)} ms/image wall)`);
    },
  );
  for (const k of keys) writeFileSync(cacheFile(k), JSON.stringify(cache.get(k)));
  console.log(`embedded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

function embedding(key: string, image: string): Float32Array | undefined {
  const v = cache.get(key)![image];
  if (!v || v.startsWith('!')) return undefined;
  const b = Buffer.from(v, 'base64');
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

/** Cosine per pair for a weighted ensemble of keys; NaN when a face is missing. */
function pairScores(list: readonly typeof pairs[number][], members: readonly { key: string; weight: number }[]): Float64Array {
  const out = new Float64Array(list.length);
  list.forEach((p, i) => {
    let s = 0;
    for (const { key, weight } of members) {
      const a = embedding(key, p.reference[0]);
      const b = embedding(key, p.probe);
      if (!a || !b) {
        s = NaN;
        break;
      }
      let dot = 0;
      for (let d = 0; d < a.length; d++) dot += a[d] * b[d];
      s += weight * dot;
    }
    out[i] = s;
  });
  return out;
}

/** The accuracy-maximising threshold on training scores (midpoint between neighbours). */
function bestThreshold(scores: Float64Array, labels: readonly boolean[]): number {
  const order = Array.from(scores.keys()).filter((i) => !Number.isNaN(scores[i])).sort((a, b) => scores[a] - scores[b]);
  let correct = labels.filter((g) => !g).length; // threshold above everything: all rejected
  let best = correct;
  let threshold = Infinity;
  for (let k = order.length - 1; k >= 0; k--) {
    correct += labels[order[k]] ? 1 : -1;
    if (correct > best && (k === 0 || scores[order[k - 1]] < scores[order[k]])) {
      best = correct;
      threshold = k === 0 ? scores[order[k]] - 1e-6 : (scores[order[k]] + scores[order[k - 1]]) / 2;
    }
  }
  return threshold;
}

interface Row {
  readonly name: string;
  readonly accuracy: number;
  readonly accuracySd: number;
  readonly accuracyAll5: number;
  readonly eer: number;
  readonly tarAtFar1e3: number;
  readonly fta: number;
}

function evaluate(name: string, members: readonly { key: string; weight: number }[]): Row {
  const foldAccuracy = (folds: readonly number[]) =>
    folds.map((test) => {
      const train = pairs.filter((p) => folds.includes(p.fold!) && p.fold !== test);
      const held = pairs.filter((p) => p.fold === test);
      const t = bestThreshold(pairScores(train, members), train.map((p) => p.genuine));
      const s = pairScores(held, members);
      return held.filter((p, i) => (!Number.isNaN(s[i]) && s[i] >= t) === p.genuine).length / held.length;
    });
  const report = foldAccuracy([2, 3, 4, 5]);
  const mean = report.reduce((a, b) => a + b, 0) / report.length;
  const sd = Math.sqrt(report.reduce((a, b) => a + (b - mean) ** 2, 0) / (report.length - 1));
  const all5 = foldAccuracy([1, 2, 3, 4, 5]);
  const held = pairs.filter((p) => p.fold! >= 2);
  const scores = pairScores(held, members);
  const curve = errorRateCurve(scoreSetFromLabelled(scores, held.map((p) => p.genuine)));
  const keyImages = new Set(held.flatMap((p) => [p.reference[0], p.probe]));
  const missing = [...keyImages].filter((im) => members.some(({ key }) => !embedding(key, im))).length;
  return {
    name,
    accuracy: mean,
    accuracySd: sd,
    accuracyAll5: all5.reduce((a, b) => a + b, 0) / all5.length,
    eer: equalErrorRate(curve).value,
    tarAtFar1e3: 1 - fnmrAtFmr(curve, 1e-3).fnmr,
    fta: missing / keyImages.size,
  };
}

const rows: Row[] = [];
for (const key of keys) rows.push(evaluate(key, [{ key, weight: 1 }]));

// ---- ensembles: weights on the development fold (fold 1) only ----
// Objective: EER over every same/different-identity pair of fold 1's images (hundreds of
// thousands of impostor pairs: smooth, unlike the 600 official pairs).
const devImages = [...new Set(pairs.filter((p) => p.fold === 1).flatMap((p) => [p.reference[0], p.probe]))].sort();
const devLabels: boolean[] = [];
for (let a = 0; a < devImages.length; a++) for (let b = a + 1; b < devImages.length; b++) devLabels.push(devImages[a].split('/')[0] === devImages[b].split('/')[0]);
const devCosines = new Map<string, Float64Array>();
function devCosine(key: string): Float64Array {
  let out = devCosines.get(key);
  if (!out) {
    out = new Float64Array(devLabels.length);
    const e = devImages.map((im) => embedding(key, im));
    let k = 0;
    for (let a = 0; a < e.length; a++) {
      for (let b = a + 1; b < e.length; b++, k++) {
        const x = e[a];
        const y = e[b];
        if (!x || !y) {
          out[k] = NaN;
          continue;
        }
        let dot = 0;
        for (let d = 0; d < x.length; d++) dot += x[d] * y[d];
        out[k] = dot;
      }
    }
    devCosines.set(key, out);
  }
  return out;
}
function devEer(members: readonly { key: string; weight: number }[]): number {
  const fused = new Float64Array(devLabels.length);
  for (const { key, weight } of members) {
    const c = devCosine(key);
    for (let i = 0; i < fused.length; i++) fused[i] += weight * c[i];
  }
  return equalErrorRate(errorRateCurve(scoreSetFromLabelled(fused, devLabels))).value;
}
const ensembles: { name: string; members: { key: string; weight: number }[] }[] = [];
for (const d of detectors) {
  for (const v of variants) {
    const prefix = `${d}|${v}|`;
    const candidates = models.filter((m) => m !== 'mobilefacenet').map((m) => prefix + m);
    if (candidates.length < 2) continue;
    // Coordinate search on the simplex, step 0.05, starting from equal weights.
    let weights = candidates.map(() => 1 / candidates.length);
    let best = devEer(candidates.map((key, i) => ({ key, weight: weights[i] })));
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < candidates.length; i++) {
        for (const w of [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]) {
          const trial = weights.map((v, j) => (j === i ? w : v));
          const total = trial.reduce((s, v) => s + v, 0);
          if (total === 0) continue;
          const normalised = trial.map((v) => v / total);
          const eer = devEer(candidates.map((key, j) => ({ key, weight: normalised[j] })));
          if (eer < best - 1e-9) {
            best = eer;
            weights = normalised;
          }
        }
      }
    }
    const members = candidates.map((key, i) => ({ key, weight: Math.round(weights[i] * 1000) / 1000 })).filter((m) => m.weight > 0);
    ensembles.push({ name: `${prefix}ensemble(${members.map((m) => `${m.key.slice(prefix.length)}*${m.weight}`).join('+')})`, members });
    rows.push(evaluate(ensembles.at(-1)!.name, members));
  }
}

const pct = (v: number, digits = 2) => (v * 100).toFixed(digits).padStart(6);
console.log(`\nLFW, ${pairs.filter((p) => p.fold! >= 2).length} pairs of folds 2-5 (leave-one-fold-out), fold 1 for development; ${images.length} images`);
console.log(`${'configuration'.padEnd(84)} acc%  (sd)    acc5%   EER%  TAR@1e-3%  FTA%`);
for (const r of rows) {
  console.log(`${r.name.padEnd(84)}${pct(r.accuracy)} (${(r.accuracySd * 100).toFixed(2)}) ${pct(r.accuracyAll5)} ${pct(r.eer)} ${pct(r.tarAtFar1e3)} ${pct(r.fta)}`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
if (timing.detect.length) {
  console.log(`\nper image (this run, median): detect ${median(timing.detect).toFixed(1)} ms; embed ${[...timing.embed].map(([k, v]) => `${k} ${median(v).toFixed(1)} ms`).join(', ')}`);
}

mkdirSync(args.out, { recursive: true });
writeFileSync(join(args.out, 'lfw.json'), JSON.stringify({ rows, ensembles, images: images.length, date: new Date().toISOString() }, null, 2));
console.log(`\nwrote ${join(args.out, 'lfw.json')}`);
