import { ConfigError } from '../errors';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../tensor/tfjs-runtime';
import { trainingTensorflow } from './backend';
import { createProjectionHead, projectRows } from './projection-head';

let tf: Tf;
beforeAll(async () => {
  tf = await trainingTensorflow('wasm');
});

describe('projection head', () => {
  it('maps d_in -> 256 -> 128 and projects rows to unit length', () => {
    const model = createProjectionHead(tf, { inputDim: 12, seed: 1 });
    expect(model.layers.map((l) => l.outputShape)).toEqual([[null, 256], [null, 128]]);
    const rows = Float32Array.from({ length: 3 * 12 }, (_, i) => Math.sin(i));
    const out = projectRows(tf, model, rows, 2); // two batches
    expect(out.length).toBe(3 * 128);
    for (let r = 0; r < 3; r++) {
      let s = 0;
      for (let j = 0; j < 128; j++) s += out[r * 128 + j] ** 2;
      expect(s).toBeCloseTo(1, 5);
    }
    model.dispose();
  });

  it('is initialised from the seed', () => {
    const weights = (seed: number) => {
      const m = createProjectionHead(tf, { inputDim: 4, hidden: [8], outputDim: 3, seed });
      const w = Array.from(m.getWeights()[0].dataSync());
      m.dispose();
      return w;
    };
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)).not.toEqual(weights(4));
  });

  it('a residual head starts as the identity (then the normalised input) and keeps the input width', () => {
    const model = createProjectionHead(tf, { inputDim: 6, hidden: [16], seed: 2, residual: true });
    const rows = Float32Array.from({ length: 2 * 6 }, (_, i) => Math.cos(i) * 3);
    const raw = (model.predict(tf.tensor2d(rows, [2, 6])) as ReturnType<typeof tf.tensor2d>).dataSync();
    expect(Array.from(raw)).toEqual(Array.from(rows));
    const out = projectRows(tf, model, rows);
    for (let r = 0; r < 2; r++) {
      const norm = Math.hypot(...rows.subarray(r * 6, r * 6 + 6));
      for (let j = 0; j < 6; j++) expect(out[r * 6 + j]).toBeCloseTo(rows[r * 6 + j] / norm, 6);
    }
    model.dispose();
    expect(() => createProjectionHead(tf, { inputDim: 6, outputDim: 4, seed: 2, residual: true })).toThrow(/keeps the input width/);
  });

  it('rejects bad widths and rows with ConfigError', () => {
    expect(() => createProjectionHead(tf, { inputDim: 0, seed: 1 })).toThrow(ConfigError);
    expect(() => createProjectionHead(tf, { inputDim: 4, hidden: [2.5], seed: 1 })).toThrow(/hidden\[0\]/);
    const m = createProjectionHead(tf, { inputDim: 4, hidden: [], outputDim: 2, seed: 1 });
    expect(() => projectRows(tf, m, new Float32Array(6))).toThrow(/rows of 4 values/);
    // A NaN row came out as a finite unit vector.
    expect(() => projectRows(tf, m, Float32Array.of(0, 0, 0, 0, 1, Number.NaN, 0, 0))).toThrow(/row 1 holds a value that is not a finite number/);
    m.dispose();
  });
});
