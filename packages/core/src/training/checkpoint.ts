import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type * as tfjs from '@tensorflow/tfjs';
import { ConfigError, TemplateFormatError } from '../errors';
import type { Tf } from '../tensor/tfjs-runtime';
import { removedOnInterrupt } from '../removed-on-interrupt';

/** A tensor as JSON: shape, dtype and its 4-byte values in base64. */
export interface SerializedTensor {
  readonly name?: string;
  readonly dtype: 'float32' | 'int32';
  readonly shape: readonly number[];
  readonly values: string;
}

/**
 * Everything a training run needs to go on after an interruption exactly as if it had not
 * stopped: the weights, the optimiser's moments, the early-stopping state and the log. The
 * sampler is not stored: it is re-seeded and fast-forwarded by the number of epochs done.
 */
export interface TrainingCheckpoint<Log> {
  readonly format: typeof CHECKPOINT_FORMAT;
  /** Hash of the training config and data, so a checkpoint of another run is never resumed. */
  readonly runHash: string;
  readonly epoch: number;
  /**
   * Every weight of the network in `model.getWeights()` order, trainable or not: a BatchNorm
   * layer's moving mean and variance are not trained by the optimiser but change every step.
   */
  readonly weights: readonly SerializedTensor[];
  /** Trained variables outside the network (the binary loss's unit: weights, bias), else empty. */
  readonly unitWeights: readonly SerializedTensor[];
  readonly optimizer: readonly SerializedTensor[];
  /**
   * Adam's running beta1^t and beta2^t as the run held them. tfjs's setWeights rebuilds them as
   * pow(beta, t + 1), which differs in the last float32 bit from the step-by-step product for
   * most t, so a resume without them drifted from the uninterrupted run.
   */
  readonly adamBetaPowers: readonly [number, number];
  readonly best: number;
  readonly bestEpoch: number;
  readonly bestWeights?: readonly SerializedTensor[];
  readonly stale: number;
  readonly log: readonly Log[];
}

export const CHECKPOINT_FORMAT = 'biofuse-training-checkpoint/2';
/** Version 1 kept neither a network's non-trainable weights nor Adam's beta powers: it cannot resume exactly. */
const OLD_CHECKPOINT_FORMAT = 'biofuse-training-checkpoint/1';

export function serializeTensor(t: tfjs.Tensor, name?: string): SerializedTensor {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new TypeError(`cannot checkpoint a ${t.dtype} tensor`);
  const data = t.dataSync() as Float32Array | Int32Array;
  return { ...(name ? { name } : {}), dtype: t.dtype, shape: [...t.shape], values: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
}

export function deserializeTensor(tf: Tf, s: SerializedTensor): tfjs.Tensor {
  const label = s.name ? `tensor ${s.name}` : 'tensor';
  if (s.dtype !== 'float32' && s.dtype !== 'int32') throw new TemplateFormatError(`${label}: dtype ${String(s.dtype)} is not float32 or int32`);
  if (!Array.isArray(s.shape) || !s.shape.every((d) => Number.isInteger(d) && d >= 0)) throw new TemplateFormatError(`${label}: shape ${JSON.stringify(s.shape)} is not a list of sizes`);
  if (typeof s.values !== 'string') throw new TemplateFormatError(`${label}: no values`);
  const bytes = Buffer.from(s.values, 'base64');
  const size = s.shape.reduce((a, b) => a * b, 1);
  if (bytes.byteLength !== size * 4) throw new TemplateFormatError(`${label} of shape [${s.shape.join(', ')}] holds ${bytes.byteLength} bytes, expected ${size * 4}`);
  const values = s.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
  new Uint8Array(values.buffer).set(bytes);
  // A weight of Infinity or NaN loads, then turns every embedding the model makes into NaN.
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new TemplateFormatError(`${label}: value ${bad} is ${values[bad]}, not a finite number (corrupt)`);
  return tf.tensor(values, [...s.shape], s.dtype);
}

/** A stable hash of anything JSON-serialisable plus raw arrays (the training data). */
export function runHash(config: unknown, ...arrays: readonly ArrayBufferView[]): string {
  const h = createHash('sha256').update(JSON.stringify(config));
  for (const a of arrays) h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return h.digest('hex').slice(0, 16);
}

/** Writes a checkpoint beside its path and renames it into place, so a crash never leaves half a file. */
export async function writeCheckpoint<Log>(path: string, checkpoint: TrainingCheckpoint<Log>): Promise<void> {
  const partial = `${path}.partial-${process.pid}`;
  const release = removedOnInterrupt(partial);
  try {
    await writeFile(partial, JSON.stringify(checkpoint, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));
    await rename(partial, path);
  } finally {
    release();
  }
}

/**
 * The checkpoint at `path` for this run, or undefined when there is none. A checkpoint of a
 * different config or data is a ConfigError (delete it or choose another path), never resumed.
 */
export async function readCheckpoint<Log>(path: string, expectedHash: string): Promise<TrainingCheckpoint<Log> | undefined> {
  if (!existsSync(path)) return undefined;
  let json: TrainingCheckpoint<Log>;
  try {
    json = JSON.parse(await readFile(path, 'utf8'), (_k, v: unknown) => (v === 'NaN' ? Number.NaN : v === 'Infinity' ? Number.POSITIVE_INFINITY : v === '-Infinity' ? Number.NEGATIVE_INFINITY : v)) as TrainingCheckpoint<Log>;
  } catch (cause) {
    throw new TemplateFormatError(`checkpoint ${path}: not readable JSON (${(cause as Error).message})`);
  }
  if (typeof json !== 'object' || json === null) throw new TemplateFormatError(`checkpoint ${path}: not a checkpoint object`);
  if ((json.format as string) === OLD_CHECKPOINT_FORMAT) {
    throw new TemplateFormatError(`checkpoint ${path} was written by an earlier biofuse (${OLD_CHECKPOINT_FORMAT}), which cannot resume to the weights of an uninterrupted run: delete it to train from the start`);
  }
  if (json.format !== CHECKPOINT_FORMAT) throw new TemplateFormatError(`checkpoint ${path}: format "${String(json.format)}" is not ${CHECKPOINT_FORMAT}`);
  if (json.runHash !== expectedHash) {
    throw new ConfigError(`checkpoint ${path} belongs to another training run (config or data differ); delete it or give another checkpoint path`);
  }
  // The hash matches but the body may still be damaged (edited, half-restored): every field the resume reads is checked.
  const bad = (field: string): never => {
    throw new TemplateFormatError(`checkpoint ${path}: "${field}" is missing or invalid`);
  };
  if (!(Number.isInteger(json.epoch) && json.epoch >= 0)) bad('epoch');
  if (!Array.isArray(json.weights)) bad('weights');
  if (!Array.isArray(json.unitWeights)) bad('unitWeights');
  if (!Array.isArray(json.optimizer)) bad('optimizer');
  const powers = json.adamBetaPowers as unknown;
  // Each is beta^t for some t >= 1: in (0, 1).
  if (!(Array.isArray(powers) && powers.length === 2 && powers.every((v) => typeof v === 'number' && v > 0 && v < 1))) bad('adamBetaPowers');
  if (json.bestWeights !== undefined && !Array.isArray(json.bestWeights)) bad('bestWeights');
  if (!Array.isArray(json.log)) bad('log');
  if (typeof json.best !== 'number') bad('best');
  if (!(Number.isInteger(json.bestEpoch) && json.bestEpoch >= 0 && json.bestEpoch <= json.epoch)) bad('bestEpoch');
  if (!(Number.isInteger(json.stale) && json.stale >= 0)) bad('stale');
  for (const list of [json.weights, json.unitWeights, json.optimizer, json.bestWeights ?? []]) {
    for (const t of list) if (typeof t !== 'object' || t === null) bad('weights (an entry is not a tensor)');
  }
  return json;
}
