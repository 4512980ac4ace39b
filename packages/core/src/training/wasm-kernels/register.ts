import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../tensor/tfjs-runtime';
import { batchMatMulConfig } from './batch-mat-mul';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input';
import { maxPoolGradConfig } from './max-pool-grad';

/** Kernels tfjs-backend-wasm 4.22 lacks; a CNN's training step needs them. */
export const MISSING_WASM_TRAINING_KERNELS: readonly string[] = [
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNativeBackpropFilter',
  'DepthwiseConv2dNativeBackpropInput',
];
/** Kernels tfjs-backend-wasm has that a CNN's training step spends long in, replaced by faster ones. */
export const REPLACED_WASM_KERNELS: readonly string[] = ['Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul'];

/** Our config for a kernel; `existing` is the kernel registered before (what a wrapper calls). */
type KernelFactory = (tf: Tf, existing: tfjs.KernelConfig | undefined) => tfjs.KernelConfig;

const factories: Record<string, KernelFactory> = {
  Conv2DBackpropFilter: (tf) => conv2dBackpropFilterConfig(tf),
  DepthwiseConv2dNativeBackpropFilter: (tf) => depthwiseBackpropFilterConfig(tf),
  DepthwiseConv2dNativeBackpropInput: (tf) => depthwiseBackpropInputConfig(tf),
  Conv2DBackpropInput: (tf) => conv2dBackpropInputConfig(tf),
  MaxPoolGrad: (tf) => maxPoolGradConfig(tf),
  BatchMatMul: (tf, existing) => batchMatMulConfig(tf, existing as tfjs.KernelConfig),
};

const ours = new Map<string, tfjs.KernelConfig>();
const originals = new Map<string, tfjs.KernelConfig>();

/**
 * Registers our kernels for the 'wasm' backend so that CNNs train on it, and fast (tfjs' kernel
 * registry is global: this holds for every user of tfjs in the process). A missing kernel that
 * tfjs itself provides by then is left alone; the replaced ones are kept for
 * `unregisterWasmTrainingKernels` (and BatchMatMul's wrapper calls the original). Idempotent;
 * returns the names of the kernels that are ours after the call.
 */
export function registerWasmTrainingKernels(tf: Tf): string[] {
  for (const [name, make] of Object.entries(factories)) {
    const current = tf.getKernel(name, 'wasm');
    if (current !== undefined && current === ours.get(name)) continue;
    const replacing = REPLACED_WASM_KERNELS.includes(name);
    if (current !== undefined && !replacing) continue;
    if (current === undefined && replacing) continue; // nothing to replace (or to wrap)
    const config = make(tf, current);
    if (current !== undefined) {
      originals.set(name, current);
      tf.unregisterKernel(name, 'wasm');
    }
    tf.registerKernel(config);
    // the registry stores the config object itself: keep it to recognise ours later
    ours.set(name, tf.getKernel(name, 'wasm') as tfjs.KernelConfig);
  }
  return [...ours.keys()];
}

/** Removes our kernels and puts back the ones we replaced (for comparisons and tests). */
export function unregisterWasmTrainingKernels(tf: Tf): void {
  for (const [name, config] of ours) {
    if (tf.getKernel(name, 'wasm') === config) tf.unregisterKernel(name, 'wasm');
    const original = originals.get(name);
    if (original !== undefined && tf.getKernel(name, 'wasm') === undefined) tf.registerKernel(original);
  }
  ours.clear();
  originals.clear();
}
