import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { ConfigError, TrainingError } from '../errors';
import { checkSeed } from '../random';
import { equalErrorRate, errorRateCurve, scoreSet } from '../metrics/index';
import type { Tf } from '../tensor/tfjs-runtime';
import { splitIdentities } from './identity-split';
import { allPairCosine, checkLabelledSet, takeRows, type LabelledEmbeddings } from './labelled-set';
import {
  binaryCrossEntropyWithLogits,
  contrastiveLoss,
  maskedTripletLoss,
  pairwiseDistance,
  tripletMask,
  type EmbeddingDistance,
} from './losses';
import { CHECKPOINT_FORMAT, readCheckpoint, runHash, serializeTensor, writeCheckpoint } from './checkpoint';
import { checkpointTensors, restoreCheckpoint, type CheckpointedRun } from './checkpoint-state';
import { networkDescription } from './network-description';
import { createPkSampler } from './pk-sampler';
import { createProjectionHead, DEFAULT_HEAD_HIDDEN, l2Normalize, projectRows, type HeadArchitecture } from './projection-head';
import { MINING_STRATEGIES, mineTriplets, type MiningStrategy } from './triplet-mining';

export type SiameseLoss = 'contrastive' | 'triplet' | 'binary';
export const SIAMESE_LOSSES: readonly SiameseLoss[] = ['contrastive', 'triplet', 'binary'];
const DISTANCES: readonly EmbeddingDistance[] = ['squared-l2', 'cosine'];

export interface TrainHeadConfig {
  readonly loss: SiameseLoss;
  /** Triplet mining (triplet loss only; default 'batch-hard'). */
  readonly mining?: MiningStrategy;
  /** Triplet distance (default 'squared-l2'); contrastive always uses the Euclidean distance. */
  readonly distance?: EmbeddingDistance;
  /** Triplet alpha (default 0.2) or contrastive margin (default 1); unused by the binary loss. */
  readonly margin?: number;
  readonly hidden?: readonly number[];
  readonly outputDim?: number;
  /** A residual head that starts as the identity (see ProjectionHeadConfig.residual). */
  readonly residual?: boolean;
  /**
   * Train this network instead of a projection head (for example `createTwinCnn(...).model` on
   * flattened images): its input shape must hold `dim` values per row; hidden, outputDim and
   * residual are then unused. Built here so that each run owns (and frees) its model.
   */
  readonly tower?: (tf: Tf) => tfjs.LayersModel;
  /** Identities (P) and samples per identity (K) per batch (defaults 8 and 4). */
  readonly p?: number;
  readonly k?: number;
  readonly epochs?: number;
  readonly learningRate?: number;
  readonly seed: number;
  /** Share of the training identities held out for validation and early stopping (default 0.2; 0 = none). */
  readonly validationShare?: number;
  /** Epochs without a lower validation EER before stopping (default 5). */
  readonly patience?: number;
  /** When set, the epoch log is written there as CSV after training. */
  readonly csvPath?: string;
  /**
   * When set, the training state is written there after every epoch, and a run that finds a
   * checkpoint of itself there (same config and data) resumes from it, ending with exactly the
   * weights an uninterrupted run would have.
   */
  readonly checkpointPath?: string;
  readonly onEpoch?: (row: EpochLog) => void;
  /** After every batch: how many of the epoch's batches are done (for a progress bar). */
  readonly onBatch?: (done: number, total: number, epoch: number) => void;
}

export interface EpochLog {
  readonly epoch: number;
  /** Mean training loss over the epoch's batches. */
  readonly loss: number;
  /**
   * Share of non-zero-loss terms: mined triplets (triplet), pairs (contrastive); NaN for the
   * binary loss, whose terms are never zero.
   */
  readonly activeShare: number;
  /** EER of cosine scores over all pairs of the validation identities (NaN without validation). */
  readonly validationEer: number;
  readonly seconds: number;
  readonly samplesPerSecond: number;
}

export interface TrainedHead {
  readonly model: tfjs.LayersModel;
  /** Rows (n x inputDim) -> L2-normalised projected rows (n x outputDim). */
  project(embeddings: Float32Array): Float32Array;
  readonly inputDim: number;
  readonly outputDim: number;
  /** What `createProjectionHead` needs to rebuild the model (for export); undefined for a custom tower. */
  readonly architecture?: HeadArchitecture;
  readonly log: readonly EpochLog[];
  /**
   * The epoch whose weights were kept: lowest validation EER, where 0 is the untrained head (so
   * a residual head that no epoch improves on validation stays the frozen embedding); the last
   * epoch without validation.
   */
  readonly bestEpoch: number;
  /** Validation EER of the untrained head (NaN without validation). */
  readonly initialValidationEer: number;
  readonly stoppedEarly: boolean;
  readonly validationIdentities: Int32Array;
  /**
   * Training identities with fewer than K samples, which no P x K batch can hold: their samples
   * never trained the head (lower K to use them).
   */
  readonly unusedIdentities: Int32Array;
  readonly unusedSamples: number;
  readonly backend: string;
  /** Frees the model's tensors (and the binary unit's). */
  dispose(): void;
}

/** A TrainHeadConfig with every default filled in. */
export interface ResolvedTrainHeadConfig {
  loss: SiameseLoss;
  mining: MiningStrategy;
  distance: EmbeddingDistance;
  margin: number;
  p: number;
  k: number;
  epochs: number;
  learningRate: number;
  validationShare: number;
  patience: number;
}

/** Checks and completes a config; every problem is a ConfigError, raised before any tensor exists. */
export function resolveTrainHeadConfig(config: TrainHeadConfig): ResolvedTrainHeadConfig {
  // The sampler keeps 32 bits of the seed, the initialisers the whole number: 1.2 and 1.7 shared one and not the other.
  checkSeed(config.seed, 'seed');
  if (!SIAMESE_LOSSES.includes(config.loss)) {
    throw new ConfigError(`unknown loss "${String(config.loss)}": use one of ${SIAMESE_LOSSES.join(', ')}`);
  }
  const mining = config.mining ?? 'batch-hard';
  if (!MINING_STRATEGIES.includes(mining)) {
    throw new ConfigError(`unknown mining "${String(mining)}": use one of ${MINING_STRATEGIES.join(', ')}`);
  }
  const distance = config.distance ?? 'squared-l2';
  if (!DISTANCES.includes(distance)) throw new ConfigError(`unknown distance "${String(distance)}": use one of ${DISTANCES.join(', ')}`);
  const r: ResolvedTrainHeadConfig = {
    loss: config.loss,
    mining,
    distance,
    margin: config.margin ?? (config.loss === 'contrastive' ? 1 : 0.2),
    p: config.p ?? 8,
    k: config.k ?? 4,
    epochs: config.epochs ?? 30,
    learningRate: config.learningRate ?? 1e-3,
    validationShare: config.validationShare ?? 0.2,
    patience: config.patience ?? 5,
  };
  const positive: [string, number][] = [['margin', r.margin], ['learningRate', r.learningRate]];
  for (const [name, v] of positive) if (!(v > 0 && Number.isFinite(v))) throw new ConfigError(`${name} must be a positive number, got ${v}`);
  const counts: [string, number][] = [['epochs', r.epochs], ['patience', r.patience]];
  for (const [name, v] of counts) if (!Number.isInteger(v) || v < 1) throw new ConfigError(`${name} must be a positive integer, got ${v}`);
  return r;
}

/**
 * Trains a projection head on frozen embeddings with a Siamese loss: P x K batches, Adam, seeded
 * initialisation and sampling; after each epoch, the EER of the validation identities (held out
 * of training by identity) decides early stopping, and the best epoch's weights are kept.
 * Validation (and `project`) score by cosine similarity of the normalised outputs, whatever the
 * loss. `tf` must already be on a backend that trains (see trainingTensorflow).
 */
export async function trainProjectionHead(tf: Tf, data: LabelledEmbeddings, config: TrainHeadConfig): Promise<TrainedHead> {
  const cfg = resolveTrainHeadConfig(config);
  checkLabelledSet(data, 'training set');
  // Files written during or after training: a folder that is not there failed after the work (the trained head lost).
  for (const [name, path] of [['checkpointPath', config.checkpointPath], ['csvPath', config.csvPath]] as const) {
    if (path !== undefined && !(await stat(dirname(resolve(path))).catch(() => undefined))?.isDirectory()) {
      throw new ConfigError(`${name}: the folder of ${path} does not exist`);
    }
  }
  const { dim } = data;
  const split = splitIdentities(data.labels, { validationShare: cfg.validationShare, testShare: 0, seed: config.seed });
  const train = takeRows(data, split.train);
  const validation = split.validation.length > 0 ? takeRows(data, split.validation) : undefined;
  if (validation !== undefined) checkValidationPairs(validation.labels, cfg.validationShare);
  const sampler = createPkSampler(train.labels, { p: cfg.p, k: cfg.k, seed: config.seed });
  // enough sampler passes that, on average, every training sample is seen once per epoch
  const eligible = new Set(sampler.eligibleIdentities);
  let eligibleSamples = 0;
  for (const l of train.labels) if (eligible.has(l)) eligibleSamples++;
  const rounds = Math.max(1, Math.round(eligibleSamples / (sampler.eligibleIdentities.length * cfg.k)));

  const model = config.tower ? config.tower(tf) : createProjectionHead(tf, { inputDim: dim, hidden: config.hidden, outputDim: config.outputDim, seed: config.seed, residual: config.residual });
  // From here on, every way out frees the optimiser and the best weights, and every way out but
  // the return frees the model and the unit too (an interrupted run's checkpoint stays for a resume).
  let unitWeights: tfjs.Variable | undefined;
  let unitBias: tfjs.Variable | undefined;
  let optimizer: tfjs.Optimizer | undefined;
  let bestWeights: tfjs.Tensor[] | undefined;
  let returned = false;
  try {
    const inputShape = model.inputs[0].shape.slice(1) as number[];
    if (inputShape.reduce((a, v) => a * v, 1) !== dim) {
      throw new ConfigError(`the network takes inputs of shape [${inputShape.join(', ')}], the data rows hold ${dim} values`);
    }
    const outputDim = model.outputs[0].shape[1] as number;
    if (cfg.loss === 'binary') {
      // tf.variable copies its initial value: the temporaries are disposed here, or they leak.
      unitWeights = tf.tidy(() => tf.variable(tf.initializers.randomNormal({ mean: 0, stddev: 0.01, seed: config.seed + 1000 }).apply([outputDim]) as tfjs.Tensor1D));
      unitBias = tf.tidy(() => tf.variable(tf.scalar(0)));
    }
    const unit = unitWeights && unitBias ? [unitWeights, unitBias] : [];
    const varList: tfjs.Variable[] = [...model.trainableWeights.map((w) => w.read() as tfjs.Variable), ...unit];
    const adam = tf.train.adam(cfg.learningRate);
    optimizer = adam;
    const run: CheckpointedRun = { model, unit, varList, optimizer: adam, validation: validation !== undefined };
    // Thrown inside the training loop; the finally frees every tensor.
    const diverged = (where: string): never => {
      throw new TrainingError(`training diverged: ${where} (learning rate ${cfg.learningRate}; lower it, or look for non-finite input rows)`);
    };
    const log: EpochLog[] = [];
    // Epoch 0, the untrained head, is a candidate too: training must beat it on validation.
    const initialValidationEer = validation === undefined ? Number.NaN : verificationEer(projectRows(tf, model, validation.embeddings), validation.labels, outputDim);
    let best = validation === undefined ? Number.POSITIVE_INFINITY : initialValidationEer;
    let bestEpoch = 0;
    bestWeights = validation === undefined ? undefined : model.getWeights().map((w) => w.clone());
    let stale = 0;
    let stoppedEarly = false;
    let firstEpoch = 1;

    // Which run a checkpoint belongs to: the config, the network and the data (hashed only when checkpointing).
    const network = () => (config.tower ? networkDescription(model) : { hidden: config.hidden, outputDim: config.outputDim, residual: config.residual ?? false });
    const hash = config.checkpointPath === undefined ? '' : runHash({ cfg, network: network(), seed: config.seed }, data.embeddings, data.labels);
    const resumed = config.checkpointPath === undefined ? undefined : await readCheckpoint<EpochLog>(config.checkpointPath, hash);
    if (resumed && config.checkpointPath !== undefined) {
      const restoredBest = await restoreCheckpoint(tf, resumed, run, config.checkpointPath);
      bestWeights?.forEach((w) => w.dispose());
      bestWeights = restoredBest;
      best = resumed.best;
      bestEpoch = resumed.bestEpoch;
      stale = resumed.stale;
      log.push(...resumed.log);
      firstEpoch = resumed.epoch + 1;
      // The sampler is seeded: replaying the epochs done puts it where the run left it.
      for (let e = 0; e < resumed.epoch * rounds; e++) sampler.epoch();
      stoppedEarly = stale >= cfg.patience && resumed.epoch < cfg.epochs;
      if (stale >= cfg.patience) firstEpoch = cfg.epochs + 1;
    }
    const saveCheckpoint = async (epoch: number) => {
      if (config.checkpointPath === undefined) return;
      await writeCheckpoint<EpochLog>(config.checkpointPath, {
        format: CHECKPOINT_FORMAT,
        runHash: hash,
        epoch,
        ...(await checkpointTensors(tf, run)),
        best,
        bestEpoch,
        bestWeights: bestWeights?.map((w) => serializeTensor(w)),
        stale,
        log,
      });
    };

    for (let epoch = firstEpoch; epoch <= cfg.epochs; epoch++) {
      const started = performance.now();
      let lossSum = 0;
      let activeSum = 0;
      let activeBatches = 0;
      let batches = 0;
      let samples = 0;
      for (let round = 0; round < rounds; round++) {
        for (const batch of sampler.epoch()) {
          const b = batch.length;
          const rows = takeRows(train, batch);
          const pairs = batchPairs(rows.labels);
          let active = Number.NaN;
          const lossTensor = adam.minimize(
            () => {
              const x = tf.tensor(rows.embeddings, [b, ...inputShape]);
              const z = l2Normalize(tf, model.apply(x, { training: true }) as tfjs.Tensor2D);
              if (cfg.loss === 'triplet') {
                const dist = pairwiseDistance(tf, z, cfg.distance);
                const mined = mineTriplets(dist.dataSync() as Float32Array, rows.labels, cfg.mining, cfg.margin);
                active = mined.activeShare;
                const mask = tripletMask(b, mined.anchors, mined.positives, mined.negatives);
                // batch-all averages over the active triplets (Hermans et al. 2017)
                return maskedTripletLoss(tf, dist, mask, cfg.margin, cfg.mining === 'batch-all' ? mined.active : undefined);
              }
              // every pair i < j of the batch, as [b, b] matrices (no gather: wasm lacks its gradient)
              const y = tf.tensor1d(pairs.genuine);
              const w = tf.tensor1d(pairs.upper);
              if (cfg.loss === 'binary') {
                const diff = tf.abs(tf.sub(tf.reshape(z, [b, 1, outputDim]), tf.reshape(z, [1, b, outputDim])));
                const logit = tf.reshape(tf.add(tf.sum(tf.mul(diff, unitWeights!), 2), unitBias!), [-1]) as tfjs.Tensor1D;
                return binaryCrossEntropyWithLogits(tf, logit, y, w);
              }
              const d = tf.reshape(tf.sqrt(tf.add(pairwiseDistance(tf, z, 'squared-l2'), 1e-12)), [-1]) as tfjs.Tensor1D;
              active = contrastiveActiveShare(d.dataSync() as Float32Array, pairs, cfg.margin);
              return contrastiveLoss(tf, d, y, cfg.margin, w);
            },
            true,
            varList,
          );
          const batchLoss = (await lossTensor!.data())[0];
          lossTensor!.dispose();
          // A diverged step has already written NaN into the weights: stop, and say where.
          if (!Number.isFinite(batchLoss)) diverged(`the loss of batch ${batches + 1} in epoch ${epoch} is ${batchLoss}`);
          lossSum += batchLoss;
          if (!Number.isNaN(active)) {
            activeSum += active;
            activeBatches++;
          }
          batches++;
          config.onBatch?.(batches, rounds * sampler.batchesPerEpoch, epoch);
          samples += b;
        }
      }
      if (varList.some((v) => !v.dataSync().every(Number.isFinite))) diverged(`the weights after epoch ${epoch} are no longer finite numbers`);
      const seconds = (performance.now() - started) / 1000;
      const validationEer = validation === undefined ? Number.NaN : verificationEer(projectRows(tf, model, validation.embeddings), validation.labels, outputDim);
      const row: EpochLog = {
        epoch,
        loss: lossSum / batches,
        activeShare: activeBatches === 0 ? Number.NaN : activeSum / activeBatches,
        validationEer,
        seconds,
        samplesPerSecond: samples / seconds,
      };
      log.push(row);
      config.onEpoch?.(row);
      if (validation === undefined) {
        bestEpoch = epoch;
      } else if (validationEer < best - 1e-12) {
        best = validationEer;
        bestEpoch = epoch;
        stale = 0;
        bestWeights?.forEach((w) => w.dispose());
        bestWeights = model.getWeights().map((w) => w.clone());
      } else {
        stale++;
      }
      await saveCheckpoint(epoch);
      if (validation !== undefined && stale >= cfg.patience) {
        stoppedEarly = epoch < cfg.epochs;
        break;
      }
    }
    if (bestWeights !== undefined) model.setWeights(bestWeights);
    if (config.csvPath !== undefined) await writeFile(config.csvPath, epochLogCsv(log));
    returned = true;
    return {
      model,
      project: (embeddings) => projectRows(tf, model, embeddings),
      inputDim: dim,
      outputDim,
      architecture: config.tower ? undefined : { inputDim: dim, hidden: [...(config.hidden ?? DEFAULT_HEAD_HIDDEN)], outputDim, residual: config.residual ?? false },
      log,
      bestEpoch,
      initialValidationEer,
      stoppedEarly,
      validationIdentities: split.validationIdentities,
      unusedIdentities: sampler.unusedIdentities,
      unusedSamples: sampler.unusedSamples,
      backend: tf.getBackend(),
      dispose() {
        model.dispose();
        unitWeights?.dispose();
        unitBias?.dispose();
      },
    };
  } finally {
    optimizer?.dispose();
    bestWeights?.forEach((w) => w.dispose());
    if (!returned) {
      model.dispose();
      unitWeights?.dispose();
      unitBias?.dispose();
    }
  }
}

/**
 * The validation EER needs a genuine pair, so a validation identity with 2 samples; found after
 * the model was built, it was a MetricsInputError that did not say it came from validation.
 */
function checkValidationPairs(labels: Int32Array, share: number): void {
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  if ([...counts.values()].some((c) => c >= 2)) return;
  throw new ConfigError(
    `validation: none of the ${counts.size} validation identities (validationShare ${share}) has 2 samples, so there is no genuine pair for the validation EER: ` +
      'drop identities with a single sample from the data (they cannot train either), raise validationShare, or set it to 0',
  );
}

/** The epoch log as CSV: epoch,loss,active_share,validation_eer,seconds,samples_per_second. */
export function epochLogCsv(log: readonly EpochLog[]): string {
  const cell = (v: number) => (Number.isNaN(v) ? '' : String(v));
  const lines = ['epoch,loss,active_share,validation_eer,seconds,samples_per_second'];
  for (const r of log) {
    lines.push([r.epoch, r.loss, r.activeShare, r.validationEer, r.seconds, r.samplesPerSecond].map(cell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

interface BatchPairs {
  /** [b, b] row-major: 1 where labels agree. */
  readonly genuine: Float32Array;
  /** [b, b] row-major: 1 above the diagonal (each pair once). */
  readonly upper: Float32Array;
}

/** The pairs i < j of a batch as [b, b] masks. */
function batchPairs(labels: Int32Array): BatchPairs {
  const n = labels.length;
  const genuine = new Float32Array(n * n);
  const upper = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      genuine[i * n + j] = labels[i] === labels[j] ? 1 : 0;
      if (j > i) upper[i * n + j] = 1;
    }
  }
  return { genuine, upper };
}

/** Share of pairs with a non-zero contrastive term: genuine pairs apart, impostors inside the margin. */
function contrastiveActiveShare(d: Float32Array, pairs: BatchPairs, margin: number): number {
  let active = 0;
  let total = 0;
  for (let t = 0; t < d.length; t++) {
    if (pairs.upper[t] === 0) continue;
    total++;
    if (pairs.genuine[t] === 1 ? d[t] > 1e-5 : d[t] < margin) active++;
  }
  return total === 0 ? Number.NaN : active / total;
}

function verificationEer(embeddings: Float32Array, labels: Int32Array, dim: number): number {
  const pairs = allPairCosine({ embeddings, labels, dim });
  return equalErrorRate(errorRateCurve(scoreSet(pairs))).value;
}
