import type { GraphModel, NamedTensorMap } from '@tensorflow/tfjs';
import { tfjsDigest } from '../embed/model-digest';
import { graphModelFrom, readTfjsFiles, weightsFrom, type TfjsFiles } from './load-model';

/**
 * A shipped tfjs model (a graph model, or the named weights of a network defined in code),
 * shared by every stage of the process that uses it. Its files are read once: the digest a
 * gallery or a template records and the model that makes the embeddings come from the same
 * bytes, as an ONNX model's do (PinnedFile). Read twice, a file replaced in between (an npm
 * upgrade under a running process) gave a model whose digest named other weights.
 */
export interface SharedTfjsModel<M> {
  /** The model, built once from the bytes read. */
  model(): Promise<M>;
  /** The digest of those bytes (model-digest.ts's tfjsDigest), without building the model. */
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
  /** The bytes of the one read, held until the model is built from them. */
  private files: Promise<TfjsFiles> | undefined;
  /** Their digest, taken as they are read and kept. */
  private digested: Promise<string> | undefined;
  private built: Promise<M> | undefined;

  constructor(
    private readonly path: string,
    private readonly build: (files: TfjsFiles) => Promise<M>,
  ) {}

  digest(): Promise<string> {
    if (this.digested === undefined) this.read();
    return this.digested!;
  }

  model(): Promise<M> {
    this.built ??= (async () => {
      const model = await this.build(await this.read());
      // The model holds its weights now; the digest of the bytes it was built from stays.
      this.files = undefined;
      return model;
    })().catch((err: unknown) => {
      // Not kept: the next call builds again, from the same bytes if they were read.
      this.built = undefined;
      throw err;
    });
    return this.built;
  }

  /**
   * The files' bytes, from the one read, with their digest taken as they arrive. Not called
   * again once the model is built: the model is kept, and so is the digest.
   */
  private read(): Promise<TfjsFiles> {
    if (this.files === undefined) {
      const files = readTfjsFiles(this.path);
      const digested = files.then(tfjsDigest);
      this.files = files;
      this.digested = digested;
      // A failed read is not kept: the next call reads again (the file may be repaired). The
      // caller gets the error; the digest no one asked for reports nothing.
      files.catch(() => {
        if (this.files === files) {
          this.files = undefined;
          this.digested = undefined;
        }
      });
      digested.catch(() => undefined);
    }
    return this.files;
  }
}
