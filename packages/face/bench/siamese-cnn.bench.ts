/**
 * Issue 7, target (a): the classic small twin CNN trained from scratch, on small grey faces of
 * LFW identities, evaluated one-shot on identities it never saw.
 *
 * Data: LFW identities with at least `--min-images` (5) images, at most `--images-per-identity`
 * (10) each; optionally identities with `--train-min-images`..4 images join training only. Each
 * image is detected and aligned onto dlib's face chip by the normal pipeline, made grey and
 * area-downscaled to `--size` (32) pixels; each thumbnail is standardised (zero mean, unit
 * variance). Failures to acquire are counted and excluded (printed). Thumbnails and dlib's
 * embeddings of the same chips are cached in results/.cache/siamese-cnn/.
 *
 * Per seed: splitIdentities(seed) holds out `--test-share` of the identities for the test; the
 * trainer holds `--validation-share` of the rest out for early stopping. Rows of the table: raw
 * pixels (cosine of the standardised thumbnails: the floor), the twin CNN, and dlib's frozen
 * pretrained embedding of the same chips (the ceiling, trained on millions of faces).
 *
 * Usage: npm run bench-siamese-cnn -w packages/face -- [--config ../../experiments/configs/training/lfw-twin-cnn.yaml]
 *        [--seeds 1,2,3] [--size 32] [--loss triplet] [--mining batch-hard] [--epochs 40]
 *        [--filters 32,64] [--kernel 5] [--embedding-dim 128] [--log-dir DIR] [--out file.json]
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { progressBar, type Progress } from '@biofuse/core';
import { trainingTensorflow, epochLogPage, type EpochLogCurve, splitIdentities, takeRows, type LabelledEmbeddings, oneShotEvaluation, type OneShotResult, epochLogCsv, trainProjectionHead, type SiameseLoss, type MiningStrategy, createTwinCnn } from '@biofuse/core/training';
import { parseBenchArgs } from './bench-args';
import { LFW_SELECTION_OPTIONS, lfwIdentities, lfwSelectionFromArgs } from './lfw-identities';
import type { CnnChipJob, CnnChipResult } from './siamese-cnn-worker';
import { embeddingCodeKey } from './embedding-cache-key';
import { fillImageCache } from './worker-pool';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const args = parseBenchArgs({
  ...LFW_SELECTION_OPTIONS,
  detector: { type: 'string', default: 'cascade' },
  size: { type: 'string', default: '32' },
  seeds: { type: 'string', default: '1,2,3' },
  'test-share': { type: 'string', default: '0.25' },
  'validation-share': { type: 'string', default: '0.2' },
  loss: { type: 'string', default: 'triplet' },
  mining: { type: 'string', default: 'batch-hard' },
  margin: { type: 'string' },
  epochs: { type: 'string', default: '40' },
  patience: { type: 'string', default: '8' },
  'learning-rate': { type: 'string', default: '1e-3' },
  p: { type: 'string', default: '8' },
  k: { type: 'string', default: '4' },
  filters: { type: 'string', default: '32,64' },
  kernel: { type: 'string', default: '5' },
  'embedding-dim': { type: 'string', default: '128' },
  workers: { type: 'string', default: '2' },
  'log-dir': { type: 'string' },
  out: { type: 'string' },
});
const started = performance.now();
const size = Number(args.size);
const seeds = args.seeds.split(',').map(Number);

const { identities, summary } = lfwIdentities(args.root, lfwSelectionFromArgs(args));
const images = identities.flatMap((i) => i.images);
console.log(`${summary}; grey ${size} x ${size} thumbnails of dlib's aligned chip; detector ${args.detector}`);

// ---- thumbnails and dlib embeddings, cached per image ----
const cacheDir = resolve(repo, 'results/.cache/siamese-cnn');
mkdirSync(cacheDir, { recursive: true });
const cacheFile = join(cacheDir, `${createHash('sha1').update(JSON.stringify({ code: await embeddingCodeKey(['dlib-resnet']), size, detector: args.detector, root: resolve(args.root) })).digest('hex').slice(0, 16)}.json`);
type Entry = { thumbnail: string; dlib: string } | { failure: string };
const cache: Record<string, Entry> = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
await fillImageCache<CnnChipResult, Entry>({
  script: join(here, 'siamese-cnn-worker.ts'),
  images,
  workers: Number(args.workers),
  cacheFile,
  cache,
  verb: 'aligning',
  job: (slice): CnnChipJob => ({ images: slice, root: args.root, detector: args.detector, size }),
  entry: (m) => (m.failure !== undefined ? { failure: m.failure } : { thumbnail: m.thumbnail!, dlib: m.dlib! }),
});

// ---- labelled sets ----
const failures = images.filter((im) => 'failure' in cache[im]);
const kept = images.filter((im) => !('failure' in cache[im]));
console.log(`failure to acquire: ${failures.length} of ${images.length} images (${((100 * failures.length) / images.length).toFixed(2)} %), excluded`);
const labelOf = new Map(identities.map((id, i) => [id.name, i]));
const labels = Int32Array.from(kept.map((im) => labelOf.get(im.split('/')[0])!));
const pixelsDim = size * size;
const pixelRows = new Float32Array(kept.length * pixelsDim);
const dlibRows = new Float32Array(kept.length * 128);
kept.forEach((im, r) => {
  const e = cache[im] as { thumbnail: string; dlib: string };
  const bytes = Buffer.from(e.thumbnail, 'base64');
  let mean = 0;
  for (const v of bytes) mean += v / bytes.length;
  let variance = 0;
  for (const v of bytes) variance += (v - mean) ** 2 / bytes.length;
  const sd = Math.sqrt(variance) || 1;
  for (let i = 0; i < pixelsDim; i++) pixelRows[r * pixelsDim + i] = (bytes[i] - mean) / sd;
  const d = Buffer.from(e.dlib, 'base64');
  dlibRows.set(new Float32Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)), r * 128);
});
const pixels: LabelledEmbeddings = { embeddings: pixelRows, labels, dim: pixelsDim };
const dlib: LabelledEmbeddings = { embeddings: dlibRows, labels, dim: 128 };
const isExtra = identities.map((i) => i.extra);
const coreRows = Int32Array.from(labels.keys()).filter((i) => !isExtra[labels[i]]);
const extraRows = Int32Array.from(labels.keys()).filter((i) => isExtra[labels[i]]);
const coreLabels = Int32Array.from(coreRows, (i) => labels[i]);

// ---- per seed ----
const tf = await trainingTensorflow('wasm');
const filters = args.filters.split(',').map(Number) as [number, number];
const rows = ['raw pixels (floor)', 'twin CNN from scratch', 'frozen dlib ResNet (pretrained ceiling)'];
const results = new Map<string, OneShotResult[]>(rows.map((r) => [r, []]));
const throughput: number[] = [];
for (const seed of seeds) {
  const core = splitIdentities(coreLabels, { validationShare: 0, testShare: Number(args['test-share']), seed });
  const trainRows = Int32Array.from([...Array.from(core.train, (i) => coreRows[i]), ...extraRows]);
  const testRows = Int32Array.from(core.test, (i) => coreRows[i]);
  const test = takeRows(pixels, testRows);
  results.get(rows[0])!.push(oneShotEvaluation(test, { seed }));
  results.get(rows[2])!.push(oneShotEvaluation(takeRows(dlib, testRows), { seed }));
  const t0 = performance.now();
  let bar: Progress | undefined;
  const trained = await trainProjectionHead(tf, takeRows(pixels, trainRows), {
    loss: args.loss as SiameseLoss,
    mining: args.mining as MiningStrategy,
    ...(args.margin ? { margin: Number(args.margin) } : {}),
    seed,
    epochs: Number(args.epochs),
    patience: Number(args.patience),
    learningRate: Number(args['learning-rate']),
    p: Number(args.p),
    k: Number(args.k),
    validationShare: Number(args['validation-share']),
    tower: (t) => createTwinCnn(t, { inputSize: size, channels: 1, embeddingDim: Number(args['embedding-dim']), seed, filters, kernelSize: Number(args.kernel) }).model,
    onBatch: (done, total, epoch) => {
      bar ??= progressBar(`    seed ${seed} epoch ${epoch}`);
      bar.update(done, total);
    },
    onEpoch: (r) => {
      bar?.done();
      bar = undefined;
      console.log(`    seed ${seed} epoch ${r.epoch}: loss ${r.loss.toFixed(4)}, validation EER ${(100 * r.validationEer).toFixed(2)} %, ${r.samplesPerSecond.toFixed(0)} samples/s`);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const cnn = oneShotEvaluation({ embeddings: trained.project(test.embeddings), labels: test.labels, dim: trained.outputDim }, { seed });
  results.get(rows[1])!.push(cnn);
  const sps = trained.log.map((r) => r.samplesPerSecond);
  throughput.push(sps.reduce((a, b) => a + b, 0) / sps.length);
  console.log(
    `  seed ${seed}: ${core.trainIdentities.length + new Set(Array.from(extraRows, (i) => labels[i])).size} training identities (validation ${trained.validationIdentities.length} of them; ${trained.unusedIdentities.length} with fewer than K samples never in a batch), ${core.testIdentities.length} test; ` +
      `${trained.log.length} epochs (kept ${trained.bestEpoch}), ${seconds.toFixed(0)} s; test rank-1 ${(100 * cnn.rank1).toFixed(1)} %, EER ${(100 * cnn.eer).toFixed(1)} %`,
  );
  if (args['log-dir']) {
    mkdirSync(args['log-dir'], { recursive: true });
    writeFileSync(join(args['log-dir'], `twin-cnn-seed${seed}.csv`), epochLogCsv(trained.log));
    const curve: EpochLogCurve = { name: `twin CNN, ${args.loss}${args.loss === 'triplet' ? ` ${args.mining}` : ''}`, log: trained.log, bestEpoch: trained.bestEpoch, initialValidationEer: trained.initialValidationEer };
    writeFileSync(join(args['log-dir'], `twin-cnn-seed${seed}.html`), epochLogPage(`Twin CNN from scratch, LFW ${size} x ${size} grey, seed ${seed}`, [curve]));
  }
  trained.dispose();
}

const pct = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
  return `${(100 * m).toFixed(1)} ± ${(100 * sd).toFixed(1)}`;
};
console.log(`\n| one-shot on held-out LFW identities (${seeds.length} seeds) | rank-1 % | TAR@FAR=1e-3 % | EER % | FNIR@FPIR=1% % |`);
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const rs = results.get(r)!;
  console.log(`| ${r} | ${pct(rs.map((x) => x.rank1))} | ${pct(rs.map((x) => x.tarAtFar.tar))} | ${pct(rs.map((x) => x.eer))} | ${pct(rs.map((x) => x.openSet.fnir))} |`);
}
console.log(`\ntwin CNN training throughput on wasm: ${throughput.map((t) => t.toFixed(0)).join(' / ')} samples/s (per seed)`);
console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (args.out) {
  mkdirSync(dirname(resolve(args.out)), { recursive: true });
  const out = { size, seeds, images: images.length, failures: failures.length, rows: Object.fromEntries([...results].map(([n, rs]) => [n, rs.map((r) => ({ rank1: r.rank1, tar: r.tarAtFar.tar, eer: r.eer }))])), throughput, date: new Date().toISOString() };
  writeFileSync(resolve(args.out), JSON.stringify(out, null, 2));
}
