import { tensorflow, type Tf } from '../tensor/tfjs-runtime';
import { registerWasmTrainingKernels } from './wasm-kernels/register';

export type TrainingBackend = 'wasm' | 'cpu';

/**
 * tfjs set to a backend that can train. tfjs keeps one active backend per process, so this
 * switches it for every user of tfjs in the process (the face models included). 'wasm' is the
 * one @biofuse/face uses for inference; tfjs-backend-wasm lacks the convolution backprop
 * kernels, so ours are registered (./wasm-kernels) and CNNs train on it too. 'cpu' has every
 * kernel and is much slower.
 */
export async function trainingTensorflow(backend: TrainingBackend = 'wasm'): Promise<Tf> {
  const tf = await tensorflow();
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) {
    throw new Error(`the tfjs ${backend} backend failed to start`);
  }
  await tf.ready();
  if (backend === 'wasm') registerWasmTrainingKernels(tf);
  return tf;
}
