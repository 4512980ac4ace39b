import type * as tfjs from '@tensorflow/tfjs';
import { seededRandom } from '../../random';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../../tensor/tfjs-runtime';
import { trainingTensorflow } from '../backend';
import { im2colLimit } from './conv2d-backprop-filter';
import { MISSING_WASM_TRAINING_KERNELS, REPLACED_WASM_KERNELS, registerWasmTrainingKernels, unregisterWasmTrainingKernels } from './register';

let tf: Tf;

beforeAll(async () => {
  tf = await trainingTensorflow('wasm');
  await tf.setBackend('cpu');
  await tf.setBackend('wasm');
});
afterEach(async () => {
  if (tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
});

type Shape4 = [number, number, number, number];
type Padding = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface Case {
  readonly name: string;
  readonly x: Shape4;
  readonly filter: Shape4;
  readonly strides: number | [number, number];
  readonly pad: Padding;
}

function normals(size: number, seed: number): Float32Array {
  const rng = seededRandom(seed);
  return Float32Array.from({ length: size }, () => rng.normal());
}

/** Gradients of sum(op(x, filter) * dy) with respect to x and filter, on the given backend. */
async function gradients(backend: 'wasm' | 'cpu', c: Case, depthwise: boolean, seed: number): Promise<[Float32Array, Float32Array]> {
  await tf.setBackend(backend);
  const [dx, dw] = tf.tidy(() => {
    const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
    const x = tf.tensor4d(normals(size(c.x), seed), c.x);
    const filter = tf.tensor4d(normals(size(c.filter), seed + 1), c.filter);
    const op = (a: tfjs.Tensor4D, w: tfjs.Tensor4D) =>
      depthwise ? tf.depthwiseConv2d(a, w, c.strides, c.pad) : tf.conv2d(a, w, c.strides, c.pad);
    const outShape = op(x, filter).shape;
    const dy = tf.tensor4d(normals(size(outShape), seed + 2), outShape);
    const [dx, dw] = tf.grads((a, w) => tf.sum(tf.mul(op(a as tfjs.Tensor4D, w as tfjs.Tensor4D), dy)))([x, filter]);
    return [dx.dataSync() as Float32Array, dw.dataSync() as Float32Array];
  });
  return [dx, dw];
}

/** max |a - b| over max |b|: float32 sums of many terms differ in order, so compare to scale. */
function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

const CONV_CASES: Case[] = [
  { name: '3x3 stride 1 same', x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { name: '3x3 stride 2 valid', x: [2, 10, 11, 2], filter: [3, 3, 2, 5], strides: 2, pad: 'valid' },
  { name: '4x3 strides [2, 1] same', x: [3, 9, 8, 2], filter: [4, 3, 2, 3], strides: [2, 1], pad: 'same' },
  { name: '5x5 stride 2 explicit', x: [3, 12, 12, 1], filter: [5, 5, 1, 3], strides: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { name: '2x2 stride 3 same', x: [2, 10, 7, 3], filter: [2, 2, 3, 2], strides: 3, pad: 'same' },
  { name: '2x2 padding 3 > filter', x: [1, 5, 6, 2], filter: [2, 2, 2, 3], strides: 1, pad: [[0, 0], [3, 3], [3, 3], [0, 0]] },
  { name: '1x1 stride 1 valid', x: [4, 5, 5, 6], filter: [1, 1, 6, 7], strides: 1, pad: 'valid' },
];

const DEPTHWISE_CASES: Case[] = [
  { name: '3x3 stride 1 same', x: [2, 8, 8, 3], filter: [3, 3, 3, 1], strides: 1, pad: 'same' },
  { name: 'multiplier 2, stride 2 valid', x: [2, 9, 10, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'valid' },
  { name: 'multiplier 3, strides [1, 2], padding 1', x: [2, 7, 9, 2], filter: [3, 3, 2, 3], strides: [1, 2], pad: 1 },
  { name: '5x5 stride 2 same', x: [3, 11, 11, 4], filter: [5, 5, 4, 1], strides: 2, pad: 'same' },
];

describe('wasm convolution gradient kernels', () => {
  it('fill exactly the kernels tfjs-backend-wasm lacks for a CNN training step', () => {
    unregisterWasmTrainingKernels(tf);
    for (const name of MISSING_WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm')).toBeUndefined();
    const builtIn = REPLACED_WASM_KERNELS.map((name) => tf.getKernel(name, 'wasm'));
    for (const kernel of builtIn) expect(kernel).toBeDefined();
    const mine = registerWasmTrainingKernels(tf);
    expect(mine.sort()).toEqual([...MISSING_WASM_TRAINING_KERNELS, ...REPLACED_WASM_KERNELS].sort());
    REPLACED_WASM_KERNELS.forEach((name, i) => expect(tf.getKernel(name, 'wasm')).not.toBe(builtIn[i]));
    // idempotent: a second call changes nothing
    const registered = tf.getKernel('Conv2DBackpropFilter', 'wasm');
    expect(registerWasmTrainingKernels(tf).sort()).toEqual(mine);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(registered);
  });

  for (const [i, c] of CONV_CASES.entries()) {
    it(`conv2d gradients equal the cpu backend's: ${c.name}`, async () => {
      const [dxWasm, dwWasm] = await gradients('wasm', c, false, 100 + 10 * i);
      const [dxCpu, dwCpu] = await gradients('cpu', c, false, 100 + 10 * i);
      expect(relativeError(dxWasm, dxCpu)).toBeLessThan(1e-5);
      expect(relativeError(dwWasm, dwCpu)).toBeLessThan(1e-5);
    });
  }

  for (const [i, c] of DEPTHWISE_CASES.entries()) {
    it(`depthwiseConv2d gradients equal the cpu backend's: ${c.name}`, async () => {
      const [dxWasm, dwWasm] = await gradients('wasm', c, true, 300 + 10 * i);
      const [dxCpu, dwCpu] = await gradients('cpu', c, true, 300 + 10 * i);
      expect(relativeError(dxWasm, dxCpu)).toBeLessThan(1e-5);
      expect(relativeError(dwWasm, dwCpu)).toBeLessThan(1e-5);
    });
  }

  const POOL_CASES: { name: string; x: Shape4; size: number | [number, number]; strides: number | [number, number]; pad: 'same' | 'valid' }[] = [
    { name: '2x2 stride 2 valid', x: [2, 8, 9, 3], size: 2, strides: 2, pad: 'valid' },
    { name: '3x3 stride 2 same (overlapping)', x: [2, 9, 7, 4], size: 3, strides: 2, pad: 'same' },
    { name: '3x2 strides [1, 2] valid', x: [1, 6, 8, 5], size: [3, 2], strides: [1, 2], pad: 'valid' },
  ];
  for (const [i, c] of POOL_CASES.entries()) {
    it(`maxPool gradients equal the cpu backend's, ties included: ${c.name}`, async () => {
      const grad = async (backend: 'wasm' | 'cpu') => {
        await tf.setBackend(backend);
        return tf.tidy(() => {
          // rounded and ReLU'd: many windows hold equal maxima (zeros) as after a conv + ReLU
          const x = tf.relu(tf.round(tf.tensor4d(normals(c.x.reduce((a, b) => a * b, 1), 700 + i), c.x)));
          const pool = (t: tfjs.Tensor4D) => tf.maxPool(t, c.size, c.strides, c.pad);
          const outShape = pool(x as tfjs.Tensor4D).shape;
          const dy = tf.tensor4d(normals(outShape.reduce((a, b) => a * b, 1), 800 + i), outShape);
          return tf.grad((t) => tf.sum(tf.mul(pool(t as tfjs.Tensor4D), dy)))(x).dataSync() as Float32Array;
        });
      };
      const wasm = await grad('wasm');
      const cpu = await grad('cpu');
      expect(relativeError(wasm, cpu)).toBeLessThan(1e-6);
    });
  }

  it("matMul gradients (transposed products) equal the cpu backend's, batched too", async () => {
    const shapes: [number[], number[], boolean, boolean][] = [
      [[7, 5], [5, 3], false, false],
      [[5, 7], [5, 3], true, false],
      [[7, 5], [3, 5], false, true],
      [[2, 5, 7], [2, 3, 5], true, true],
      [[3, 4, 6], [3, 6, 2], false, false],
      [[2, 6, 4], [2, 2, 6], true, true],
      // large enough (>= 16 rows / columns) for the transposed operand to be copied
      [[20, 5], [20, 17], true, false],
      [[18, 6], [17, 6], false, true],
      [[2, 6, 18], [2, 17, 6], true, true],
    ];
    for (const [i, [aShape, bShape, ta, tb]] of shapes.entries()) {
      const grads = async (backend: 'wasm' | 'cpu') => {
        await tf.setBackend(backend);
        return tf.tidy(() => {
          const a = tf.tensor(normals(aShape.reduce((x, y) => x * y, 1), 900 + i), aShape);
          const b = tf.tensor(normals(bShape.reduce((x, y) => x * y, 1), 950 + i), bShape);
          const product = tf.matMul(a, b, ta, tb);
          const dy = tf.tensor(normals(product.size, 990 + i), product.shape);
          return [product, ...tf.grads((x, y) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), dy)))([a, b])].map((t) => t.dataSync() as Float32Array);
        });
      };
      const wasm = await grads('wasm');
      const cpu = await grads('cpu');
      for (let k = 0; k < 3; k++) expect(relativeError(wasm[k], cpu[k])).toBeLessThan(1e-5);
    }
  });

  it('the filter gradient is the same when the im2col matrix is built in slices of images', async () => {
    const c: Case = { name: 'sliced', x: [5, 8, 8, 2], filter: [3, 3, 2, 4], strides: 1, pad: 'same' };
    const [, whole] = await gradients('wasm', c, false, 500);
    const saved = im2colLimit.maxFloats;
    im2colLimit.maxFloats = 2 * 64 * 18; // two images per slice: slices of 2, 2 and 1
    try {
      const [, sliced] = await gradients('wasm', c, false, 500);
      expect(relativeError(sliced, whole)).toBeLessThan(1e-6);
    } finally {
      im2colLimit.maxFloats = saved;
    }
  });

  it('leave no wasm buffers behind', async () => {
    const c = CONV_CASES[1];
    await gradients('wasm', c, false, 1);
    await gradients('wasm', DEPTHWISE_CASES[1], true, 1);
    const before = tf.engine().backend.numDataIds();
    await gradients('wasm', c, false, 2);
    await gradients('wasm', DEPTHWISE_CASES[1], true, 2);
    expect(tf.engine().backend.numDataIds()).toBe(before);
  });

  it('refuse dilations and NCHW with a clear error', () => {
    tf.tidy(() => {
      // tfjs' own depthwise gradient refuses dilations before reaching a kernel: call ours directly
      const dilated = () =>
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x: tf.ones([1, 7, 7, 2]), dy: tf.ones([1, 3, 3, 2]) }, {
          strides: 1,
          pad: 'valid',
          dilations: 2,
          filterShape: [3, 3, 2, 1],
        });
      expect(dilated).toThrow(/DepthwiseConv2dNativeBackpropFilter on the wasm backend supports dilations 1 only, got \[2, 2\]/);
      const dy = tf.ones([1, 2, 5, 5]);
      const nchw = () =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.ones([1, 2, 7, 7]), dy }, {
          strides: 1,
          pad: 'valid',
          dataFormat: 'NCHW',
          filterShape: [3, 3, 2, 2],
        });
      expect(nchw).toThrow(/Conv2DBackpropFilter on the wasm backend supports dataFormat 'NHWC' only, got 'NCHW'/);
    });
  });
});
