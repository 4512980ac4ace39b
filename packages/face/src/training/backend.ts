import { tensorflow, type Tf } from '../runtime/backend';

export type TrainingBackend = 'wasm' | 'cpu';

/**
 * tfjs set to a backend that can train. tfjs keeps one active backend per process, so this
 * switches it for every user of tfjs in the process (the face models included). 'wasm' is the
 * one @biofuse/face uses for inference; it trains dense layers but lacks the convolution
 * backprop kernels. 'cpu' has every kernel and is slower.
 */
export async function trainingTensorflow(backend: TrainingBackend = 'wasm'): Promise<Tf> {
  const tf = await tensorflow();
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) {
    throw new Error(`the tfjs ${backend} backend failed to start`);
  }
  await tf.ready();
  return tf;
}
