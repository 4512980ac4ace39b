import { DatasetError } from '@biofuse/core';
import { runtimeNotInstalled } from '../errors';
import type { FaceModelCard } from './card';
import { embeddingsOf, packBatch, type Embedding, type FaceEmbedder, type ModelInput } from './embedder';
import { modelDigest, PinnedFile } from './model-digest';
import { onnxExternalDataFiles } from './onnx-external-data';

/** Any ArcFace-style ONNX model a user points to, run with onnxruntime-node (two threads). */
export class OnnxEmbedder implements FaceEmbedder {
  private session: Promise<import('onnxruntime-node').InferenceSession> | undefined;
  private readonly file: PinnedFile;

  constructor(readonly card: FaceModelCard) {
    if (card.source.kind !== 'onnx') throw new TypeError(`${card.name} is not an ONNX model`);
    // With its external-data files: retrained, a model may change in those alone.
    const { path } = card.source;
    const what = `the ONNX model of ${card.name}`;
    this.file = new PinnedFile(path, what, (bytes) => onnxExternalDataFiles(path, bytes, what));
  }

  async digest(): Promise<string> {
    return modelDigest(this.card, await this.file.digests());
  }

  async embed(batch: readonly ModelInput[]): Promise<Embedding[]> {
    if (batch.length === 0) return [];
    const source = this.card.source;
    if (source.kind !== 'onnx') throw new TypeError('unreachable');
    const ort = await loadOnnxRuntime();
    // A file the runtime cannot load is the file's fault (missing, truncated, not ONNX). Load from
    // the digested bytes, not the path: a file rewritten in place then cannot change a running model.
    this.session ??= this.file
      .load((bytes, external) =>
        ort.InferenceSession.create(bytes, { intraOpNumThreads: 2, interOpNumThreads: 1, externalData: external.map(({ location, bytes }) => ({ path: location, data: bytes })) }).catch((cause: unknown) => {
          throw new DatasetError(`cannot load the ONNX model of ${this.card.name}: ${(cause as Error).message}`, source.path, undefined, { cause });
        }),
      )
      .catch((err: unknown) => {
        this.session = undefined;
        throw err;
      });
    const session = await this.session;
    // Many exported models take a fixed batch (often 1): larger batches (two faces, or the
    // mirrored crops of flip) were refused by onnxruntime, an internal error. Run them in
    // batches of that size, the last one padded with copies of its last crop.
    const fixed = fixedBatchSize(session);
    if (fixed === undefined || fixed === batch.length) return this.run(ort, session, batch);
    const out: Embedding[] = [];
    for (let start = 0; start < batch.length; start += fixed) {
      const part = batch.slice(start, start + fixed);
      while (part.length < fixed) part.push(part[part.length - 1]);
      out.push(...(await this.run(ort, session, part)).slice(0, batch.length - start));
    }
    return out;
  }

  private async run(ort: typeof import('onnxruntime-node'), session: import('onnxruntime-node').InferenceSession, batch: readonly ModelInput[]): Promise<Embedding[]> {
    const source = this.card.source;
    if (source.kind !== 'onnx') throw new TypeError('unreachable');
    const { width, height, layout } = this.card.input;
    const dims = layout === 'nchw' ? [batch.length, 3, height, width] : [batch.length, height, width, 3];
    const input = new ort.Tensor('float32', packBatch(this.card, batch), dims);
    const outputs = await session.run({ [session.inputNames[0]]: input }).catch((cause: unknown) => {
      // The model refused what its card describes (another input size, layout or type).
      throw new DatasetError(`the ONNX model of ${this.card.name} refused a ${dims.join(' x ')} input as its card describes it: ${(cause as Error).message}`, source.path, undefined, { cause });
    });
    const name = source.output ?? session.outputNames[0];
    const output = outputs[name];
    if (!output) throw new DatasetError(`the ONNX model has no output "${source.output}" (the card's source.output; its outputs: ${session.outputNames.join(', ')})`, source.path);
    // Another type's data is no array of embedding values: float16's raw bits and integers were
    // normalised into integer arrays (zeros, with a positive norm), and int64 was a TypeError.
    if (output.type !== 'float32' && output.type !== 'float64') {
      throw new DatasetError(`the ONNX model of ${this.card.name} gives ${output.type} values as its output "${name}"; embeddings are read as float32 (or float64): export the model with a float output`, source.path);
    }
    const data = output.type === 'float32' ? (output.data as Float32Array) : Float32Array.from(output.data as Float64Array);
    return embeddingsOf(this.card, data, batch.length);
  }
}

/** The batch size the model's first input is fixed to, or undefined when it takes any (a symbolic or unknown first dimension). */
function fixedBatchSize(session: import('onnxruntime-node').InferenceSession): number | undefined {
  const meta = session.inputMetadata?.[0];
  const first = meta?.isTensor ? meta.shape[0] : undefined;
  return typeof first === 'number' && Number.isInteger(first) && first > 0 ? first : undefined;
}

/** onnxruntime-node, or ModalityUnavailableError when it is not installed (an optional native package). */
async function loadOnnxRuntime(): Promise<typeof import('onnxruntime-node')> {
  try {
    return await import('onnxruntime-node');
  } catch (cause) {
    throw runtimeNotInstalled(`onnxruntime-node for ONNX models (${(cause as Error).message})`, cause);
  }
}
