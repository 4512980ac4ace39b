import type { Tensor } from '@tensorflow/tfjs';
import { tensorflow } from '../runtime/backend';
import { sharedGraphModel } from '../runtime/load-model';
import { modelFile } from '../runtime/model-files';
import type { FaceModelCard } from './card';
import { l2NormalizeRows, packBatch, type Embedding, type FaceEmbedder, type ModelInput } from './embedder';

/** An embedding model shipped as a tfjs graph model inside an npm package. */
export class GraphModelEmbedder implements FaceEmbedder {
  constructor(readonly card: FaceModelCard) {
    if (card.source.kind !== 'tfjs-graph') throw new TypeError(`${card.name} is not a tfjs graph model`);
  }

  async embed(batch: readonly ModelInput[]): Promise<Embedding[]> {
    if (batch.length === 0) return [];
    const source = this.card.source;
    if (source.kind !== 'tfjs-graph') throw new TypeError('unreachable');
    const tf = await tensorflow();
    const model = await sharedGraphModel(modelFile(source.package, source.file));
    const { width, height } = this.card.input;
    const packed = packBatch(this.card, batch);
    const output = tf.tidy(() => {
      const input = tf.tensor4d(packed, [batch.length, height, width, 3]);
      const result = model.execute(input, source.output) as Tensor;
      return tf.reshape(result, [batch.length, -1]);
    });
    const data = (await output.data()) as Float32Array;
    output.dispose();
    return l2NormalizeRows(data, this.card.embeddingSize);
  }
}
