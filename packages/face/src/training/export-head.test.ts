import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, TemplateFormatError, seededRandom, type Tf } from '@biofuse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder, loadModelCard, modelCardPath } from '../embed/registry';
import type { ModelInput } from '../embed/embedder';
import { trainingTensorflow, syntheticEmbeddings, trainProjectionHead, type TrainedHead } from '@biofuse/core/training';
import { exportProjectionHead } from './export-head';

let tf: Tf;
let dir: string;
let head: TrainedHead;
const previous = process.env.BIOFUSE_MODELS;

beforeAll(async () => {
  tf = await trainingTensorflow('wasm');
  dir = await mkdtemp(join(tmpdir(), 'biofuse-export-head-'));
  process.env.BIOFUSE_MODELS = dir;
  // 128-d like dlib's embedding, so the head fits on top of it.
  const data = syntheticEmbeddings({ identities: 12, perIdentity: 4, dim: 128, seed: 2, nuisance: 0.5 });
  head = await trainProjectionHead(tf, data, { loss: 'triplet', seed: 1, epochs: 2, hidden: [32], outputDim: 64, validationShare: 0.25 });
});
afterAll(async () => {
  head.dispose();
  if (previous === undefined) delete process.env.BIOFUSE_MODELS;
  else process.env.BIOFUSE_MODELS = previous;
  await rm(dir, { recursive: true, force: true });
});

function faceChips(n: number): ModelInput[] {
  const rng = seededRandom(4);
  return Array.from({ length: n }, () => ({ width: 150, height: 150, pixels: Float32Array.from({ length: 150 * 150 * 3 }, () => 255 * rng.next()) }));
}

describe('exported projection heads', () => {
  it('load by name from $BIOFUSE_MODELS and embed as base model + head', async () => {
    const training = { config: { loss: 'triplet', hidden: [32] }, data: 'synthetic embeddings (test)', seed: 1, validation: { eer: head.initialValidationEer } };
    await exportProjectionHead(head, { name: 'dlib-test-head', base: 'dlib-resnet', dir, training });
    expect(modelCardPath('dlib-test-head')).toBe(join(dir, 'dlib-test-head.json')); // where calibrate --write writes
    const card = await loadModelCard('dlib-test-head');
    expect(card.embeddingSize).toBe(64);
    expect(card.input.width).toBe(150); // the base's pipeline
    expect(card.alignment.template).toBe('dlib-chip');
    expect(card.training?.seed).toBe(1);
    const embedder = await createEmbedder(card);
    const base = await createEmbedder(await loadModelCard('dlib-resnet'));
    const chips = faceChips(2);
    const got = await embedder.embed(chips);
    const baseOut = await base.embed(chips);
    const expected = head.project(Float32Array.from(baseOut.flatMap((e) => Array.from(e.vector))));
    for (let i = 0; i < 2; i++) {
      expect(got[i].vector.length).toBe(64);
      for (let j = 0; j < 64; j++) expect(got[i].vector[j]).toBeCloseTo(expected[i * 64 + j], 5);
    }
    // What a gallery records: the head's bytes decide, not its name or folder (a retrained head kept its name and passed for the old one).
    const copy = async (folder: string, edit: (text: string) => string) => {
      await mkdir(join(dir, folder));
      await writeFile(join(dir, folder, 'dlib-test-head.head.json'), edit(await readFile(join(dir, 'dlib-test-head.head.json'), 'utf8')));
      await writeFile(join(dir, folder, 'dlib-test-head.json'), await readFile(join(dir, 'dlib-test-head.json'), 'utf8'));
      return createEmbedder(await loadModelCard(join(dir, folder, 'dlib-test-head.json')));
    };
    expect(await (await copy('moved', (t) => t)).digest()).toBe(await embedder.digest());
    expect(await (await copy('retrained', (t) => `${t}\n`)).digest()).not.toBe(await embedder.digest());
  });

  it('refuses a head that does not fit its base, and broken weight files', async () => {
    await expect(exportProjectionHead(head, { name: 'bad', base: 'faceres', dir, training: { config: {}, data: '', seed: 1, validation: {} } })).rejects.toThrow(/128-d inputs, but faceres gives 1024-d/);
    await expect(exportProjectionHead(head, { name: 'a/b', base: 'dlib-resnet', dir, training: { config: {}, data: '', seed: 1, validation: {} } })).rejects.toThrow(ConfigError);
    await exportProjectionHead(head, { name: 'broken-head', base: 'dlib-resnet', dir, training: { config: {}, data: '', seed: 1, validation: {} } });
    await writeFile(join(dir, 'broken-head.head.json'), '{"format":"biofuse-projection-head/1","architecture":{"inputDim":128,"hidden":[32],"outputDim":64,"residual":false},"weights":[]}');
    const embedder = await createEmbedder(await loadModelCard('broken-head'));
    await expect(embedder.embed(faceChips(1))).rejects.toThrow(TemplateFormatError);
    // No architecture, or null weight entries: TemplateFormatErrors (they were TypeErrors).
    for (const body of ['{"format":"biofuse-projection-head/1","weights":[]}', '{"format":"biofuse-projection-head/1","architecture":{"inputDim":128,"hidden":[32],"outputDim":64},"weights":[null,null,null,null]}']) {
      await writeFile(join(dir, 'broken-head.head.json'), body);
      await expect((await createEmbedder(await loadModelCard('broken-head'))).embed(faceChips(1))).rejects.toThrow(TemplateFormatError);
    }
    // A weights file the card names that is not there: a data error naming it (it was a ConfigError, at the first face).
    await rm(join(dir, 'broken-head.head.json'));
    const gone = { code: 'dataset', path: join(dir, 'broken-head.head.json'), cause: { code: 'ENOENT' } };
    await expect((await createEmbedder(await loadModelCard('broken-head'))).embed(faceChips(1))).rejects.toMatchObject(gone);
    // A new card naming the missing file: refused when the model is set up (the registry's check), cause kept too.
    await writeFile(join(dir, 'broken-head-2.json'), JSON.stringify({ ...JSON.parse(await readFile(join(dir, 'broken-head.json'), 'utf8')), name: 'broken-head-2' }));
    await expect(createEmbedder(await loadModelCard('broken-head-2'))).rejects.toMatchObject(gone);
    await expect(loadModelCard('no-such-model')).rejects.toThrow(/BIOFUSE_MODELS/);
  });

  it('refuses a card whose base model does not give the head\'s input (its rows were cut into several faces)', async () => {
    // A 128-d head on mobileface's 256-d embedding: each face's embedding was read as two rows, and
    // the second face got the projection of the second half of the first face's embedding.
    await exportProjectionHead(head, { name: 'misbased-head', base: 'dlib-resnet', dir, training: { config: {}, data: '', seed: 1, validation: {} } });
    const cardPath = join(dir, 'misbased-head.json');
    await writeFile(cardPath, JSON.stringify({ ...JSON.parse(await readFile(cardPath, 'utf8')), source: { kind: 'projection-head', base: 'mobileface', weights: 'misbased-head.head.json' }, input: { width: 112, height: 112, colourOrder: 'rgb', layout: 'nhwc', mean: [0, 0, 0], std: [1, 1, 1] } }));
    const embedder = await createEmbedder(await loadModelCard('misbased-head'));
    const rng = seededRandom(5);
    const chips = Array.from({ length: 2 }, () => ({ width: 112, height: 112, pixels: Float32Array.from({ length: 112 * 112 * 3 }, () => 255 * rng.next()) }));
    await expect(embedder.embed(chips)).rejects.toThrow(/misbased-head: its head takes 128-d embeddings, its base model mobileface gives 256-d/);
    await expect(embedder.embed(chips)).rejects.toBeInstanceOf(ConfigError);
  });

  it('refuses a head file with a weight that is not finite, or an architecture too large to build', async () => {
    const damaged = async (name: string, edit: (file: { architecture: Record<string, unknown>; weights: { values: string }[] }) => void) => {
      await exportProjectionHead(head, { name, base: 'dlib-resnet', dir, training: { config: {}, data: '', seed: 1, validation: {} } });
      const path = join(dir, `${name}.head.json`);
      const file = JSON.parse(await readFile(path, 'utf8'));
      edit(file);
      await writeFile(path, JSON.stringify(file));
      return (await createEmbedder(await loadModelCard(name))).embed(faceChips(1));
    };
    // One weight of Infinity loaded and made every embedding NaN.
    await expect(
      damaged('infinite-head', (f) => {
        const values = new Float32Array(Buffer.from(f.weights[0].values, 'base64').buffer.slice(0));
        values[3] = Number.POSITIVE_INFINITY;
        f.weights[0].values = Buffer.from(values.buffer).toString('base64');
      }),
    ).rejects.toThrow(/value 3 is Infinity, not a finite number/);
    // 100,000 x 100,000 was allocated (ten billion values) before the weights were counted.
    await expect(
      damaged('huge-head', (f) => {
        f.architecture = { inputDim: 100_000, hidden: [100_000], outputDim: 4 };
      }),
    ).rejects.toThrow(/an architecture of 10000400000 weights is beyond any projection head/);
  });
});
