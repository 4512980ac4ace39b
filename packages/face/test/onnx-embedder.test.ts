import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AcquisitionError, ConfigError, DatasetError, ModalityUnavailableError } from '@biofuse/core';
import { temporaryFolders } from '@biofuse/core/testing';
import { checkModelCard, faceModelFiles, FaceRecognizer, loadModelCard, resolveModels } from '../src/index';
import { readTfjsFiles } from '../src/runtime/load-model';
import { createEmbedder } from '../src/embed/registry';
import { meanColourOnnxModel, meanColourOnnxModelAs } from './tiny-onnx';

const tempFolder = temporaryFolders();

/** The card of a tiny 8 x 8 RGB test model at `path` (3-d output, no normalisation). */
const tinyOnnxCard = (name: string, path: string) =>
  checkModelCard({
    name,
    description: '',
    source: { kind: 'onnx', path },
    input: { width: 8, height: 8, colourOrder: 'rgb', layout: 'nchw', mean: [0, 0, 0], std: [1, 1, 1] },
    alignment: { template: 'arcface' },
    embeddingSize: 3,
  });

function solidCrop(size: number, rgb: [number, number, number]) {
  const pixels = new Float32Array(size * size * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rgb[i % 3];
  return { width: size, height: size, pixels };
}

describe('ONNX embedder', () => {
  it('runs a user ONNX model with the card’s layout, colour order and normalisation', async () => {
    const dir = await tempFolder('biofuse-onnx-');
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
    const dir = await tempFolder('biofuse-onnx-');
    await writeFile(join(dir, 'broken.onnx'), Buffer.from('not a model'));
    const card = tinyOnnxCard('broken', join(dir, 'broken.onnx'));
    const embedder = await createEmbedder(card);
    const broken = embedder.embed([solidCrop(8, [1, 2, 3])]);
    await expect(broken).rejects.toBeInstanceOf(DatasetError);
    await expect(broken).rejects.toMatchObject({ path: join(dir, 'broken.onnx') });
    await expect(broken).rejects.not.toBeInstanceOf(ModalityUnavailableError);
    // onnxruntime's own error stays on it, for whoever needs more than its message.
    await expect(broken).rejects.toMatchObject({ cause: expect.any(Error) });

    const missing = join(dir, 'missing.json');
    await writeFile(missing, JSON.stringify({ ...card, name: 'missing', source: { kind: 'onnx', path: 'nowhere.onnx' } }));
    const refused = FaceRecognizer.create({ models: missing });
    await expect(refused).rejects.toBeInstanceOf(DatasetError);
    await expect(refused).rejects.toThrow(`${join(dir, 'nowhere.onnx')}: cannot read the ONNX model of missing (ENOENT)`);
    await expect(refused).rejects.toMatchObject({ cause: { code: 'ENOENT', path: join(dir, 'nowhere.onnx') } });

    // A card naming an output the model lacks: the file and its outputs are named.
    await writeFile(join(dir, 'mean.onnx'), meanColourOnnxModel(8));
    const wrongOutput = await createEmbedder(checkModelCard({ ...card, name: 'wrong-output', source: { kind: 'onnx', path: join(dir, 'mean.onnx'), output: 'nope' } }));
    await expect(wrongOutput.embed([solidCrop(8, [1, 2, 3])])).rejects.toThrow(/mean\.onnx: the ONNX model has no output "nope" \(the card's source.output; its outputs: /);

    expect(() => checkModelCard({ ...card, input: { ...card.input, std: [1, 0, 1] } })).toThrow(/input.std/);
    expect(() => checkModelCard({ ...card, embeddingSize: 0 })).toThrow(/embeddingSize/);
  });

  it('refuses an embedding that is all zeros or not finite, as a failure to acquire (verify called such pairs different people)', async () => {
    const dir = await tempFolder('biofuse-onnx-');
    await writeFile(join(dir, 'mean.onnx'), meanColourOnnxModel(8));
    const card = (name: string, std: number) => ({
      name,
      description: 'test model: the mean of each channel',
      source: { kind: 'onnx', path: join(dir, 'mean.onnx') },
      input: { width: 8, height: 8, colourOrder: 'rgb', layout: 'nchw', mean: [0, 0, 0], std: [std, std, std] },
      alignment: { template: 'arcface' },
      embeddingSize: 3,
    });
    const black = { width: 32, height: 32, channels: 3 as const, data: new Uint8Array(32 * 32 * 3) };
    const grey = { width: 32, height: 32, channels: 3 as const, data: new Uint8Array(32 * 32 * 3).fill(128) };
    // A black crop averages to [0, 0, 0]: the template was all zeros, and two of them compared as cosine 0.
    await writeFile(join(dir, 'zero.json'), JSON.stringify(card('zero', 1)));
    const zero = await FaceRecognizer.create({ models: join(dir, 'zero.json'), detector: 'skip' });
    await expect(zero.represent(black)).rejects.toBeInstanceOf(AcquisitionError);
    await expect(zero.verify(black, grey, { threshold: 0.5 })).rejects.toThrow(/model zero gave an embedding of zeros/);
    await expect(zero.represent(grey)).resolves.toHaveLength(1);
    // 128 / 1e-300 overflows to Infinity: the similarity was NaN, and NaN >= threshold read as "different people".
    await writeFile(join(dir, 'overflow.json'), JSON.stringify(card('overflow', 1e-300)));
    const overflow = await FaceRecognizer.create({ models: join(dir, 'overflow.json'), detector: 'skip' });
    await expect(overflow.verify(grey, grey, { threshold: 0.5 })).rejects.toThrow(/model overflow gave an embedding with values that are not finite numbers/);
    await expect(overflow.represent(grey)).rejects.toMatchObject({ reason: 'embedding_invalid' });
    // The image is named, as a missing face names it: in a batch of files the message said only "this face".
    const file = join(dir, 'black.png');
    await writeFile(file, await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 0, g: 0, b: 0 } } }).png().toBuffer());
    await expect(zero.representLargest(file)).rejects.toThrow(`${file}: model zero gave an embedding of zeros for this face`);
    await expect(zero.represent(file)).rejects.toThrow(`${file}: model zero gave`);
    const flipped = await FaceRecognizer.create({ models: join(dir, 'zero.json'), detector: 'skip', flip: true });
    await expect(flipped.representLargest(file)).rejects.toThrow(`${file}: model zero gave`);
  });

  it('skip: refuses a crop under minFaceSize when one is set, and takes small crops by default', async () => {
    const dir = await tempFolder('biofuse-onnx-');
    await writeFile(join(dir, 'mean.onnx'), meanColourOnnxModel(8));
    await writeFile(join(dir, 'mean.json'), JSON.stringify(tinyOnnxCard('mean-skip', join(dir, 'mean.onnx'))));
    const small = { width: 16, height: 16, channels: 3 as const, data: new Uint8Array(16 * 16 * 3).fill(90) };
    // The detectors' default minimum (20 px) is not applied to a crop given as the face.
    await expect(FaceRecognizer.create({ models: join(dir, 'mean.json'), detector: 'skip' }).then((r) => r.represent(small))).resolves.toHaveLength(1);
    // Set explicitly, it holds: the crop was embedded whatever minFaceSize said.
    const strict = await FaceRecognizer.create({ models: join(dir, 'mean.json'), detector: 'skip', minFaceSize: 20 });
    const refused = strict.represent(small);
    await expect(refused).rejects.toBeInstanceOf(AcquisitionError);
    await expect(refused).rejects.toMatchObject({ reason: 'face_too_small' });
    await expect(refused).rejects.toThrow('16 x 16 image: the face crop is 16 x 16 pixels, under minFaceSize 20');
    await expect(strict.represent({ ...small, width: 20, height: 20, data: new Uint8Array(20 * 20 * 3).fill(90) })).resolves.toHaveLength(1);
    // Without enforced detection, as with any detector, the whole image is embedded instead.
    const lenient = await FaceRecognizer.create({ models: join(dir, 'mean.json'), detector: 'skip', minFaceSize: 20, enforceDetection: false });
    await expect(lenient.represent(small)).resolves.toMatchObject([{ detector: 'none' }]);
  });

  it('builds one embedder for a model however many recognisers ask for it at once (each loaded its own ONNX session)', async () => {
    const dir = await tempFolder('biofuse-onnx-');
    await writeFile(join(dir, 'mean.onnx'), meanColourOnnxModel(8));
    const card = tinyOnnxCard('asked-twice', join(dir, 'mean.onnx'));
    const [a, b] = await Promise.all([createEmbedder(card), createEmbedder(card)]);
    expect(a).toBe(b);
    // A failed set-up is not kept: once the file is there, the next call builds the embedder.
    const late = checkModelCard({ ...card, name: 'late', source: { kind: 'onnx', path: join(dir, 'late.onnx') } });
    await expect(createEmbedder(late)).rejects.toBeInstanceOf(DatasetError);
    await writeFile(join(dir, 'late.onnx'), meanColourOnnxModel(8));
    await expect(createEmbedder(late)).resolves.toMatchObject({ card: late });
  });

  it('runs a model exported with a batch size of 1 one face at a time (two faces, or --flip, was an internal onnxruntime error)', async () => {
    const dir = await tempFolder('biofuse-onnx-');
    await writeFile(join(dir, 'single.onnx'), meanColourOnnxModel(8, 1));
    const card = tinyOnnxCard('single', join(dir, 'single.onnx'));
    const embedder = await createEmbedder(card);
    const out = await embedder.embed([solidCrop(8, [3, 0, 0]), solidCrop(8, [0, 0, 2]), solidCrop(8, [0, 5, 0])]);
    expect(out.map((e) => Array.from(e.vector))).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
    expect(out.map((e) => e.norm)).toEqual([3, 2, 5]);
    await writeFile(join(dir, 'single.json'), JSON.stringify(card));
    const flip = await FaceRecognizer.create({ models: join(dir, 'single.json'), detector: 'skip', flip: true });
    const grey = { width: 32, height: 32, channels: 3 as const, data: new Uint8Array(32 * 32 * 3).fill(128) };
    expect((await flip.verify(grey, grey, { threshold: 0.5 })).verified).toBe(true);
    // Fixed at 2: three faces run as two batches, the second padded.
    await writeFile(join(dir, 'pair.onnx'), meanColourOnnxModel(8, 2));
    const pair = await createEmbedder(checkModelCard({ ...card, name: 'pair', source: { kind: 'onnx', path: join(dir, 'pair.onnx') } }));
    expect((await pair.embed([solidCrop(8, [3, 0, 0]), solidCrop(8, [0, 0, 2]), solidCrop(8, [0, 5, 0])])).map((e) => e.norm)).toEqual([3, 2, 5]);
    // A card whose input size the model does not take: a data error naming the file (it was onnxruntime's own Error).
    const wrongSize = await createEmbedder(checkModelCard({ ...card, name: 'wrong-size', input: { ...card.input, width: 16, height: 16 } }));
    const refused = wrongSize.embed([solidCrop(16, [1, 1, 1])]);
    await expect(refused).rejects.toBeInstanceOf(DatasetError);
    await expect(refused).rejects.toThrow(/single\.onnx: the ONNX model of wrong-size refused a 1 x 3 x 16 x 16 input as its card describes it/);
  });

  it('leaves an ensemble member of weight 0 out: it was loaded and run, and its failure failed the ensemble it adds nothing to', async () => {
    const dir = await tempFolder('biofuse-onnx-');
    await writeFile(join(dir, 'mean.onnx'), meanColourOnnxModel(8));
    await writeFile(join(dir, 'mean.json'), JSON.stringify(tinyOnnxCard('mean-member', join(dir, 'mean.onnx'))));
    // Weight 0, and its model file is missing: the ensemble was refused (a data error) for a model it gives no weight.
    await writeFile(join(dir, 'gone.json'), JSON.stringify(tinyOnnxCard('gone', join(dir, 'gone.onnx'))));
    const grey = { width: 32, height: 32, channels: 3 as const, data: new Uint8Array(32 * 32 * 3).fill(128) };
    const alone = await FaceRecognizer.create({ models: join(dir, 'mean.json'), detector: 'skip' });
    const listed = await FaceRecognizer.create({ models: [join(dir, 'mean.json'), { model: join(dir, 'gone.json'), weight: 0 }], detector: 'skip' });
    expect(listed.dims).toBe(3);
    expect(listed.modelId).toBe('mean-member/aligned');
    const [[a], [b]] = await Promise.all([alone.represent(grey), listed.represent(grey)]);
    expect(Array.from(b.template.embedding)).toEqual(Array.from(a.template.embedding));
    // From an ensemble card too, and the files a cache key hashes are the ones that make the embedding.
    await writeFile(join(dir, 'pair.json'), JSON.stringify({ name: 'pair', description: 'test', members: [{ model: join(dir, 'mean.json'), weight: 1 }, { model: join(dir, 'gone.json'), weight: 0 }] }));
    const fromCard = await FaceRecognizer.create({ models: join(dir, 'pair.json'), detector: 'skip' });
    expect(fromCard.dims).toBe(3);
    expect(await faceModelFiles(join(dir, 'pair.json'))).toEqual([join(dir, 'pair.json'), join(dir, 'mean.json'), join(dir, 'mean.onnx')]);
    expect(await faceModelFiles([join(dir, 'mean.json'), { model: join(dir, 'gone.json'), weight: 0 }])).toEqual([join(dir, 'mean.json'), join(dir, 'mean.onnx')]);
    // A model alone at weight 0 makes nothing: refused, as weights that are all 0 are (it was taken at weight 1).
    await expect(FaceRecognizer.create({ models: [{ model: join(dir, 'mean.json'), weight: 0 }], detector: 'skip' })).rejects.toThrow('models: every weight is 0; weights must be finite numbers >= 0, not all 0');
  });

  it('resolves a list that leaves one model of weight above 0 as that model (a one-member ensemble lost its id and calibrated thresholds), and checks weights first', async () => {
    const dir = await tempFolder('biofuse-onnx-');
    await writeFile(join(dir, 'mean.onnx'), meanColourOnnxModel(8));
    const provenance = { dataset: 'test', pairs: 10, protocol: 'test', date: '2025-01-01', detector: 'skip' };
    const thresholds = { 'calibrated/aligned@skip': { cosine: { atFmr1e3: 0.9, atEer: 0.8, provenance } } };
    await writeFile(join(dir, 'calibrated.json'), JSON.stringify({ ...tinyOnnxCard('calibrated', join(dir, 'mean.onnx')), thresholds }));
    await writeFile(join(dir, 'other.json'), JSON.stringify(tinyOnnxCard('other', join(dir, 'mean.onnx'))));
    const alone = await resolveModels(join(dir, 'calibrated.json'));
    const beside = await resolveModels([join(dir, 'calibrated.json'), { model: join(dir, 'other.json'), weight: 0 }]);
    expect(beside).toEqual(alone);
    expect(beside).toMatchObject({ id: 'calibrated', thresholds, cardPath: join(dir, 'calibrated.json') });
    const recognizer = await FaceRecognizer.create({ models: [{ model: join(dir, 'other.json'), weight: 0 }, { model: join(dir, 'calibrated.json'), weight: 2 }], detector: 'skip' });
    expect(recognizer.modelId).toBe('calibrated/aligned');
    expect(recognizer.thresholds?.cosine?.atFmr1e3).toBe(0.9);
    // A model alone with a weight that is no weight was taken at weight 1 (Infinity still was, called directly).
    for (const weight of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(resolveModels([{ model: join(dir, 'calibrated.json'), weight }])).rejects.toThrow(new ConfigError(`face models: member 0 (${join(dir, 'calibrated.json')}) has weight ${weight}; weights must be finite numbers >= 0, not all 0`));
    }
  });

  it('reads float32 and float64 embeddings, and refuses other output types (half-precision or integer outputs gave zeros, or a TypeError)', async () => {
    const dir = await tempFolder('biofuse-onnx-');
    const crop = solidCrop(8, [200, 100, 50]);
    await writeFile(join(dir, 'double.onnx'), meanColourOnnxModelAs(8, 'double'));
    const [double] = await (await createEmbedder(tinyOnnxCard('double', join(dir, 'double.onnx')))).embed([crop]);
    expect(double.vector).toBeInstanceOf(Float32Array);
    expect(Array.from(double.vector).map((v) => v.toFixed(4))).toEqual(['0.8729', '0.4364', '0.2182']);
    // Read as numbers, float16's raw bits and integers were normalised into integer arrays: a vector of zeros with a positive norm, taken as a face's embedding.
    for (const type of ['float16', 'int32', 'uint8', 'int64'] as const) {
      await writeFile(join(dir, `${type}.onnx`), meanColourOnnxModelAs(8, type));
      const embedder = await createEmbedder(tinyOnnxCard(type, join(dir, `${type}.onnx`)));
      const refused = embedder.embed([crop]);
      await expect(refused).rejects.toBeInstanceOf(DatasetError);
      await expect(refused).rejects.toThrow(`${join(dir, `${type}.onnx`)}: the ONNX model of ${type} gives ${type} values as its output "embedding"; embeddings are read as float32 (or float64)`);
    }
  });

  it('reports a missing or damaged tfjs model file as a data error naming it', async () => {
    const dir = await tempFolder('biofuse-tfjs-');
    // Each keeps the error underneath it as its cause.
    await expect(readTfjsFiles(join(dir, 'model.json'))).rejects.toMatchObject({ code: 'dataset', path: join(dir, 'model.json'), cause: { code: 'ENOENT' } });
    await writeFile(join(dir, 'model.json'), '{ not json');
    await expect(readTfjsFiles(join(dir, 'model.json'))).rejects.toThrow(/model\.json: the model file is not JSON/);
    await expect(readTfjsFiles(join(dir, 'model.json'))).rejects.toMatchObject({ cause: expect.any(SyntaxError) });
    await writeFile(join(dir, 'weights.json'), JSON.stringify([{ paths: ['shard1.bin'], weights: [] }]));
    await expect(readTfjsFiles(join(dir, 'weights.json'))).rejects.toThrow(`${join(dir, 'shard1.bin')}: cannot read this weights file of the model (ENOENT)`);
    await expect(readTfjsFiles(join(dir, 'weights.json'))).rejects.toMatchObject({ cause: { code: 'ENOENT', path: join(dir, 'shard1.bin') } });
  });
});
