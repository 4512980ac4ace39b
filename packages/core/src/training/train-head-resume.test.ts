import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, TemplateFormatError } from '../errors';
import type { Tf } from '../tensor/tfjs-runtime';
import { trainingTensorflow } from './backend';
import type { LabelledEmbeddings } from './labelled-set';
import { networkDescription } from './network-description';
import { syntheticEmbeddings } from './synthetic-embeddings';
import { trainProjectionHead, type TrainedHead, type TrainHeadConfig } from './train-head';

let tf: Tf;
let dir: string;
let data: LabelledEmbeddings;

beforeAll(async () => {
  tf = await trainingTensorflow('wasm');
  dir = await mkdtemp(join(tmpdir(), 'biofuse-resume-'));
  data = syntheticEmbeddings({ identities: 30, perIdentity: 6, dim: 16, seed: 1 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every weight's bytes, so that -0 and 0 or two NaNs are told apart too. */
const bytesOf = (head: TrainedHead) => head.model.getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).buffer).toString('hex'));
const cutAt = (epoch: number) => (row: { epoch: number }) => {
  if (row.epoch === epoch) throw new Error('power cut');
};

/** Trains straight through, then cut after `cut` epochs and resumed; returns both heads' weights. */
async function straightAndResumed(config: TrainHeadConfig, cut: number, name: string) {
  const straight = await trainProjectionHead(tf, data, { ...config, checkpointPath: join(dir, `${name}-straight.json`) });
  const expected = bytesOf(straight);
  const expectedLog = straight.log.map((r) => [r.loss, r.validationEer]);
  straight.dispose();
  const path = join(dir, `${name}-cut.json`);
  await expect(trainProjectionHead(tf, data, { ...config, checkpointPath: path, onEpoch: cutAt(cut) })).rejects.toThrow('power cut');
  const resumed = await trainProjectionHead(tf, data, { ...config, checkpointPath: path });
  const got = { weights: bytesOf(resumed), log: resumed.log.map((r) => [r.loss, r.validationEer]), names: resumed.model.weights.map((w) => w.name) };
  resumed.dispose();
  return { expected, expectedLog, ...got };
}

describe('resuming from a checkpoint', () => {
  it("gives the uninterrupted run's weights to the bit where tfjs's pow(beta, t + 1) is not the product Adam kept", async () => {
    const config: TrainHeadConfig = { loss: 'triplet', seed: 3, epochs: 7, hidden: [32], outputDim: 16, patience: 20, validationShare: 0, learningRate: 3e-3, p: 4, k: 3 };
    let perEpoch = 0;
    (await trainProjectionHead(tf, data, { ...config, epochs: 1, onBatch: (_d, total) => (perEpoch = total) })).dispose();
    const steps = 6 * perEpoch;
    // What Adam holds after `steps` steps (beta^(steps + 1), multiplied step by step in float32),
    // and what tfjs's setWeights put in its place: the cut falls where the two differ.
    const held = (beta: number) => {
      let product = Math.fround(beta);
      for (let t = 0; t < steps; t++) product = Math.fround(product * Math.fround(beta));
      return product;
    };
    const rebuilt = (beta: number) => tf.tidy(() => tf.pow(tf.scalar(beta), steps + 1).dataSync()[0]);
    expect([0.9, 0.999].filter((beta) => rebuilt(beta) !== held(beta))).not.toEqual([]);

    const r = await straightAndResumed(config, 6, 'adam');
    expect(r.log).toEqual(r.expectedLog);
    expect(r.weights).toEqual(r.expected); // 287-550 weights were off by up to 9e-8
  });

  it('restores a custom tower built again in this process, BatchNorm moving statistics included, to the bit', async () => {
    // Auto-generated layer names (dense_Dense7, then dense_Dense9 for the same tower built again)
    // made the run hash refuse the run's own checkpoint; the moving mean was off by 0.06.
    const tower = (t: Tf) => {
      const m = t.sequential();
      m.add(t.layers.dense({ units: 16, inputShape: [16], kernelInitializer: t.initializers.glorotUniform({ seed: 1 }) }));
      m.add(t.layers.batchNormalization());
      m.add(t.layers.dense({ units: 8, kernelInitializer: t.initializers.glorotUniform({ seed: 2 }) }));
      return m;
    };
    const before = tf.memory().numTensors;
    const r = await straightAndResumed({ loss: 'contrastive', seed: 1, epochs: 4, p: 4, k: 3, tower }, 3, 'bn');
    expect(r.names.filter((n) => /moving_(mean|variance)/.test(n)).length).toBe(2);
    expect(r.log).toEqual(r.expectedLog);
    expect(r.weights).toEqual(r.expected);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('describes a network by its layers, configs and weight shapes, not by the names tfjs numbers', () => {
    const build = (units: number, seed: number) => {
      const m = tf.sequential();
      m.add(tf.layers.dense({ units, inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
      m.add(tf.layers.dense({ units: 2 }));
      const d = JSON.stringify(networkDescription(m));
      m.dispose();
      return d;
    };
    const functional = () => {
      const input = tf.input({ shape: [4] });
      const m = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3 }).apply(input) as ReturnType<typeof tf.input> });
      const d = JSON.stringify(networkDescription(m));
      m.dispose();
      return d;
    };
    expect(build(3, 1)).toBe(build(3, 1));
    expect(build(3, 1)).not.toBe(build(5, 1));
    expect(build(3, 1)).not.toBe(build(3, 2)); // the initialiser's seed
    expect(build(3, 1)).not.toMatch(/dense_Dense|sequential/);
    expect(functional()).toBe(functional()); // its node references renamed alike
  });

  it('refuses damaged lists before training an epoch, with a TemplateFormatError, and leaves no tensor', async () => {
    const config: TrainHeadConfig = { loss: 'binary', seed: 1, epochs: 6, hidden: [16], outputDim: 8, p: 4, k: 3, patience: 10 };
    const path = join(dir, 'damaged.json');
    await expect(trainProjectionHead(tf, data, { ...config, checkpointPath: path, onEpoch: cutAt(3) })).rejects.toThrow('power cut');
    const stored = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown[]>;
    const before = tf.memory().numTensors;
    let epochs = 0;
    const damaged: [Record<string, unknown>, RegExp][] = [
      // One best weight lost: every remaining epoch trained, then a tfjs ValueError, 17 tensors leaked.
      [{ bestWeights: stored.bestWeights.slice(0, 3) }, /"bestWeights" holds \[16, 16\] \[16\] \[16, 8\], the network has/],
      [{ bestWeights: undefined }, /"bestWeights" is missing/],
      [{ optimizer: stored.optimizer.slice(1) }, /"optimizer" holds/],
      [{ unitWeights: stored.unitWeights.slice(0, 1) }, /"unitWeights" holds \[8\], the loss trains \[8\] \[\]/],
      [{ adamBetaPowers: [0.9, 1.5] }, /"adamBetaPowers" is missing or invalid/],
    ];
    for (const [change, message] of damaged) {
      await writeFile(path, JSON.stringify({ ...stored, ...change }));
      const err = await trainProjectionHead(tf, data, { ...config, checkpointPath: path, onEpoch: () => epochs++ }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TemplateFormatError);
      expect((err as Error).message).toMatch(message);
    }
    expect(epochs).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    // A network that does not fit is the config's fault, not the file's.
    const shrunk = (stored.weights as { shape: number[] }[]).map((w, i) => (i === 0 ? { ...w, shape: [16, 15] } : w));
    await writeFile(path, JSON.stringify({ ...stored, weights: shrunk }));
    await expect(trainProjectionHead(tf, data, { ...config, checkpointPath: path })).rejects.toThrow(ConfigError);
    // A version 1 checkpoint kept neither non-trainable weights nor Adam's beta powers.
    await writeFile(path, JSON.stringify({ ...stored, format: 'biofuse-training-checkpoint/1' }));
    await expect(trainProjectionHead(tf, data, { ...config, checkpointPath: path })).rejects.toThrow(/earlier biofuse .* cannot resume to the weights of an uninterrupted run/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
