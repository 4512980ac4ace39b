import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModalityUnavailableError } from '@biofuse/core';
import { checkModelCard, loadModelCard } from '../src/index';
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

  it('reports a missing or broken model file as unavailable, and a malformed card by field', async () => {
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
    await expect(embedder.embed([solidCrop(8, [1, 2, 3])])).rejects.toBeInstanceOf(ModalityUnavailableError);
    expect(() => checkModelCard({ ...card, input: { ...card.input, std: [1, 0, 1] } })).toThrow(/input.std/);
    expect(() => checkModelCard({ ...card, embeddingSize: 0 })).toThrow(/embeddingSize/);
  });
});
