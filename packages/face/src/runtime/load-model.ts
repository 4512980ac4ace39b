import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GraphModel, NamedTensorMap, io } from '@tensorflow/tfjs';
import { DatasetError, tensorflow } from '@biofuse/core';

/**
 * Loads a tfjs graph model (model.json + binary shards) from the local file system; tfjs
 * without tfjs-node has no file:// loader.
 */
export async function loadGraphModelFile(path: string): Promise<GraphModel> {
  const tf = await tensorflow();
  const json = await readModelJson<io.ModelJSON>(path);
  const handler: io.IOHandler = {
    load: () => tf.io.getModelArtifactsForJSON(json, (manifest) => readWeights(dirname(path), manifest)),
  };
  return tf.loadGraphModel(handler);
}

/**
 * Loads the named weights of a network that is defined in code (face-api's models ship as a
 * weights manifest only).
 */
export async function loadWeightsManifest(path: string): Promise<NamedTensorMap> {
  const tf = await tensorflow();
  const manifest = await readModelJson<io.WeightsManifestConfig>(path);
  const [specs, data] = await readWeights(dirname(path), manifest);
  return tf.io.decodeWeights(data, specs);
}

/**
 * A file of a model (its JSON, a weights shard, an ONNX file); missing, unreadable or too large
 * to read whole is a DatasetError naming it as `what`.
 */
export async function readModelFile(path: string, what: string): Promise<Buffer> {
  return readFile(path).catch((cause: unknown) => {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ERR_FS_FILE_TOO_LARGE') throw new DatasetError(`cannot read ${what}: it is over 2 GiB, the most Node reads into memory as one file`, path, undefined, { cause });
    throw new DatasetError(`cannot read ${what} (${code ?? String(cause)})`, path, undefined, { cause });
  });
}

/** A model's JSON file; missing, unreadable or not JSON is a DatasetError naming it. */
export async function readModelJson<T>(path: string): Promise<T> {
  const text = (await readModelFile(path, 'the model file')).toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new DatasetError(`the model file is not JSON (${(cause as Error).message})`, path, undefined, { cause });
  }
}

async function readWeights(dir: string, manifest: io.WeightsManifestConfig): Promise<[io.WeightsManifestEntry[], ArrayBuffer]> {
  const specs: io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const shard of group.paths) {
      buffers.push(await readModelFile(join(dir, shard), 'this weights file of the model'));
    }
  }
  const all = Buffer.concat(buffers);
  return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer];
}

const loaded = new Map<string, Promise<unknown>>();

/** One load per key per process, shared by every caller; a failed one is forgotten. */
export function loadOnce<T>(key: string, load: () => Promise<T>): Promise<T> {
  let value = loaded.get(key) as Promise<T> | undefined;
  if (!value) {
    value = load();
    // A failed load is not kept: the next call tries again and reports its own error.
    value.catch(() => loaded.delete(key));
    loaded.set(key, value);
  }
  return value;
}

/** A graph model from a file, loaded once per process however many stages use it. */
export function sharedGraphModel(path: string): Promise<GraphModel> {
  return loadOnce(`graph:${path}`, () => loadGraphModelFile(path));
}

/** Named weights from a manifest, loaded once per process. */
export function sharedWeights(path: string): Promise<NamedTensorMap> {
  return loadOnce(`weights:${path}`, () => loadWeightsManifest(path));
}
