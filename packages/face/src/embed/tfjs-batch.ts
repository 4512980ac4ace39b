import type { Tensor, Tensor4D } from '@tensorflow/tfjs';
import { tensorflow, type Tf } from '@biofuse/core';
import type { FaceModelCard } from './card';
import { embeddingsOf, packBatch, type Embedding, type ModelInput } from './embedder';

/**
 * Runs one batch through a tfjs network: packs the crops as the card says, calls `forward`
 * on the NHWC input inside tf.tidy, reads the `[n, embeddingSize]` result back and normalises it.
 */
export async function embedWithTfjs(card: FaceModelCard, batch: readonly ModelInput[], forward: (tf: Tf, input: Tensor4D) => Tensor): Promise<Embedding[]> {
  if (batch.length === 0) return [];
  const tf = await tensorflow();
  const { width, height } = card.input;
  const packed = packBatch(card, batch);
  const output = tf.tidy(() => tf.reshape(forward(tf, tf.tensor4d(packed, [batch.length, height, width, 3])), [batch.length, -1]));
  const data = (await output.data()) as Float32Array;
  output.dispose();
  return embeddingsOf(card, data, batch.length);
}
