import type { NamedTensorMap, Tensor, Tensor2D, Tensor4D } from '@tensorflow/tfjs';
import type { Tf } from '@biofuse/core';
import { modelFile } from '../runtime/model-files';
import { sharedWeights } from '../runtime/shared-tfjs-model';
import type { FaceModelCard } from './card';
import type { Embedding, FaceEmbedder, ModelInput } from './embedder';
import { modelDigest } from './model-digest';
import { embedWithTfjs } from './tfjs-batch';

/**
 * dlib's face-recognition ResNet (29 conv layers, 128-d output) as ported to tfjs weights by
 * face-api. The network is built here from its named weights: a 7x7/2 stem, max-pooling, then
 * residual stages of 32, 64, 128 and 256 channels, global mean and a linear projection.
 * Every conv is followed by an affine "scale" layer (dlib's frozen batch norm).
 */
export class DlibResNetEmbedder implements FaceEmbedder {
  constructor(readonly card: FaceModelCard) {
    if (card.source.kind !== 'dlib-resnet') throw new TypeError(`${card.name} is not a dlib ResNet`);
  }

  async embed(batch: readonly ModelInput[]): Promise<Embedding[]> {
    const source = this.card.source;
    if (source.kind !== 'dlib-resnet') throw new TypeError('unreachable');
    const w = await sharedWeights(modelFile(source.package, source.file)).model();
    return embedWithTfjs(this.card, batch, (tf, input) => forward(tf, w, input));
  }

  async digest(): Promise<string> {
    const source = this.card.source;
    if (source.kind !== 'dlib-resnet') throw new TypeError('unreachable');
    return modelDigest(this.card, [await sharedWeights(modelFile(source.package, source.file)).digest()]);
  }
}

function forward(tf: Tf, w: NamedTensorMap, input: Tensor4D): Tensor2D {
  const convScale = (x: Tensor4D, name: string, stride: 1 | 2, relu: boolean): Tensor4D => {
    let out = tf.conv2d(x, w[`${name}/conv/filters`] as Tensor4D, stride, stride === 2 ? 'valid' : 'same');
    out = tf.add(out, w[`${name}/conv/bias`]);
    out = tf.add(tf.mul(out, w[`${name}/scale/weights`]), w[`${name}/scale/biases`]);
    return relu ? tf.relu(out) : out;
  };
  const block = (x: Tensor4D, name: string): Tensor4D => {
    const out = convScale(convScale(x, `${name}/conv1`, 1, true), `${name}/conv2`, 1, false);
    return tf.relu(tf.add(out, x));
  };
  // Downsampling block: the shortcut is a 2x2 average pool, zero-padded in channels (and in
  // size, where the strided 'valid' conv and the pool disagree by one pixel).
  const down = (x: Tensor4D, name: string): Tensor4D => {
    let out = convScale(convScale(x, `${name}/conv1`, 2, true), `${name}/conv2`, 1, false);
    let shortcut = tf.avgPool(x, 2, 2, 'valid') as Tensor4D;
    if (shortcut.shape[1] !== out.shape[1] || shortcut.shape[2] !== out.shape[2]) {
      out = tf.pad(out, [[0, 0], [0, shortcut.shape[1] - out.shape[1]], [0, shortcut.shape[2] - out.shape[2]], [0, 0]]);
    }
    if (shortcut.shape[3] !== out.shape[3]) {
      shortcut = tf.pad(shortcut, [[0, 0], [0, 0], [0, 0], [0, out.shape[3] - shortcut.shape[3]]]);
    }
    return tf.relu(tf.add(out, shortcut));
  };
  let x = convScale(input, 'conv32_down', 2, true);
  x = tf.maxPool(x, 3, 2, 'valid');
  for (const name of ['conv32_1', 'conv32_2', 'conv32_3']) x = block(x, name);
  x = down(x, 'conv64_down');
  for (const name of ['conv64_1', 'conv64_2', 'conv64_3']) x = block(x, name);
  x = down(x, 'conv128_down');
  for (const name of ['conv128_1', 'conv128_2']) x = block(x, name);
  x = down(x, 'conv256_down');
  for (const name of ['conv256_1', 'conv256_2']) x = block(x, name);
  x = down(x, 'conv256_down_out');
  const pooled = tf.mean(x, [1, 2]) as Tensor2D;
  return tf.matMul(pooled, w.fc as Tensor as Tensor2D);
}
