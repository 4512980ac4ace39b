import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { GraphModel, NamedTensorMap, io } from '@tensorflow/tfjs';
import { DatasetError, tensorflow } from '@biofuse/core';

/**
 * A tfjs model's files as read: its JSON (a graph model's model.json, or a bare weights
 * manifest) and the bytes of each weight shard it lists, in the manifest's order.
 */
export interface TfjsFiles {
  readonly json: unknown;
  readonly specs: readonly io.WeightsManifestEntry[];
  readonly shards: readonly Buffer[];
}

/** Reads a tfjs model's JSON and every shard it lists; tfjs without tfjs-node has no file:// loader. */
export async function readTfjsFiles(path: string): Promise<TfjsFiles> {
  const json = await readModelJson<unknown>(path);
  const manifest = (Array.isArray(json) ? json : ((json as { weightsManifest?: unknown }).weightsManifest ?? [])) as io.WeightsManifestConfig;
  const specs: io.WeightsManifestEntry[] = [];
  const shards: Buffer[] = [];
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const shard of group.paths) shards.push(await readModelFile(join(dirname(path), shard), 'this weights file of the model'));
  }
  return { json, specs, shards };
}

/** The digest of a tfjs model's files as read: its JSON (as parsed) and every shard, in the manifest's order. */
export function tfjsDigest(files: TfjsFiles): string {
  const parts = [sha256(JSON.stringify(files.json)), ...files.shards.map((shard) => sha256(shard))];
  return sha256(parts.join('\n'));
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A graph model (model.json + binary shards) from files already read. */
export async function graphModelFrom(files: TfjsFiles): Promise<GraphModel> {
  const tf = await tensorflow();
  const handler: io.IOHandler = {
    load: () => tf.io.getModelArtifactsForJSON(files.json as io.ModelJSON, async () => [[...files.specs], weightData(files)]),
  };
  return tf.loadGraphModel(handler);
}

/** The named weights of a network defined in code (face-api's models ship as a weights manifest only), from files already read. */
export async function weightsFrom(files: TfjsFiles): Promise<NamedTensorMap> {
  const tf = await tensorflow();
  return tf.io.decodeWeights(weightData(files), [...files.specs]);
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

/** The shards as one buffer, as tfjs decodes them. */
function weightData(files: TfjsFiles): ArrayBuffer {
  const all = Buffer.concat(files.shards);
  return all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
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
