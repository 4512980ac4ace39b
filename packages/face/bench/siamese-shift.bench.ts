/**
 * Issue 7, targets (b) and (c): fine-tuning a projection head on a FROZEN pretrained face
 * embedding under a reproducible domain shift, against the frozen embedding on the same shifted,
 * identity-disjoint test identities; one head per loss (triplet, contrastive, binary) and per
 * triplet mining (batch-hard, semi-hard, batch-all = no hard mining).
 *
 * Data: LFW identities with at least `--min-images` (5) images, at most `--images-per-identity`
 * (10) each (the first ones by file name), optionally the first `--max-identities` by name.
 * Each image is detected and aligned normally on the original; the aligned chip is embedded
 * clean and degraded (siamese-shift-degrade.ts: `--shift low-res` = grey 24 x 24 + noise + back
 * up, or `--shift blur-noise`). Failures to acquire are counted and excluded (printed).
 * Embeddings are cached in results/.cache/siamese-shift/<hash of the LFW folder, the shift options and the embedding code and cards (embedding-cache-key.ts)>.json.
 *
 * Per seed (1, 2, 3 by default): splitIdentities(seed) holds out `--test-share` of the
 * identities for the test; the trainer holds `--validation-share` of the rest out for early
 * stopping (by identity, same seed). Heads (128 -> 256 -> 128) are trained on the SHIFTED
 * embeddings of the training identities; oneShotEvaluation(seed) scores the shifted test
 * identities frozen and projected, and the clean frozen embeddings as the reference ceiling.
 *
 * Usage: npm run bench-siamese-shift -w packages/face -- [--config ../../experiments/configs/training/X.yaml]
 *        [--max-identities N]
 *        [--images-per-identity 10] [--shift low-res|blur-noise] [--size 24] [--noise 8]
 *        [--blur 3] [--shift-seed 1] [--seeds 1,2,3] [--workers 2] [--epochs 60] [--out file.json]
 *        head: [--hidden 256 | --hidden ''] [--learning-rate 1e-3] [--margin m] [--p 8] [--k 4]
 *        [--train-min-images 2] (identities with 2..4 images join training only; use --k 2)
 *        [--mix-clean] (extra rows: heads also trained on the clean embeddings of the training images)
 *        [--log-dir DIR] (per seed: each head's epoch log as CSV and one plotly page of all heads)
 *        [--export-dir DIR] (the first seed's heads as face models: <model>-<shift>-<head>.json cards)
 *        [--residual] (heads start as the identity: output = input + MLP(input), last layer zero;
 *        early stopping may then keep the untrained head, i.e. the frozen embedding)
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitIdentities, takeRows, type LabelledEmbeddings, oneShotEvaluation, type OneShotResult, trainingTensorflow, epochLogPage, type EpochLogCurve, epochLogCsv, trainProjectionHead, type TrainHeadConfig } from '@biofuse/core/training';
import { progressBar } from '@biofuse/core';
import { exportProjectionHead } from '../src/training/export-head';
import { SHIFT_KINDS, type ShiftKind, type ShiftOptions } from './siamese-shift-degrade';
import type { ShiftJob, ShiftResult } from './siamese-shift-worker';
import { parseBenchArgs } from './bench-args';
import { LFW_SELECTION_OPTIONS, lfwIdentities, lfwSelectionFromArgs } from './lfw-identities';
import { embeddingCodeKey } from './embedding-cache-key';
import { fillImageCache } from './worker-pool';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const OPTIONS = {
  ...LFW_SELECTION_OPTIONS,
  model: { type: 'string', default: 'dlib-resnet' },
  detector: { type: 'string', default: 'cascade' },
  shift: { type: 'string', default: 'low-res' },
  size: { type: 'string', default: '24' },
  noise: { type: 'string', default: '8' },
  blur: { type: 'string', default: '3' },
  'shift-seed': { type: 'string', default: '1' },
  seeds: { type: 'string', default: '1,2,3' },
  'test-share': { type: 'string', default: '0.25' },
  'validation-share': { type: 'string', default: '0.2' },
  epochs: { type: 'string', default: '60' },
  patience: { type: 'string', default: '8' },
  'learning-rate': { type: 'string', default: '1e-3' },
  margin: { type: 'string' },
  hidden: { type: 'string', default: '256' },
  p: { type: 'string', default: '8' },
  k: { type: 'string', default: '4' },
  'mix-clean': { type: 'boolean', default: false },
  residual: { type: 'boolean', default: false },
  workers: { type: 'string', default: '2' },
  out: { type: 'string' },
  'log-dir': { type: 'string' },
  'export-dir': { type: 'string' },
} as const;
const args = parseBenchArgs(OPTIONS);
const started = performance.now();
if (!SHIFT_KINDS.includes(args.shift as ShiftKind)) throw new Error(`--shift must be one of ${SHIFT_KINDS.join(', ')}, got ${args.shift}`);
const shift: ShiftOptions = {
  kind: args.shift as ShiftKind,
  size: Number(args.size),
  noise: Number(args.noise),
  blur: Number(args.blur),
  seed: Number(args['shift-seed']),
};
const seeds = args.seeds.split(',').map(Number);

// ---- the image list ----
const { identities, summary } = lfwIdentities(args.root, lfwSelectionFromArgs(args));
const images = identities.flatMap((i) => i.images);
console.log(`${summary}; shift ${JSON.stringify(shift)}; model ${args.model}, detector ${args.detector}`);

// ---- embeddings: clean and shifted, cached per image under a hash of the options ----
const cacheDir = resolve(repo, 'results/.cache/siamese-shift');
mkdirSync(cacheDir, { recursive: true });
const cacheKey = JSON.stringify({ code: await embeddingCodeKey([args.model]), root: resolve(args.root), model: args.model, detector: args.detector, shift: shift.kind === 'low-res' ? { ...shift, blur: 0 } : { ...shift, size: 0 } });
const cacheFile = join(cacheDir, `${createHash('sha1').update(cacheKey).digest('hex').slice(0, 16)}.json`);
type Entry = { clean: string; shifted: string } | { failure: string };
const cache: Record<string, Entry> = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
let pipelineCosine: number | undefined;
const perImageMs: number[] = [];
const embedSeconds = await fillImageCache<ShiftResult, Entry>({
  script: join(here, 'siamese-shift-worker.ts'),
  images,
  workers: Number(args.workers),
  cacheFile,
  cache,
  verb: 'embedding (clean + shifted)',
  job: (slice, w): ShiftJob => ({ images: slice, root: args.root, model: args.model, detector: args.detector, shift, checkPipeline: w === 0 }),
  entry: (m) => (m.failure !== undefined ? { failure: m.failure } : { clean: m.clean!, shifted: m.shifted! }),
  onResult: (m) => {
    perImageMs.push(m.ms);
    if (m.pipelineCosine !== undefined) pipelineCosine = m.pipelineCosine;
  },
});

// ---- labelled sets (failures to acquire excluded, counted) ----
const failures = images.filter((im) => 'failure' in cache[im]);
const kept = images.filter((im) => !('failure' in cache[im]));
const decode = (s: string) => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
const first = cache[kept[0]] as { clean: string };
const dim = decode(first.clean).length;
const labelOf = new Map(identities.map((id, i) => [id.name, i]));
const labels = Int32Array.from(kept.map((im) => labelOf.get(im.split('/')[0])!));
const cleanRows = new Float32Array(kept.length * dim);
const shiftedRows = new Float32Array(kept.length * dim);
kept.forEach((im, i) => {
  const e = cache[im] as { clean: string; shifted: string };
  cleanRows.set(decode(e.clean), i * dim);
  shiftedRows.set(decode(e.shifted), i * dim);
});
const clean: LabelledEmbeddings = { embeddings: cleanRows, labels, dim };
const shifted: LabelledEmbeddings = { embeddings: shiftedRows, labels, dim };
const isExtra = identities.map((i) => i.extra);
const coreRows = Int32Array.from(labels.keys()).filter((i) => !isExtra[labels[i]]);
const extraRows = Int32Array.from(labels.keys()).filter((i) => isExtra[labels[i]]);
const coreLabels = Int32Array.from(coreRows, (i) => labels[i]);
console.log(
  `failure to acquire: ${failures.length} of ${images.length} images (${((100 * failures.length) / images.length).toFixed(2)} %), excluded` +
    (failures.length ? `: ${failures.slice(0, 8).join(', ')}${failures.length > 8 ? ', ...' : ''}` : ''),
);
if (pipelineCosine !== undefined) console.log(`check: clean chip path vs FaceRecognizer.embedFaces on the first image, cosine ${pipelineCosine.toFixed(6)}`);

// ---- per seed: split, train heads on shifted train identities, one-shot on shifted test identities ----
const tf = await trainingTensorflow('wasm');
// Target (c): every loss, and the triplet loss with and without hard mining (batch-all uses
// every valid triplet of the batch; batch-hard only the hardest positive and negative per anchor).
const rowNames: string[] = [
  'frozen clean (reference)',
  'frozen shifted',
  'head triplet batch-hard',
  'head contrastive',
  'head triplet batch-all (no hard mining)',
  'head triplet semi-hard',
  'head binary',
];
if (args['mix-clean']) rowNames.push('head triplet batch-hard, shifted+clean train', 'head contrastive, shifted+clean train');
type RowName = string;
const results = new Map<RowName, OneShotResult[]>(rowNames.map((n) => [n, []]));
const training = new Map<RowName, { samplesPerSecond: number[]; seconds: number[]; bestEpoch: number[]; epochs: number[]; backend: string }>();
const heads: { name: RowName; config: Partial<TrainHeadConfig>; mix?: boolean }[] = [
  { name: 'head triplet batch-hard', config: { loss: 'triplet', mining: 'batch-hard' } },
  { name: 'head contrastive', config: { loss: 'contrastive' } },
  { name: 'head triplet batch-all (no hard mining)', config: { loss: 'triplet', mining: 'batch-all' } },
  { name: 'head triplet semi-hard', config: { loss: 'triplet', mining: 'semi-hard' } },
  { name: 'head binary', config: { loss: 'binary' } },
];
// --mix-clean: also train on the clean embeddings of the same training images (same labels), so
// batches pair clean and shifted views of an identity; validation and test stay as above.
if (args['mix-clean']) {
  heads.push({ name: rowNames[7], config: heads[0].config, mix: true }, { name: rowNames[8], config: heads[1].config, mix: true });
}
const concatSets = (a: LabelledEmbeddings, b: LabelledEmbeddings): LabelledEmbeddings => {
  const embeddings = new Float32Array(a.embeddings.length + b.embeddings.length);
  embeddings.set(a.embeddings);
  embeddings.set(b.embeddings, a.embeddings.length);
  const l = new Int32Array(a.labels.length + b.labels.length);
  l.set(a.labels);
  l.set(b.labels, a.labels.length);
  return { embeddings, labels: l, dim: a.dim };
};
const activeText = (share: number) => (Number.isNaN(share) ? '-' : `${(100 * share).toFixed(0)} %`);
const splits: { seed: number; train: number; validation: number; test: number; trainSamples: number; testSamples: number }[] = [];
for (const seed of seeds) {
  const coreSplit = splitIdentities(coreLabels, { validationShare: 0, testShare: Number(args['test-share']), seed });
  const split = {
    ...coreSplit,
    train: Int32Array.from([...Array.from(coreSplit.train, (i) => coreRows[i]), ...extraRows]),
    test: Int32Array.from(coreSplit.test, (i) => coreRows[i]),
    trainIdentities: Int32Array.from(new Set([...coreSplit.trainIdentities, ...Array.from(extraRows, (i) => labels[i])])),
  };
  const trainPool = takeRows(shifted, split.train);
  const testShifted = takeRows(shifted, split.test);
  const testClean = takeRows(clean, split.test);
  results.get('frozen clean (reference)')!.push(oneShotEvaluation(testClean, { seed }));
  results.get('frozen shifted')!.push(oneShotEvaluation(testShifted, { seed }));
  let validationIdentities = 0;
  let unusedIdentities = 0;
  const curves: EpochLogCurve[] = [];
  const mixedPool = args['mix-clean'] ? concatSets(trainPool, takeRows(clean, split.train)) : trainPool;
  for (const { name, config, mix } of heads) {
    const t0 = performance.now();
    const bar = progressBar(`  seed ${seed} ${name}`);
    const head = await trainProjectionHead(tf, mix ? mixedPool : trainPool, {
      onBatch: (_done, _total, epoch) => bar.update(epoch, Number(args.epochs)),
      ...(config as TrainHeadConfig),
      seed,
      hidden: args.hidden === '' ? [] : args.hidden.split(',').map(Number),
      p: Number(args.p),
      k: Number(args.k),
      ...(args.margin ? { margin: Number(args.margin) } : {}),
      ...(args.residual ? { residual: true } : { outputDim: 128 }),
      epochs: Number(args.epochs),
      patience: Number(args.patience),
      learningRate: Number(args['learning-rate']),
      validationShare: Number(args['validation-share']),
    });
    bar.done();
    const seconds = (performance.now() - t0) / 1000;
    validationIdentities = head.validationIdentities.length;
    unusedIdentities = head.unusedIdentities.length;
    const projected = oneShotEvaluation({ embeddings: head.project(testShifted.embeddings), labels: testShifted.labels, dim: head.outputDim }, { seed });
    results.get(name)!.push(projected);
    curves.push({ name, log: head.log, bestEpoch: head.bestEpoch, initialValidationEer: head.initialValidationEer });
    const slug = name.replace(/^head /, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '');
    if (args['log-dir']) {
      mkdirSync(args['log-dir'], { recursive: true });
      writeFileSync(join(args['log-dir'], `${slug}-seed${seed}.csv`), epochLogCsv(head.log));
    }
    if (args['export-dir'] && seed === seeds[0]) {
      const { cardPath } = await exportProjectionHead(head, {
        name: `${args.model}-${shift.kind}-${slug}`,
        base: args.model,
        dir: args['export-dir'],
        description: `${args.model} with a Siamese ${name.replace(/^head /, '')} projection head trained for the LFW ${shift.kind} shift (seed ${seed})`,
        training: {
          config: { ...(config as Record<string, unknown>), hidden: args.hidden, residual: args.residual, p: Number(args.p), k: Number(args.k), epochs: Number(args.epochs), learningRate: Number(args['learning-rate']), shift },
          data: `LFW: ${split.trainIdentities.length} training identities (identity-disjoint from the ${split.testIdentities.length} test identities of seed ${seed}), shifted embeddings`,
          seed,
          validation: { eer: head.bestEpoch === 0 ? head.initialValidationEer : head.log[head.bestEpoch - 1].validationEer, untrainedEer: head.initialValidationEer, bestEpoch: head.bestEpoch, testRank1: projected.rank1, testTarAtFar1e3: projected.tarAtFar.tar },
        },
      });
      console.log(`  exported ${cardPath}`);
    }
    const t = training.get(name) ?? { samplesPerSecond: [], seconds: [], bestEpoch: [], epochs: [], backend: head.backend };
    training.set(name, t);
    const sps = head.log.map((r) => r.samplesPerSecond);
    t.samplesPerSecond.push(sps.reduce((a, b) => a + b, 0) / sps.length);
    t.seconds.push(seconds);
    t.bestEpoch.push(head.bestEpoch);
    t.epochs.push(head.log.length);
    console.log(
      `  seed ${seed} ${name}: ${head.log.length} epochs (best ${head.bestEpoch}, val EER ${(100 * (head.bestEpoch === 0 ? head.initialValidationEer : head.log[head.bestEpoch - 1].validationEer)).toFixed(2)} % from ${(100 * head.initialValidationEer).toFixed(2)} % untrained), ` +
        `${seconds.toFixed(1)} s; active share first/last epoch ${activeText(head.log[0].activeShare)}/${activeText(head.log[head.log.length - 1].activeShare)}; ` +
        `test rank-1 ${(100 * projected.rank1).toFixed(1)} %, TAR@1e-3 ${(100 * projected.tarAtFar.tar).toFixed(1)} %`,
    );
    head.dispose();
  }
  if (args['log-dir']) {
    const page = epochLogPage(`Siamese heads, LFW ${shift.kind} shift, seed ${seed}`, curves, [`model ${args.model}; ${heads.length} heads; the star marks the epoch whose weights were kept (early stopping on validation identities).`]);
    writeFileSync(join(args['log-dir'], `seed${seed}.html`), page);
    console.log(`  training curves: ${join(args['log-dir'], `seed${seed}.html`)}`);
  }
  const nTrainIds = split.trainIdentities.length - validationIdentities;
  splits.push({ seed, train: nTrainIds, validation: validationIdentities, test: split.testIdentities.length, trainSamples: trainPool.labels.length, testSamples: testShifted.labels.length });
  const [c, s] = [results.get('frozen clean (reference)')!.at(-1)!, results.get('frozen shifted')!.at(-1)!];
  console.log(
    `  seed ${seed}: identities train ${nTrainIds} (${unusedIdentities} with fewer than K samples never in a batch) / validation ${validationIdentities} / test ${split.testIdentities.length} ` +
      `(${trainPool.labels.length} train+validation samples, ${testShifted.labels.length} test samples, ${s.probes} probes, ${s.impostorPairs} impostor pairs); ` +
      `frozen clean rank-1 ${(100 * c.rank1).toFixed(1)} %, frozen shifted rank-1 ${(100 * s.rank1).toFixed(1)} %`,
  );
}

// ---- the table ----
const meanSd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
  return { m, sd };
};
const pct = (xs: number[]) => {
  const { m, sd } = meanSd(xs.map((x) => 100 * x));
  return `${m.toFixed(1)} ± ${sd.toFixed(1)}`;
};
const below = (rs: OneShotResult[]) => (rs.some((r) => r.tarAtFar.belowResolution) ? ' (below resolution)' : rs.some((r) => r.tarAtFar.unreachable) ? ' (not reachable)' : '');
const lines = [
  `| configuration (${seeds.length} seeds: ${seeds.join(', ')}) | rank-1 % | TAR@FAR=1e-3 % | EER % | FNIR@FPIR=1% % | train samples/s (wasm) |`,
  '|---|---|---|---|---|---|',
];
for (const name of rowNames) {
  const rs = results.get(name)!;
  const t = training.get(name);
  lines.push(
    `| ${name} | ${pct(rs.map((r) => r.rank1))} | ${pct(rs.map((r) => r.tarAtFar.tar))}${below(rs)} | ${pct(rs.map((r) => r.eer))} | ${pct(rs.map((r) => r.openSet.fnir))} | ` +
      `${t ? `${meanSd(t.samplesPerSecond).m.toFixed(0)} ± ${meanSd(t.samplesPerSecond).sd.toFixed(0)} (${t.backend})` : '-'} |`,
  );
}
const gain = (name: RowName, metric: (r: OneShotResult) => number, sign = 1) => {
  const h = results.get(name)!;
  const f = results.get('frozen shifted')!;
  return pct(h.map((r, i) => sign * (metric(r) - metric(f[i]))));
};
lines.push('');
lines.push('| paired gain over frozen shifted (same seed, same test set) | Δ rank-1 pts | Δ TAR@FAR=1e-3 pts | Δ EER pts (negative = better) |');
lines.push('|---|---|---|---|');
for (const { name } of heads) {
  lines.push(`| ${name} | ${gain(name, (r) => r.rank1)} | ${gain(name, (r) => r.tarAtFar.tar)} | ${gain(name, (r) => r.eer)} |`);
}
console.log(`\n${lines.join('\n')}\n`);
for (const [name, t] of training) {
  console.log(`${name}: epochs run ${t.epochs.join('/')}, best epoch ${t.bestEpoch.join('/')}, training ${t.seconds.map((s) => s.toFixed(1)).join('/')} s (backend ${t.backend})`);
}
const verdict = heads.map(({ name }) => {
  const h = results.get(name)!;
  const f = results.get('frozen shifted')!;
  const r1 = h.every((r, i) => r.rank1 > f[i].rank1);
  const tar = h.every((r, i) => r.tarAtFar.tar > f[i].tarAtFar.tar);
  return `${name}: ${r1 && tar ? 'beats' : 'does NOT consistently beat'} the frozen shifted embedding on every seed (rank-1 ${r1 ? 'yes' : 'no'}, TAR@FAR=1e-3 ${tar ? 'yes' : 'no'})`;
});
console.log(verdict.join('\n'));
if (perImageMs.length) {
  const sorted = [...perImageMs].sort((a, b) => a - b);
  console.log(`embedding: ${embedSeconds.toFixed(0)} s wall for ${perImageMs.length} images, median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms per image per worker (detect + align + 2 embeddings)`);
}
console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (args.out) {
  const summary = {
    shift, model: args.model, detector: args.detector, images: images.length, identities: identities.length, failures,
    seeds, splits,
    rows: Object.fromEntries([...results].map(([n, rs]) => [n, rs.map((r) => ({ rank1: r.rank1, tar: r.tarAtFar.tar, eer: r.eer, fnir: r.openSet.fnir }))])),
    training: Object.fromEntries(training), date: new Date().toISOString(),
  };
  mkdirSync(dirname(resolve(args.out)), { recursive: true });
  writeFileSync(resolve(args.out), JSON.stringify(summary, null, 2));
  console.log(`wrote ${resolve(args.out)}`);
}
