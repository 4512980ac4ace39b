import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, ModalityUnavailableError } from '@biofuse/core';
import { checkModelCard, FaceRecognizer, loadModelCard } from '../src/index';
import { loadGraphModelFile, loadWeightsManifest } from '../src/runtime/load-model';
import { createEmbedder } from '../src/embed/registry';
import { meanColourOnnxModel } from './tiny-onnx';

function solidCrop(size: number, rgb: [number, number, number]) {
  const pixels = new Float32Array(size * size * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rgb[i % 3];
  return { width: size, height: size, pixels };
}

describe('ONNX embedder', () => {
  it('runs a user ONNX model with the card’s layout, colour order and normalisation', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'biofuse-onnx-'));
    await writeFile(join(dir, 'mean.onnx'), meanColourOnnxModel(8));
    const cardPath = join(dir, 'mean.json');
    await writeFile(
      cardPath,
      JSON.stringify({
        name: 'mean-colour',
        description: 'test model: the mean of each normalised channel',
        source: { kind: 'onnx', path: join(dir, 'mean.onnx') },
        input: { width: 8, height: 8, colourOrder: 'bgr', layout: 'nchw', mean: [100, 100, 100], std: [50, 50, 50] },
        alignment: { template: 'arcface' },
        embeddingSize: 3,
      }),
    );
    const card = await loadModelCard(cardPath);
    const embedder = await createEmbedder(card);
    const [{ vector: a, norm }, { vector: b }] = await embedder.embed([solidCrop(8, [200, 150, 100]), solidCrop(8, [100, 100, 250])]);
    expect(norm).toBeCloseTo(Math.sqrt(5), 5);
    // BGR order, (v - 100) / 50: [0, 1, 2] -> unit [0, 1, 2] / sqrt(5); [3, 0, 0] -> [1, 0, 0].
    expect(Array.from(a).map((v) => Number(v.toFixed(5)))).toEqual([0, Number((1 / Math.sqrt(5)).toFixed(5)), Number((2 / Math.sqrt(5)).toFixed(5))]);
    expect(Array.from(b)).toEqual([1, 0, 0]);
  });

  it('reports a missing or broken model file as a data error naming the file, and a malformed card by field', async () => {
    // Each was ModalityUnavailableError, "face is not available in this build" (exit 1), as if
    // the runtime were missing; a missing file surfaced only at the first face, after detection.
    const dir = await mkdtemp(join(tmpdir(), 'biofuse-onnx-'));
    await writeFile(join(dir, 'broken.onnx'), Buffer.from('not a model'));
    const card = checkModelCard({
      name: 'broken',
      description: '',
      source: { kind: 'onnx', path: join(dir, 'broken.onnx') },
      input: { width: 8, height: 8, colourOrder: 'rgb', layout: 'nchw', mean: [0, 0, 0], std: [1, 1, 1] },
      alignment: { template: 'arcface' },
      embeddingSize: 3,
    });
    const embedder = await createEmbedder(card);
    const broken = embedder.embed([solidCrop(8, [1, 2, 3])]);
    await expect(broken).rejects.toBeInstanceOf(DatasetError);
    await expect(broken).rejects.toMatchObject({ path: join(dir, 'broken.onnx') });
    await expect(broken).rejects.not.toBeInstanceOf(ModalityUnavailableError);

    const missing = join(dir, 'missing.json');
    await writeFile(missing, JSON.stringify({ ...card, name: 'missing', source: { kind: 'onnx', path: 'nowhere.onnx' } }));
    const refused = FaceRecognizer.create({ models: missing });
    await expect(refused).rejects.toBeInstanceOf(DatasetError);
    await expect(refused).rejects.toThrow(`${join(dir, 'nowhere.onnx')}: cannot read the ONNX model of missing (ENOENT)`);

    // A card naming an output the model lacks: the file and its outputs are named.
    await writeFile(join(dir, 'mean.onnx'), meanColourOnnxModel(8));
    const wrongOutput = await createEmbedder(checkModelCard({ ...card, name: 'wrong-output', source: { kind: 'onnx', path: join(dir, 'mean.onnx'), output: 'nope' } }));
    await expect(wrongOutput.embed([solidCrop(8, [1, 2, 3])])).rejects.toThrow(/mean\.onnx: the ONNX model has no output "nope" \(the card's source.output; its outputs: /);

    expect(() => checkModelCard({ ...card, input: { ...card.input, std: [1, 0, 1] } })).toThrow(/input.std/);
    expect(() => checkModelCard({ ...card, embeddingSize: 0 })).toThrow(/embeddingSize/);
  });

  it('reports a missing or damaged tfjs model file as a data error naming it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'biofuse-tfjs-'));
    await expect(loadGraphModelFile(join(dir, 'model.json'))).rejects.toMatchObject({ code: 'dataset', path: join(dir, 'model.json') });
    await writeFile(join(dir, 'model.json'), '{ not json');
    await expect(loadGraphModelFile(join(dir, 'model.json'))).rejects.toThrow(/model\.json: the model file is not JSON/);
    await writeFile(join(dir, 'weights.json'), JSON.stringify([{ paths: ['shard1.bin'], weights: [] }]));
    await expect(loadWeightsManifest(join(dir, 'weights.json'))).rejects.toThrow(`${join(dir, 'shard1.bin')}: cannot read this weights file of the model (ENOENT)`);
  });
});
