import type { Tensor } from '@tensorflow/tfjs';
import { modelFile } from '../runtime/model-files';
import { sharedGraphModel } from '../runtime/shared-tfjs-model';
import type { FaceModelCard } from './card';
import type { Embedding, FaceEmbedder, ModelInput } from './embedder';
import { modelDigest } from './model-digest';
import { embedWithTfjs } from './tfjs-batch';

/** An embedding model shipped as a tfjs graph model inside an npm package. */
export class GraphModelEmbedder implements FaceEmbedder {
  constructor(readonly card: FaceModelCard) {
    if (card.source.kind !== 'tfjs-graph') throw new TypeError(`${card.name} is not a tfjs graph model`);
  }

  async embed(batch: readonly ModelInput[]): Promise<Embedding[]> {
    const source = this.card.source;
    if (source.kind !== 'tfjs-graph') throw new TypeError('unreachable');
    const model = await sharedGraphModel(modelFile(source.package, source.file)).model();
    return embedWithTfjs(this.card, batch, (_tf, input) => model.execute(input, source.output) as Tensor);
  }

  async digest(): Promise<string> {
    const source = this.card.source;
    if (source.kind !== 'tfjs-graph') throw new TypeError('unreachable');
    return modelDigest(this.card, [await sharedGraphModel(modelFile(source.package, source.file)).digest()]);
  }
}
