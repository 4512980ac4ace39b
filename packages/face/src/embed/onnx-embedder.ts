import { DatasetError } from '@biofuse/core';
import { runtimeNotInstalled } from '../errors';
import type { FaceModelCard } from './card';
import { embeddingsOf, packBatch, type Embedding, type FaceEmbedder, type ModelInput } from './embedder';

/** Any ArcFace-style ONNX model a user points to, run with onnxruntime-node (two threads). */
export class OnnxEmbedder implements FaceEmbedder {
  private session: Promise<import('onnxruntime-node').InferenceSession> | undefined;

  constructor(readonly card: FaceModelCard) {
    if (card.source.kind !== 'onnx') throw new TypeError(`${card.name} is not an ONNX model`);
  }

  async embed(batch: readonly ModelInput[]): Promise<Embedding[]> {
    if (batch.length === 0) return [];
    const source = this.card.source;
    if (source.kind !== 'onnx') throw new TypeError('unreachable');
    const ort = await loadOnnxRuntime();
    // The runtime is there: a file it cannot load is the file's fault (missing, truncated, not ONNX).
    this.session ??= ort.InferenceSession.create(source.path, { intraOpNumThreads: 2, interOpNumThreads: 1 }).catch((cause: unknown) => {
      this.session = undefined;
      throw new DatasetError(`cannot load the ONNX model of ${this.card.name}: ${(cause as Error).message}`, source.path);
    });
    const session = await this.session;
    const { width, height, layout } = this.card.input;
    const dims = layout === 'nchw' ? [batch.length, 3, height, width] : [batch.length, height, width, 3];
    const input = new ort.Tensor('float32', packBatch(this.card, batch), dims);
    const outputs = await session.run({ [session.inputNames[0]]: input });
    const output = outputs[source.output ?? session.outputNames[0]];
    if (!output) throw new DatasetError(`the ONNX model has no output "${source.output}" (the card's source.output; its outputs: ${session.outputNames.join(', ')})`, source.path);
    return embeddingsOf(this.card, output.data as Float32Array, batch.length);
  }
}

/** onnxruntime-node, or ModalityUnavailableError when it is not installed (an optional native package). */
async function loadOnnxRuntime(): Promise<typeof import('onnxruntime-node')> {
  try {
    return await import('onnxruntime-node');
  } catch (cause) {
    throw runtimeNotInstalled(`onnxruntime-node for ONNX models (${(cause as Error).message})`);
  }
}
