import type * as tfjs from '@tensorflow/tfjs';
import { ConfigError, TemplateFormatError, tensorflow } from '@biofuse/core';
import { headFromWeightsFile, projectRows } from '@biofuse/core/training';
import type { FaceModelCard } from './card';
import type { Embedding, FaceEmbedder, ModelInput } from './embedder';
import { modelDigest, PinnedFile } from './model-digest';

/** A frozen base model followed by a trained projection head (its input: the base's unit embedding). */
export class ProjectionHeadEmbedder implements FaceEmbedder {
  private head: Promise<tfjs.LayersModel> | undefined;
  private readonly weights: PinnedFile;

  constructor(
    readonly card: FaceModelCard,
    private readonly base: FaceEmbedder,
  ) {
    if (card.source.kind !== 'projection-head') throw new TypeError(`${card.name} is not a projection-head model`);
    this.weights = new PinnedFile(card.source.weights, `the head weights of ${card.name}`);
  }

  /** The head's weights and its base model's digest: a retrained base changes the head's input. */
  async digest(): Promise<string> {
    return modelDigest(this.card, [...(await this.weights.digests()), await this.base.digest()]);
  }

  async embed(batch: readonly ModelInput[]): Promise<Embedding[]> {
    if (batch.length === 0) return [];
    const tf = await tensorflow();
    const head = await this.loadHead();
    const baseOut = await this.base.embed(batch);
    const size = this.base.card.embeddingSize;
    const rows = new Float32Array(batch.length * size);
    baseOut.forEach((e, i) => rows.set(e.vector, i * size));
    const projected = projectRows(tf, head, rows);
    const dim = this.card.embeddingSize;
    // projectRows normalises; the head gives no raw length of its own, so the norm is 1.
    return Array.from({ length: batch.length }, (_, i) => ({ vector: projected.slice(i * dim, (i + 1) * dim), norm: 1 }));
  }

  private loadHead(): Promise<tfjs.LayersModel> {
    const source = this.card.source;
    if (source.kind !== 'projection-head') throw new TypeError('unreachable');
    // A missing file the card names is a data error naming the file; one changed since a gallery took its digest, too.
    this.head ??= this.weights.load(async (bytes) => {
      const tf = await tensorflow();
      const text = bytes.toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (cause) {
        // As the core reader reports a malformed head file.
        throw new TemplateFormatError(`${source.weights}: not JSON (${(cause as Error).message})`);
      }
      const model = headFromWeightsFile(tf, json, source.weights);
      const out = model.outputs[0].shape[1];
      const inputDim = model.inputs[0].shape[1];
      const baseDim = this.base.card.embeddingSize;
      // A mismatch is no error to projectRows when one size divides the other: a 128-d head on a
      // 256-d base read each face's embedding as two rows, and faces got their neighbours' halves.
      const fail = (message: string): never => {
        model.dispose();
        throw new ConfigError(`${this.card.name}: ${message}`);
      };
      if (inputDim !== baseDim) fail(`its head takes ${inputDim}-d embeddings, its base model ${this.base.card.name} gives ${baseDim}-d`);
      if (out !== this.card.embeddingSize) fail(`the head gives ${out}-d embeddings, its card says ${this.card.embeddingSize}`);
      return model;
    }).catch((err: unknown) => {
      this.head = undefined;
      throw err;
    });
    return this.head;
  }
}
