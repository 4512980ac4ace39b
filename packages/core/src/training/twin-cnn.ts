import type * as tfjs from '@tensorflow/tfjs';
import { ConfigError } from '../errors';
import type { Tf } from '../tensor/tfjs-runtime';
import { l2Normalize } from './projection-head';

export interface TwinCnnConfig {
  /** Side of the square input images, in pixels. */
  readonly inputSize: number;
  /** Image channels (1 = grey). */
  readonly channels: number;
  /** Width of the embedding (the dense layer after the convolutions). */
  readonly embeddingDim: number;
  /** Seeds the Glorot-uniform kernels: layer i uses seed + i. */
  readonly seed: number;
  /** Filters of the two convolution blocks (default [32, 64]). */
  readonly filters?: readonly [number, number];
  /** Square kernel size of both convolutions (default 5). */
  readonly kernelSize?: number;
}

export const DEFAULT_TWIN_FILTERS: readonly [number, number] = [32, 64];
export const DEFAULT_TWIN_KERNEL = 5;

export interface TwinCnn {
  /** The shared tower, images (n x size x size x channels) -> raw embeddings (n x embeddingDim). */
  readonly model: tfjs.Sequential;
  /** L2-normalised embeddings of a batch of images (differentiable: use it inside the loss). */
  embed(images: tfjs.Tensor4D): tfjs.Tensor2D;
}

/**
 * The classic small twin (siamese) tower: two blocks of conv (valid, ReLU) + 2x2 max-pool,
 * then a linear dense embedding, L2-normalised by `embed` (as for the projection head, the
 * normalisation is applied outside the model, not stored as a layer). Both images of a pair go
 * through the same tower. On the wasm backend it trains with our convolution-gradient kernels
 * (`trainingTensorflow('wasm')`).
 */
export function createTwinCnn(tf: Tf, config: TwinCnnConfig): TwinCnn {
  const filters = config.filters ?? DEFAULT_TWIN_FILTERS;
  const kernelSize = config.kernelSize ?? DEFAULT_TWIN_KERNEL;
  const positive: [string, number][] = [
    ['inputSize', config.inputSize],
    ['channels', config.channels],
    ['embeddingDim', config.embeddingDim],
    ['kernelSize', kernelSize],
    ['filters[0]', filters[0]],
    ['filters[1]', filters[1]],
  ];
  for (const [name, v] of positive) {
    if (!Number.isInteger(v) || v < 1) throw new ConfigError(`twin CNN ${name} must be a positive integer, got ${v}`);
  }
  // two (valid conv, 2x2 pool) blocks: size -> floor((size - k + 1) / 2), twice
  const afterBlocks = Math.floor((Math.floor((config.inputSize - kernelSize + 1) / 2) - kernelSize + 1) / 2);
  if (afterBlocks < 1) {
    throw new ConfigError(`twin CNN inputSize ${config.inputSize} is too small for two ${kernelSize}x${kernelSize} conv + pool blocks`);
  }
  const init = (i: number) => tf.initializers.glorotUniform({ seed: config.seed + i });
  const model = tf.sequential({ name: 'twin_cnn' });
  model.add(
    tf.layers.conv2d({
      inputShape: [config.inputSize, config.inputSize, config.channels],
      filters: filters[0],
      kernelSize,
      activation: 'relu',
      kernelInitializer: init(0),
      name: 'twin_conv_0',
    }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'twin_pool_0' }));
  model.add(tf.layers.conv2d({ filters: filters[1], kernelSize, activation: 'relu', kernelInitializer: init(1), name: 'twin_conv_1' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'twin_pool_1' }));
  model.add(tf.layers.flatten({ name: 'twin_flatten' }));
  model.add(tf.layers.dense({ units: config.embeddingDim, kernelInitializer: init(2), name: 'twin_embedding' }));
  return {
    model,
    embed: (images) => tf.tidy(() => l2Normalize(tf, model.apply(images) as tfjs.Tensor2D)),
  };
}
