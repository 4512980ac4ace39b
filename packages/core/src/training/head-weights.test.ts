import { TemplateFormatError } from '../errors';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../tensor/tfjs-runtime';
import { trainingTensorflow } from './backend';
import { serializeTensor, type SerializedTensor } from './checkpoint';
import { headFromWeightsFile, HEAD_WEIGHTS_FORMAT } from './head-weights';
import { createProjectionHead } from './projection-head';

let tf: Tf;
let weights: SerializedTensor[];
const architecture = { inputDim: 4, hidden: [3], outputDim: 2, residual: false };
beforeAll(async () => {
  tf = await trainingTensorflow('wasm');
  const model = createProjectionHead(tf, { ...architecture, seed: 1 });
  weights = model.getWeights().map((w) => serializeTensor(w));
  model.dispose();
});
const file = (ws: readonly SerializedTensor[]) => ({ format: HEAD_WEIGHTS_FORMAT, architecture, weights: ws });

describe('headFromWeightsFile', () => {
  it('rebuilds a saved head with its weights', () => {
    const model = headFromWeightsFile(tf, file(weights), 'a.head.json');
    expect(model.getWeights().map((w) => serializeTensor(w))).toEqual(weights);
    model.dispose();
  });

  it('refuses a damaged file with a TemplateFormatError and leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    const nan = new Float32Array(6);
    nan[5] = Number.NaN;
    // A corrupt third weight: the model and the two weights read before it were left behind (6 tensors).
    const corrupt = weights.map((w, i) => (i === 2 ? { ...w, values: Buffer.from(nan.buffer).toString('base64') } : w));
    expect(() => headFromWeightsFile(tf, file(corrupt), 'x.head.json')).toThrow(/x\.head\.json: weight 2: tensor: value 5 is NaN/);
    expect(tf.memory().numTensors).toBe(before);
    const reshaped = weights.map((w, i) => (i === 2 ? { ...w, shape: [2, 3] } : w));
    expect(() => headFromWeightsFile(tf, file(reshaped), 'x.head.json')).toThrow(/weight 2 has shape \[2, 3\], the architecture needs \[3, 2\]/);
    expect(() => headFromWeightsFile(tf, file([...weights, weights[3]]), 'x.head.json')).toThrow(TemplateFormatError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
