import { seededRandom } from '../random';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../tensor/tfjs-runtime';
import { trainingTensorflow } from './backend';
import { splitIdentities } from './identity-split';
import { takeRows, type LabelledEmbeddings } from './labelled-set';
import { oneShotEvaluation } from './one-shot-evaluation';
import { trainProjectionHead } from './train-head';
import { createTwinCnn } from './twin-cnn';

let tf: Tf;
beforeAll(async () => {
  tf = await trainingTensorflow('wasm');
});

/**
 * 16 x 16 grey "faces": each identity is a smooth random pattern; every sample of it is shifted
 * by up to 2 px, scaled in contrast and noisy, so raw pixels compare poorly and a convolutional
 * tower can learn shift tolerance.
 */
function patternImages(identities: number, perIdentity: number, seed: number): LabelledEmbeddings {
  const rng = seededRandom(seed);
  const size = 16;
  const dim = size * size;
  const embeddings = new Float32Array(identities * perIdentity * dim);
  const labels = new Int32Array(identities * perIdentity);
  for (let id = 0; id < identities; id++) {
    const waves = Array.from({ length: 4 }, () => ({ fx: rng.normal() * 0.5, fy: rng.normal() * 0.5, phase: rng.next() * 6.28, amp: 0.5 + rng.next() }));
    for (let k = 0; k < perIdentity; k++) {
      const row = id * perIdentity + k;
      labels[row] = id;
      const dx = rng.int(7) - 3;
      const dy = rng.int(7) - 3;
      const gain = 0.7 + 0.6 * rng.next();
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          let v = 0;
          for (const w of waves) v += w.amp * Math.sin(w.fx * (x + dx) + w.fy * (y + dy) + w.phase);
          embeddings[row * dim + y * size + x] = gain * v + 1.0 * rng.normal();
        }
      }
    }
  }
  return { embeddings, labels, dim };
}

describe('training a convolutional twin tower', () => {
  it('learns an embedding of images that verifies unseen identities better than raw pixels', async () => {
    const data = patternImages(100, 5, 3);
    const split = splitIdentities(data.labels, { validationShare: 0, testShare: 0.25, seed: 1 });
    const train = takeRows(data, split.train);
    const test = takeRows(data, split.test);
    const raw = oneShotEvaluation(test, { seed: 1 });
    const trained = await trainProjectionHead(tf, train, {
      loss: 'triplet',
      mining: 'semi-hard',
      seed: 2,
      epochs: 15,
      patience: 15,
      learningRate: 3e-3,
      tower: (t) => createTwinCnn(t, { inputSize: 16, channels: 1, embeddingDim: 16, seed: 2, filters: [8, 16], kernelSize: 3 }).model,
    });
    const bestValidation = Math.min(...trained.log.map((r) => r.validationEer));
    const learned = oneShotEvaluation({ embeddings: trained.project(test.embeddings), labels: test.labels, dim: trained.outputDim }, { seed: 1 });
    expect(trained.backend).toBe('wasm');
    expect(trained.architecture).toBeUndefined();
    expect(trained.outputDim).toBe(16);
    trained.dispose();
    // Measured when written: validation EER 0.44 untrained -> 0.25 (epoch 13); test identities
    // EER 0.36 on raw pixels -> 0.22 (rank-1 0.41 -> 0.39: verification gains, one-shot ranking not).
    expect(bestValidation).toBeLessThan(trained.initialValidationEer - 0.1);
    expect(learned.eer).toBeLessThan(raw.eer - 0.08);
  });

  it('refuses data whose rows do not fit the tower input', async () => {
    const data = patternImages(6, 3, 4);
    await expect(
      trainProjectionHead(tf, data, { loss: 'triplet', seed: 1, epochs: 1, k: 2, tower: (t) => createTwinCnn(t, { inputSize: 12, channels: 1, embeddingDim: 8, seed: 1, kernelSize: 3 }).model }),
    ).rejects.toThrow(/inputs of shape \[12, 12, 1\], the data rows hold 256 values/);
  });
});
