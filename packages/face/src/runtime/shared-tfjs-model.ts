import type { GraphModel, NamedTensorMap } from '@tensorflow/tfjs';
import { DatasetError } from '@biofuse/core';
import { graphModelFrom, readTfjsFiles, tfjsDigest, weightsFrom, type TfjsFiles } from './load-model';

/**
 * A shipped tfjs model (a graph model, or the named weights of a network defined in code),
 * shared by every stage of the process that uses it. The weights loaded are the bytes the digest
 * names, as an ONNX model's are (PinnedFile), so a gallery or template never records one digest
 * beside embeddings of other weights. Only the model and the digest are kept, not the files.
 */
export interface SharedTfjsModel<M> {
  /**
   * The model, built once. Its files are read for it: checked against the digest if one was
   * taken before, and giving the digest otherwise (so model() then digest() reads once).
   */
  model(): Promise<M>;
  /** The digest of the files (tfjsDigest), without building the model. */
  digest(): Promise<string>;
}

/** A graph model (model.json and its shards), one per file per process. */
export function sharedGraphModel(path: string): SharedTfjsModel<GraphModel> {
  return shared('graph', path, graphModelFrom);
}

/** The named weights of a weights manifest, one per file per process. */
export function sharedWeights(path: string): SharedTfjsModel<NamedTensorMap> {
  return shared('weights', path, weightsFrom);
}

const models = new Map<string, SharedTfjsModel<unknown>>();

function shared<M>(kind: string, path: string, build: (files: TfjsFiles) => Promise<M>): SharedTfjsModel<M> {
  const key = `${kind}:${path}`;
  let model = models.get(key) as SharedTfjsModel<M> | undefined;
  if (!model) {
    model = new SharedModelFiles(path, build);
    models.set(key, model);
  }
  return model;
}

class SharedModelFiles<M> implements SharedTfjsModel<M> {
  /** The digest handed out, or of the bytes the model was built from; kept. */
  private taken: string | undefined;
  private built: Promise<M> | undefined;
  /** Reads run one at a time, so a digest asked for while the model is built is the model's. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly build: (files: TfjsFiles) => Promise<M>,
  ) {}

  digest(): Promise<string> {
    if (this.taken !== undefined) return Promise.resolve(this.taken);
    return this.serially(async () => (this.taken ??= tfjsDigest(await readTfjsFiles(this.path))));
  }

  model(): Promise<M> {
    this.built ??= this.serially(async () => {
      const files = await readTfjsFiles(this.path);
      const digest = tfjsDigest(files);
      if (this.taken !== undefined && digest !== this.taken) {
        throw new DatasetError('model file changed since its digest was taken (replaced or repaired while this process ran): start again, so that the digest names the weights loaded', this.path);
      }
      const model = await this.build(files);
      this.taken = digest;
      return model;
    }).catch((err: unknown) => {
      // Nothing of a failed read or build is kept: the next call reads again (a truncated shard may be repaired).
      this.built = undefined;
      throw err;
    });
    return this.built;
  }

  private serially<T>(step: () => Promise<T>): Promise<T> {
    const done = this.queue.then(step);
    this.queue = done.catch(() => undefined);
    return done;
  }
}
