/**
 * Issue 7: how much faster a CNN trains on the tfjs wasm backend with our kernels
 * (@biofuse/core/training, src/training/wasm-kernels) than on the cpu backend, which has every kernel.
 *
 * 1. Training steps of the twin CNN (createTwinCnn: conv 5x5 x32 + pool, conv 5x5 x64 + pool,
 *    dense 128 embedding, L2-normalised) on pairs of grey `--size` (64) px images (both images
 *    of a pair go through the tower), contrastive loss, Adam: one warm-up step, then the median
 *    of `--steps` steps. Same seeds, so both backends start from the same weights and the
 *    losses can be compared. wasm runs at `--pairs` (32) and at `--cpu-pairs` (4) pairs; the
 *    cpu backend only at `--cpu-pairs` (its Conv2DBackpropFilter alone takes ~40 s for 4 images
 *    on the second layer, so a 32-pair cpu step would take many minutes: it is extrapolated
 *    linearly, every kernel being linear in the batch).
 * 2. Each kernel we register, on the shapes of that network (batch `--kernel-batch` images),
 *    against the cpu backend's and, for the kernels we replace, tfjs-backend-wasm's own: median
 *    of `--reps` calls after a warm-up call (cpu: `--cpu-reps` calls, no warm-up; they are slow).
 *
 * Usage: npm run bench-wasm-training -w packages/face -- [--pairs 32] [--cpu-pairs 4] [--size 64]
 *        [--steps 5] [--cpu-steps 1] [--kernel-batch 4] [--reps 3] [--cpu-reps 1] [--skip-cpu]
 *        [--only training|kernels]
 * The cpu numbers swing with the machine's load (a 4-pair cpu step took 95 s on a quiet
 * machine, 430 s with other jobs running): run it alone.
 */
import { parseArgs } from 'node:util';
import type * as tfjs from '@tensorflow/tfjs';
import { seededRandom, tensorflow, type Tf } from '@biofuse/core';
import { trainingTensorflow, contrastiveLoss, euclideanRowDistance, createTwinCnn, REPLACED_WASM_KERNELS, registerWasmTrainingKernels, unregisterWasmTrainingKernels } from '@biofuse/core/training';

const { values: args } = parseArgs({
  options: {
    pairs: { type: 'string', default: '32' },
    'cpu-pairs': { type: 'string', default: '4' },
    size: { type: 'string', default: '64' },
    steps: { type: 'string', default: '5' },
    'cpu-steps': { type: 'string', default: '1' },
    'kernel-batch': { type: 'string', default: '4' },
    reps: { type: 'string', default: '3' },
    'cpu-reps': { type: 'string', default: '1' },
    'skip-cpu': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const pairs = Number(args.pairs);
const cpuPairs = Number(args['cpu-pairs']);
const size = Number(args.size);
const wasmSteps = Number(args.steps);
const cpuSteps = Number(args['cpu-steps']);
const kernelBatch = Number(args['kernel-batch']);
const reps = Number(args.reps);
const cpuReps = Number(args['cpu-reps']);
const skipCpu = args['skip-cpu'] === true;
const only = args.only;
if (only !== undefined && only !== 'training' && only !== 'kernels') throw new Error(`--only takes 'training' or 'kernels', got '${only}'`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function normals(count: number, seed: number): Float32Array {
  const rng = seededRandom(seed);
  return Float32Array.from({ length: count }, () => rng.normal());
}

/** Median ms per training step and the losses seen (warm-up step first). */
async function timeTraining(tf: Tf, backend: 'wasm' | 'cpu', pairs: number, steps: number): Promise<{ ms: number; losses: number[] }> {
  await trainingTensorflow(backend);
  const twin = createTwinCnn(tf, { inputSize: size, channels: 1, embeddingDim: 128, seed: 7 });
  const shape: [number, number, number, number] = [pairs, size, size, 1];
  const left = tf.tensor4d(normals(pairs * size * size, 1), shape);
  const right = tf.tensor4d(normals(pairs * size * size, 2), shape);
  const rng = seededRandom(3);
  const genuine = tf.tensor1d(Float32Array.from({ length: pairs }, () => (rng.next() < 0.5 ? 1 : 0)));
  const optimizer = tf.train.adam(1e-3);
  const times: number[] = [];
  const losses: number[] = [];
  for (let step = 0; step <= steps; step++) {
    const started = performance.now();
    const loss = optimizer.minimize(() => contrastiveLoss(tf, euclideanRowDistance(tf, twin.embed(left), twin.embed(right)), genuine, 1), true);
    losses.push((loss as tfjs.Scalar).dataSync()[0]);
    loss?.dispose();
    const ms = performance.now() - started;
    if (step > 0) times.push(ms);
    process.stderr.write(`  ${backend}, ${pairs} pairs, step ${step}${step === 0 ? ' (warm-up)' : ''}: ${ms.toFixed(0)} ms\n`);
  }
  tf.dispose([left, right, genuine]);
  optimizer.dispose();
  twin.model.dispose();
  return { ms: median(times), losses };
}

interface KernelCase {
  readonly label: string;
  readonly kernelName: string;
  readonly inputs: Record<string, number[]>;
  readonly attrs: tfjs.NamedAttrMap;
}

const kernelCases: KernelCase[] = ((): KernelCase[] => {
  const b = kernelBatch;
  const conv0 = size - 4;
  const pooled = Math.floor(conv0 / 2);
  const conv1 = pooled - 4;
  const flat = Math.floor(conv1 / 2) ** 2 * 64;
  return [
    {
      label: `Conv2DBackpropFilter  x ${b}x${size}x${size}x1, 5x5 -> 32`,
      kernelName: 'Conv2DBackpropFilter',
      inputs: { x: [b, size, size, 1], dy: [b, conv0, conv0, 32] },
      attrs: { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [5, 5, 1, 32] },
    },
    {
      label: `Conv2DBackpropFilter  x ${b}x${pooled}x${pooled}x32, 5x5 -> 64`,
      kernelName: 'Conv2DBackpropFilter',
      inputs: { x: [b, pooled, pooled, 32], dy: [b, conv1, conv1, 64] },
      attrs: { strides: 1, pad: 'valid', dataFormat: 'NHWC', filterShape: [5, 5, 32, 64] },
    },
    {
      label: `Conv2DBackpropInput   x ${b}x${pooled}x${pooled}x32, 5x5 -> 64`,
      kernelName: 'Conv2DBackpropInput',
      inputs: { dy: [b, conv1, conv1, 64], filter: [5, 5, 32, 64] },
      attrs: { strides: 1, pad: 'valid', dataFormat: 'NHWC', inputShape: [b, pooled, pooled, 32] },
    },
    {
      label: `Conv2DBackpropInput   x ${b}x${pooled}x${pooled}x32, 3x3 s2 same -> 64`,
      kernelName: 'Conv2DBackpropInput',
      inputs: { dy: [b, Math.ceil(pooled / 2), Math.ceil(pooled / 2), 64], filter: [3, 3, 32, 64] },
      attrs: { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: [b, pooled, pooled, 32] },
    },
    {
      label: `DepthwiseBackpropFilter x ${b}x${pooled}x${pooled}x32, 3x3 same`,
      kernelName: 'DepthwiseConv2dNativeBackpropFilter',
      inputs: { x: [b, pooled, pooled, 32], dy: [b, pooled, pooled, 32] },
      attrs: { strides: 1, pad: 'same', dilations: 1, filterShape: [3, 3, 32, 1] },
    },
    {
      label: `DepthwiseBackpropInput  x ${b}x${pooled}x${pooled}x32, 3x3 same`,
      kernelName: 'DepthwiseConv2dNativeBackpropInput',
      inputs: { dy: [b, pooled, pooled, 32], filter: [3, 3, 32, 1] },
      attrs: { strides: 1, pad: 'same', dilations: 1, inputShape: [b, pooled, pooled, 32] },
    },
    {
      label: `MaxPoolGrad           x ${b}x${conv0}x${conv0}x32, 2x2 stride 2`,
      kernelName: 'MaxPoolGrad',
      inputs: { dy: [b, pooled, pooled, 32], input: [b, conv0, conv0, 32], output: [b, pooled, pooled, 32] },
      attrs: { filterSize: 2, strides: 2, pad: 'valid' },
    },
    {
      label: `BatchMatMul x^T dy    ${flat}x${b} . ${b}x128 (dense dW)`,
      kernelName: 'BatchMatMul',
      inputs: { a: [b, flat], b: [b, 128] },
      attrs: { transposeA: true, transposeB: false },
    },
    {
      label: `BatchMatMul dy W^T    ${b}x128 . 128x${flat} (dense dx)`,
      kernelName: 'BatchMatMul',
      inputs: { a: [b, 128], b: [flat, 128] },
      attrs: { transposeA: false, transposeB: true },
    },
  ];
})();

/** Median ms of one kernel call on the current backend (after a warm-up call unless `warmUp` is false). */
function timeKernel(tf: Tf, c: KernelCase, calls: number, warmUp: boolean): number {
  const inputs: Record<string, tfjs.Tensor> = {};
  let seed = 11;
  for (const [name, shape] of Object.entries(c.inputs)) {
    inputs[name] = tf.tensor(normals(shape.reduce((a, d) => a * d, 1), seed++), shape);
  }
  const times: number[] = [];
  for (let rep = warmUp ? -1 : 0; rep < calls; rep++) {
    const started = performance.now();
    const out = tf.engine().runKernel(c.kernelName, inputs, c.attrs) as tfjs.Tensor;
    out.dataSync();
    if (rep >= 0) times.push(performance.now() - started);
    out.dispose();
  }
  tf.dispose(Object.values(inputs));
  return median(times);
}


const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(1).padStart(9) : '        -');
const ratio = (slow: number, fast: number) => (Number.isFinite(slow) ? `${(slow / fast).toFixed(1)}x`.padStart(8) : '       -');

const tf = await tensorflow();
console.log(`tfjs ${tf.version.tfjs}; twin CNN on pairs of ${size}x${size}x1 images (2 images per pair per step)`);

if (only !== 'kernels') {
  const wasmLarge = await timeTraining(tf, 'wasm', pairs, wasmSteps);
  const wasmSmall = await timeTraining(tf, 'wasm', cpuPairs, wasmSteps);
  const cpu = skipCpu ? { ms: Number.NaN, losses: [] as number[] } : await timeTraining(tf, 'cpu', cpuPairs, cpuSteps);
  const cpuLarge = (cpu.ms * pairs) / cpuPairs;
  console.log(`\ntraining step, ms (median of ${wasmSteps} wasm / ${cpuSteps} cpu steps, warm-up excluded)`);
  console.log(`  ${'pairs'.padEnd(8)} ${'wasm+ours'.padStart(10)} ${'cpu'.padStart(10)} ${'speed-up'.padStart(9)}`);
  console.log(`  ${String(cpuPairs).padEnd(8)} ${wasmSmall.ms.toFixed(0).padStart(10)} ${cpu.ms.toFixed(0).padStart(10)} ${ratio(cpu.ms, wasmSmall.ms).padStart(9)}`);
  console.log(`  ${String(pairs).padEnd(8)} ${wasmLarge.ms.toFixed(0).padStart(10)} ${`~${cpuLarge.toFixed(0)}`.padStart(10)} ${`~${ratio(cpuLarge, wasmLarge.ms).trim()}`.padStart(9)}  (cpu extrapolated from ${cpuPairs} pairs)`);
  console.log(`  losses wasm, ${cpuPairs} pairs: ${wasmSmall.losses.map((l) => l.toFixed(5)).join(' ')}`);
  if (!skipCpu) console.log(`  losses cpu,  ${cpuPairs} pairs: ${cpu.losses.map((l) => l.toFixed(5)).join(' ')}`);
  console.log(`  losses wasm, ${pairs} pairs: ${wasmLarge.losses.map((l) => l.toFixed(5)).join(' ')}`);
}

if (only !== 'training') {
  console.log(`\nkernels, ms (median of ${reps} wasm calls after a warm-up, ${cpuReps} cpu; batch ${kernelBatch} images)`);
  console.log(`  ${'kernel'.padEnd(52)} ${'ours'.padStart(9)} ${'wasm own'.padStart(9)} ${'cpu'.padStart(9)} ${'vs cpu'.padStart(8)} ${'vs own'.padStart(8)}`);
  for (const c of kernelCases) {
    await trainingTensorflow('wasm');
    const ours = timeKernel(tf, c, reps, true);
    let own = Number.NaN;
    if (REPLACED_WASM_KERNELS.includes(c.kernelName)) {
      unregisterWasmTrainingKernels(tf);
      own = timeKernel(tf, c, reps, true);
      registerWasmTrainingKernels(tf);
    }
    let onCpu = Number.NaN;
    if (!skipCpu) {
      await tf.setBackend('cpu');
      onCpu = timeKernel(tf, c, cpuReps, false);
    }
    console.log(`  ${c.label.padEnd(52)} ${fmt(ours)} ${fmt(own)} ${fmt(onCpu)} ${ratio(onCpu, ours)} ${ratio(own, ours)}`);
  }
}
