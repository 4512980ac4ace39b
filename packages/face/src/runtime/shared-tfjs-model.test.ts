import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphModel, Tensor } from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { DatasetError, tensorflow } from '@biofuse/core';
import { temporaryFolders } from '@biofuse/core/testing';
import { readTfjsFiles, tfjsDigest } from './load-model';
import { sharedGraphModel, sharedWeights } from './shared-tfjs-model';

const tempFolder = temporaryFolders();

/** A weights manifest of one float32 weight `w` of three values, in the shard `w.bin`. */
const MANIFEST = [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [3], dtype: 'float32' }] }];

/** A graph model that multiplies its input by the constant `w` (three values, from `w.bin`). */
const GRAPH_MODEL = {
  format: 'graph-model',
  modelTopology: {
    node: [
      { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '3' }] } } } },
      { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '3' }] } } } } },
      { name: 'y', op: 'Mul', input: ['x', 'w'], attr: { T: { type: 'DT_FLOAT' } } },
    ],
    versions: { producer: 1 },
  },
  weightsManifest: MANIFEST,
};

const shard = (values: number[]) => Buffer.from(Float32Array.from(values).buffer);

/** A folder with `file` (the JSON) and `w.bin` holding `values`. */
async function modelFolder(file: string, json: unknown, values: number[]): Promise<string> {
  const dir = await tempFolder('biofuse-tfjs-');
  await writeFile(join(dir, file), JSON.stringify(json));
  await writeFile(join(dir, 'w.bin'), shard(values));
  return dir;
}

async function run(model: GraphModel): Promise<number[]> {
  const tf = await tensorflow();
  const y = model.execute(tf.tensor1d([1, 1, 1]), 'y') as Tensor;
  const out = Array.from(await y.data());
  y.dispose();
  return out;
}

describe('shared tfjs models: the weights loaded are the bytes digested', () => {
  it('keeps no bytes for a digest alone: the model reads the files again and refuses them changed (it loaded the new bytes under the old digest)', async () => {
    const dir = await modelFolder('weights.json', MANIFEST, [1, 2, 3]);
    const path = join(dir, 'weights.json');
    const original = tfjsDigest(await readTfjsFiles(path));
    const shared = sharedWeights(path);
    expect(await shared.digest()).toBe(original);
    await writeFile(join(dir, 'w.bin'), shard([4, 5, 6]));
    await expect(shared.model()).rejects.toBeInstanceOf(DatasetError);
    await expect(shared.model()).rejects.toThrow(`${path}: model file changed since its digest was taken`);
    expect(await shared.digest()).toBe(original);
    // The bytes digested again: read again, and loaded.
    await writeFile(join(dir, 'w.bin'), shard([1, 2, 3]));
    expect(Array.from(await (await shared.model()).w.data())).toEqual([1, 2, 3]);
    // The same model for every caller of the file.
    expect(await sharedWeights(path).model()).toBe(await shared.model());
  });

  it('digests the weights that were loaded, from the same read, when the shard changes after the load (it digested the new bytes beside the old model)', async () => {
    const dir = await modelFolder('model.json', GRAPH_MODEL, [1, 2, 3]);
    const path = join(dir, 'model.json');
    const original = tfjsDigest(await readTfjsFiles(path));
    const shared = sharedGraphModel(path);
    const model = await shared.model();
    expect(await run(model)).toEqual([1, 2, 3]);
    await writeFile(join(dir, 'w.bin'), shard([4, 5, 6]));
    expect(await shared.digest()).toBe(original);
    expect(await shared.digest()).not.toBe(tfjsDigest(await readTfjsFiles(path)));
    expect(await run(await shared.model())).toEqual([1, 2, 3]);
  });

  it('reads a file again after a failed read (it may be repaired), and takes the digest from that read', async () => {
    const dir = await tempFolder('biofuse-tfjs-');
    const path = join(dir, 'weights.json');
    await writeFile(path, JSON.stringify(MANIFEST));
    const shared = sharedWeights(path);
    await expect(shared.digest()).rejects.toBeInstanceOf(DatasetError);
    await expect(shared.model()).rejects.toThrow(`${join(dir, 'w.bin')}: cannot read this weights file of the model (ENOENT)`);
    await writeFile(join(dir, 'w.bin'), shard([7, 8, 9]));
    expect(Array.from(await (await shared.model()).w.data())).toEqual([7, 8, 9]);
    expect(await shared.digest()).toBe(tfjsDigest(await readTfjsFiles(path)));
  });

  it('reads a file again after a failed build (a truncated shard kept failing after it was repaired)', async () => {
    const values = {
      'weights.json': async (path: string) => Array.from(await (await sharedWeights(path).model()).w.data()),
      'model.json': async (path: string) => run(await sharedGraphModel(path).model()),
    };
    for (const [file, json] of [['weights.json', MANIFEST], ['model.json', GRAPH_MODEL]] as const) {
      // Two values of the three the manifest lists: read, but not built.
      const dir = await modelFolder(file, json, [7, 8]);
      const path = join(dir, file);
      await expect(values[file](path), file).rejects.toThrow(/should have 3 values but has 2/);
      await writeFile(join(dir, 'w.bin'), shard([7, 8, 9]));
      expect(await values[file](path), file).toEqual([7, 8, 9]);
      const shared = file === 'model.json' ? sharedGraphModel(path) : sharedWeights(path);
      expect(await shared.digest(), file).toBe(tfjsDigest(await readTfjsFiles(path)));
    }
  });

  it('refuses a repaired file whose damaged bytes gave the digest handed out: that digest names them', async () => {
    const dir = await modelFolder('weights.json', MANIFEST, [7, 8]);
    const path = join(dir, 'weights.json');
    const shared = sharedWeights(path);
    const damaged = await shared.digest();
    await expect(shared.model()).rejects.toThrow(/should have 3 values but has 2/);
    await writeFile(join(dir, 'w.bin'), shard([7, 8, 9]));
    await expect(shared.model()).rejects.toThrow(`${path}: model file changed since its digest was taken`);
    expect(await shared.digest()).toBe(damaged);
  });
});
