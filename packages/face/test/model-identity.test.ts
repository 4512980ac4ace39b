import { mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, Gallery, StaleGalleryError } from '@biofuse/core';
import { temporaryFolders, thrownBy } from '@biofuse/core/testing';
import { checkModelCard, compareFaceTemplates, decodeFaceTemplate, encodeFaceTemplate, FaceGallery, FaceModality, faceModelFiles, FaceRecognizer, FaceTemplateMismatchError } from '../src/index';
import { modelDigest } from '../src/embed/model-digest';
import { createEmbedder } from '../src/embed/registry';
import { sha256 } from '../src/runtime/load-model';
import { FACE_TEMPLATE_VERSION } from '../src/template';
import { externalWeights, externalWeightsOnnxModel, meanColourOnnxModel } from './tiny-onnx';
import { asVersion1 } from './version-1-template';

const tempFolder = temporaryFolders();

/** A card for the test ONNX model beside it (`model.onnx`), under the name `name`. */
function card(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    description: 'test model: the mean of each channel',
    source: { kind: 'onnx', path: 'model.onnx' },
    input: { width: 8, height: 8, colourOrder: 'rgb', layout: 'nchw', mean: [0, 0, 0], std: [1, 1, 1] },
    alignment: { template: 'arcface' },
    embeddingSize: 3,
    ...extra,
  };
}

/** Writes a model folder: the card and its ONNX file (`batch` changes the file's bytes, not what it computes). */
async function modelFolder(dir: string, name: string, batch: number | string, extra: Record<string, unknown> = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'model.onnx'), meanColourOnnxModel(8, batch));
  await writeFile(join(dir, 'card.json'), JSON.stringify(card(name, extra)));
  return join(dir, 'card.json');
}

const crop = (rgb: [number, number, number]) => {
  const data = new Uint8Array(16 * 16 * 3);
  for (let i = 0; i < data.length; i++) data[i] = rgb[i % 3];
  return { width: 16, height: 16, channels: 3 as const, data };
};

describe('the model identity a face gallery records', () => {
  it('refuses a gallery enrolled with other weights under the same model name, and takes the same weights moved or recalibrated', async () => {
    const dir = await tempFolder('biofuse-face-identity-');
    const enrolled = await FaceRecognizer.create({ models: await modelFolder(join(dir, 'v1'), 'arc', 'N'), detector: 'skip' });
    const path = join(dir, 'g.db');
    const gallery = await FaceGallery.open(path, enrolled);
    await gallery.enroll('red', crop([200, 10, 10]));
    gallery.close();
    expect(await enrolled.embeddingId()).toMatch(/^arc\/aligned sha256:[0-9a-f]{16}$/);

    // Retrained (here: re-exported with another file) under the same name: the name alone matched, and its embeddings were searched as the old ones.
    const retrained = await FaceRecognizer.create({ models: await modelFolder(join(dir, 'v2'), 'arc', 1), detector: 'skip' });
    expect(retrained.modelId).toBe(enrolled.modelId);
    await expect(FaceGallery.open(path, retrained, { create: false })).rejects.toBeInstanceOf(StaleGalleryError);
    await expect(FaceGallery.open(path, retrained)).rejects.toThrow(/was built with model "arc\/aligned sha256:[0-9a-f]{16}", this pipeline uses "arc\/aligned sha256:/);

    // The same bytes elsewhere, with a description and calibrated thresholds added: the same model.
    const thresholds = { 'arc/aligned@skip': { cosine: { atFmr1e3: 0.5, atEer: 0.4, provenance: { dataset: 'd', pairs: 1, protocol: 'p', date: '2026-01-01', detector: 'skip' } } } };
    const moved = await FaceRecognizer.create({ models: await modelFolder(join(dir, 'moved'), 'arc', 'N', { description: 'recalibrated', thresholds }), detector: 'skip' });
    expect(await moved.embeddingId()).toBe(await enrolled.embeddingId());
    const reopened = await FaceGallery.open(path, moved, { create: false });
    expect(reopened.size).toBe(1);
    reopened.close();
  });

  it('searches and extends a gallery of version-1 (unsealed) templates; once it holds a sealed one, a build reading only version 1 refuses it', async () => {
    const dir = await tempFolder('biofuse-face-identity-');
    const recognizer = await FaceRecognizer.create({ models: await modelFolder(join(dir, 'm'), 'arc', 'N'), detector: 'skip' });
    const path = join(dir, 'v1.db');
    const red = crop([200, 10, 10]);
    // As FaceGallery made it before templates were sealed: version 1 records and templates.
    const [{ template }] = await recognizer.represent(red);
    const spec = { modality: 'face', model: await recognizer.embeddingId(), templateVersion: 1, dims: recognizer.dims };
    const old = await Gallery.open(path, spec);
    old.add('red', 'red.png', 'hash', asVersion1(encodeFaceTemplate(template)), template.embedding);
    old.close();
    const gallery = await FaceGallery.open(path, recognizer, { create: false });
    expect((await gallery.identify(red, { k: 1 })).candidates[0]).toMatchObject({ identity: 'red', score: expect.closeTo(1, 6) });
    await gallery.enroll('blue', crop([10, 10, 200]));
    expect(gallery.size).toBe(2);
    gallery.close();
    await expect(Gallery.open(path, spec, { create: false })).rejects.toThrow(/holds templates of version 2, newer than this build of biofuse reads \(1\): upgrade biofuse/);
    expect(FACE_TEMPLATE_VERSION).toBe(2);
  });

  it('refuses a gallery that recorded only the model name (made before digests), saying to enrol again', async () => {
    const dir = await tempFolder('biofuse-face-identity-');
    const recognizer = await FaceRecognizer.create({ models: await modelFolder(join(dir, 'm'), 'old-arc', 'N'), detector: 'skip' });
    const path = join(dir, 'old.db');
    // As FaceGallery.open made it before: the model's name and configuration only.
    const old = await Gallery.open(path, { modality: 'face', model: recognizer.modelId, templateVersion: 1, dims: recognizer.dims });
    old.add('red', 'red.png', 'hash', new Uint8Array(1), Float32Array.of(1, 0, 0));
    old.close();
    const refused = FaceGallery.open(path, recognizer, { create: false });
    await expect(refused).rejects.toBeInstanceOf(StaleGalleryError);
    await expect(refused).rejects.toThrow(/was enrolled before galleries recorded which model weights made their embeddings \(it records only "old-arc\/aligned"\).*enrol its images again into a new gallery/);
  });

  it('names the shipped models by their weights too, the same id on every call, and each member\'s weight', async () => {
    const recognizer = await FaceRecognizer.create({ detector: 'skip' });
    const t0 = performance.now();
    const id = await recognizer.embeddingId();
    const ms = performance.now() - t0;
    expect(id).toMatch(/^dlib-resnet\/aligned sha256:[0-9a-f]{16}$/);
    expect(await recognizer.embeddingId()).toBe(id);
    // About 10 ms here (6.4 MB of weights); a generous bound for a loaded machine.
    expect(ms).toBeLessThan(2000);
    // Fused: each member's weight is part of it.
    const ensemble = await FaceRecognizer.create({ models: ['dlib-resnet', 'mobileface'], detector: 'skip' });
    const reweighted = await FaceRecognizer.create({ models: [{ model: 'dlib-resnet', weight: 2 }, 'mobileface'], detector: 'skip' });
    expect(await ensemble.embeddingId()).not.toBe(await reweighted.embeddingId());
  });

  it('refuses a model file changed while the process uses it (a gallery would record one file and embed with the other)', async () => {
    const dir = await tempFolder('biofuse-face-identity-');
    await modelFolder(dir, 'pinned', 'N');
    const embedder = await createEmbedder(checkModelCard({ ...card('pinned'), source: { kind: 'onnx', path: join(dir, 'model.onnx') } }));
    const digest = await embedder.digest();
    await writeFile(join(dir, 'model.onnx'), meanColourOnnxModel(8, 1));
    const face = { width: 8, height: 8, pixels: new Float32Array(8 * 8 * 3).fill(1) };
    await expect(embedder.embed([face])).rejects.toBeInstanceOf(DatasetError);
    await expect(embedder.embed([face])).rejects.toThrow(/model\.onnx: the ONNX model of pinned changed while this process was using it/);
    expect(await embedder.digest()).toBe(digest);
  });
  it('counts an ONNX model\'s external-data files in its digest and its files: retrained in those alone, it was taken for the old model', async () => {
    const dir = await tempFolder('biofuse-face-identity-');
    /** A model folder whose .onnx file is the same bytes each time, and whose weights are in `weights.bin` beside it. */
    const externalFolder = async (sub: string, weights: [number, number, number]) => {
      await mkdir(join(dir, sub), { recursive: true });
      await writeFile(join(dir, sub, 'model.onnx'), externalWeightsOnnxModel(8, 'weights.bin'));
      await writeFile(join(dir, sub, 'weights.bin'), externalWeights(weights));
      await writeFile(join(dir, sub, 'card.json'), JSON.stringify(card('ext')));
      return join(dir, sub, 'card.json');
    };
    const v1 = await FaceRecognizer.create({ models: await externalFolder('v1', [1, 2, 3]), detector: 'skip' });
    const v2 = await FaceRecognizer.create({ models: await externalFolder('v2', [3, 2, 1]), detector: 'skip' });
    const grey = crop([100, 100, 100]);
    const [[a], [b]] = await Promise.all([v1.represent(grey), v2.represent(grey)]);
    // onnxruntime reads the weights from the file beside the model: the two embed differently...
    expect(Array.from(a.template.embedding).map((v) => v.toFixed(4))).toEqual(['0.2673', '0.5345', '0.8018']);
    expect(Array.from(b.template.embedding).map((v) => v.toFixed(4))).toEqual(['0.8018', '0.5345', '0.2673']);
    // ...and had one identity (the .onnx file alone was hashed): a gallery of one was searched with the other's embeddings.
    expect(await v2.embeddingId()).not.toBe(await v1.embeddingId());
    const path = join(dir, 'g.db');
    const gallery = await FaceGallery.open(path, v1);
    await gallery.enroll('grey', grey);
    gallery.close();
    await expect(FaceGallery.open(path, v2, { create: false })).rejects.toBeInstanceOf(StaleGalleryError);
    expect(() => compareFaceTemplates(a.template, b.template)).toThrow(FaceTemplateMismatchError);
    // The same files moved: the same model.
    const moved = await FaceRecognizer.create({ models: await externalFolder('moved', [1, 2, 3]), detector: 'skip' });
    expect(await moved.embeddingId()).toBe(await v1.embeddingId());
    // What a cache key or a run manifest hashes names the weights file too.
    expect(await faceModelFiles(join(dir, 'v1', 'card.json'))).toEqual([join(dir, 'v1', 'card.json'), join(dir, 'v1', 'model.onnx'), join(dir, 'v1', 'weights.bin')]);

    // Rewritten in place after the model loaded: onnxruntime had mapped the file, and v1 embedded with the new weights under the old digest.
    await writeFile(join(dir, 'v1', 'weights.bin'), externalWeights([2, 2, 2]));
    const [again] = await v1.represent(grey);
    expect(Array.from(again.template.embedding)).toEqual(Array.from(a.template.embedding));
    expect(again.template.digest).toBe(a.template.digest);
    // Changed between the digest a gallery took and the model's first load: refused, as a changed .onnx file is.
    const pinned = await FaceRecognizer.create({ models: await externalFolder('pinned', [1, 2, 3]), detector: 'skip' });
    expect(await pinned.embeddingId()).toBe(await v1.embeddingId());
    await writeFile(join(dir, 'pinned', 'weights.bin'), externalWeights([2, 2, 2]));
    await expect(pinned.represent(grey)).rejects.toThrow(/model\.onnx: the ONNX model of ext changed while this process was using it/);
    // Missing: a data error naming it, before onnxruntime's own.
    const missing = await externalFolder('missing', [1, 2, 3]);
    await writeFile(join(dir, 'missing', 'model.onnx'), externalWeightsOnnxModel(8, 'elsewhere.bin'));
    const refused = FaceRecognizer.create({ models: missing, detector: 'skip' }).then((r) => r.embeddingId());
    await expect(refused).rejects.toBeInstanceOf(DatasetError);
    await expect(refused).rejects.toThrow(`${join(dir, 'missing', 'elsewhere.bin')}: cannot read elsewhere.bin, the external data of the ONNX model of ext (ENOENT)`);
  });

  it('refuses external data outside the model\'s folder (it was read, hashed and listed; onnxruntime refuses it)', async () => {
    const dir = await tempFolder('biofuse-face-identity-');
    await writeFile(join(dir, 'weights.bin'), externalWeights([1, 2, 3]));
    for (const [sub, location] of [['up', '../weights.bin'], ['absolute', join(dir, 'weights.bin')]]) {
      await mkdir(join(dir, sub));
      await writeFile(join(dir, sub, 'model.onnx'), externalWeightsOnnxModel(8, location));
      await writeFile(join(dir, sub, 'card.json'), JSON.stringify(card('outside')));
      const message = `${join(dir, sub, 'model.onnx')}: the ONNX model of outside keeps external data at "${location}", outside its folder: onnxruntime reads external data only from the model's folder`;
      const refused = FaceRecognizer.create({ models: join(dir, sub, 'card.json'), detector: 'skip' }).then((r) => r.embeddingId());
      await expect(refused).rejects.toBeInstanceOf(DatasetError);
      await expect(refused).rejects.toThrow(message);
      await expect(faceModelFiles(join(dir, sub, 'card.json'))).rejects.toThrow(message);
    }
    // A location that stays inside the folder on its way is taken.
    await mkdir(join(dir, 'inside', 'sub'), { recursive: true });
    await writeFile(join(dir, 'inside', 'model.onnx'), externalWeightsOnnxModel(8, 'sub/../weights.bin'));
    await writeFile(join(dir, 'inside', 'weights.bin'), externalWeights([1, 2, 3]));
    await writeFile(join(dir, 'inside', 'card.json'), JSON.stringify(card('inside')));
    expect(await faceModelFiles(join(dir, 'inside', 'card.json'))).toEqual([join(dir, 'inside', 'card.json'), join(dir, 'inside', 'model.onnx'), join(dir, 'inside', 'weights.bin')]);
  });

  it('reports an external-data file too large to read into memory as a data error saying so (it was a bare ERR_FS_FILE_TOO_LARGE)', async () => {
    const dir = await tempFolder('biofuse-face-identity-');
    await writeFile(join(dir, 'model.onnx'), externalWeightsOnnxModel(8, 'weights.bin'));
    // Sparse: it takes no disk space, and reading it whole is refused before a byte is read.
    await writeFile(join(dir, 'weights.bin'), externalWeights([1, 2, 3]));
    await truncate(join(dir, 'weights.bin'), 2 ** 31 + 12);
    const embedder = await createEmbedder(checkModelCard({ ...card('huge'), source: { kind: 'onnx', path: join(dir, 'model.onnx') } }));
    const refused = embedder.embed([{ width: 8, height: 8, pixels: new Float32Array(8 * 8 * 3).fill(1) }]);
    await expect(refused).rejects.toBeInstanceOf(DatasetError);
    await expect(refused).rejects.toThrow(`${join(dir, 'weights.bin')}: cannot read weights.bin, the external data of the ONNX model of huge: it is over 2 GiB, the most Node reads into memory as one file`);
  });

  it('keeps the digest of an ONNX model without external data as it was (galleries enrolled with it stay valid)', async () => {
    const dir = await tempFolder('biofuse-face-identity-');
    const cardPath = await modelFolder(dir, 'plain', 'N');
    const embedder = await createEmbedder(checkModelCard({ ...card('plain'), source: { kind: 'onnx', path: join(dir, 'model.onnx') } }));
    expect(await embedder.digest()).toBe(modelDigest(embedder.card, [sha256(await readFile(join(dir, 'model.onnx')))]));
    expect(await faceModelFiles(cardPath)).toEqual([cardPath, join(dir, 'model.onnx')]);
  });
});

describe('the model identity a face template records', () => {
  it('refuses to compare templates of a model retrained under its name with the old model\'s, stored or not, and compares the same weights moved', async () => {
    const dir = await tempFolder('biofuse-face-identity-');
    const old = await FaceRecognizer.create({ models: await modelFolder(join(dir, 'v1'), 'arc', 'N'), detector: 'skip' });
    const retrained = await FaceRecognizer.create({ models: await modelFolder(join(dir, 'v2'), 'arc', 1), detector: 'skip' });
    const red = crop([200, 10, 10]);
    const [{ template: a }] = await old.represent(red);
    const [{ template: b }] = await retrained.represent(red);
    // The name stays the name; the digest is the gallery's.
    expect(a.model).toBe('arc/aligned');
    expect(b.model).toBe(a.model);
    expect(`${a.model} sha256:${a.digest}`).toBe(await old.embeddingId());
    expect(`${b.model} sha256:${b.digest}`).toBe(await retrained.embeddingId());
    expect(a.digest).not.toBe(b.digest);

    // Kept as a file and read back: the name alone matched, and these two compared as a perfect match (cosine 1) across two models.
    const stored = decodeFaceTemplate(encodeFaceTemplate(a));
    expect(stored.digest).toBe(a.digest);
    const error = thrownBy(() => compareFaceTemplates(stored, b)) as FaceTemplateMismatchError;
    expect(error).toBeInstanceOf(FaceTemplateMismatchError);
    expect(error.code).toBe('template_format');
    expect([error.first, error.second]).toEqual([await old.embeddingId(), await retrained.embeddingId()]);
    expect(error.message).toBe(
      `face templates of "arc/aligned" were made by different weights or cards under that name (the first by sha256:${a.digest}, the second by sha256:${b.digest}): ` +
        'a model retrained or replaced under its name embeds faces differently; extract both templates with one model',
    );
    expect(() => compareFaceTemplates(b, stored)).toThrow(`(the first by sha256:${b.digest}, the second by sha256:${a.digest})`);
    // Through verify (a stored template against an image) and the modality's compare too.
    await expect(retrained.verify(stored, red, { threshold: 0.5 })).rejects.toBeInstanceOf(FaceTemplateMismatchError);
    const modality = await FaceModality.create({ models: join(dir, 'v2', 'card.json'), detector: 'skip' });
    expect(() => modality.compare(modality.decode(encodeFaceTemplate(a)), b)).toThrow(FaceTemplateMismatchError);

    // The same bytes elsewhere: the same digest, compared.
    const moved = await FaceRecognizer.create({ models: await modelFolder(join(dir, 'moved'), 'arc', 'N', { description: 'moved' }), detector: 'skip' });
    const [{ template: c }] = await moved.represent(red);
    expect(c.digest).toBe(a.digest);
    expect(compareFaceTemplates(stored, c).similarity).toBeCloseTo(1, 6);
    expect((await moved.verify(stored, red, { threshold: 0.5 })).verified).toBe(true);
  });

  it('refuses a template made before templates recorded a digest against one that has it, saying which one to extract again', async () => {
    const dir = await tempFolder('biofuse-face-identity-');
    const recognizer = await FaceRecognizer.create({ models: await modelFolder(join(dir, 'm'), 'arc', 'N'), detector: 'skip' });
    const red = crop([200, 10, 10]);
    const [{ template: current }] = await recognizer.represent(red);
    // As biofuse wrote it before: version 1, the model's name alone as its id.
    const { digest: _, ...nameOnly } = current;
    const bytes = asVersion1(encodeFaceTemplate(nameOnly));
    expect(new DataView(bytes.buffer).getUint16(4, true)).toBe(1);
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + new DataView(bytes.buffer).getUint16(6, true)))).toBe('arc/aligned');
    const legacy = decodeFaceTemplate(bytes);
    expect(legacy.model).toBe('arc/aligned');
    expect(legacy.digest).toBeUndefined();

    expect(() => compareFaceTemplates(legacy, current)).toThrow(FaceTemplateMismatchError);
    expect(() => compareFaceTemplates(legacy, current)).toThrow(
      `face templates of "arc/aligned": the first predates templates recording which model weights made them, so it cannot be checked against the other's (sha256:${current.digest}); ` +
        'extract it again from its image with the model that made the other',
    );
    expect(() => compareFaceTemplates(current, legacy)).toThrow(/: the second predates templates recording which model weights/);
    await expect(recognizer.verify(red, legacy, { threshold: 0.5 })).rejects.toThrow(FaceTemplateMismatchError);
    await expect(recognizer.verify(red, legacy, { threshold: 0.5 })).rejects.toThrow(/a template given to verify was made by "arc\/aligned", this recognizer is "arc\/aligned sha256:[0-9a-f]{16}"/);
    // Two old templates are compared as before: nothing tells their models apart.
    expect(compareFaceTemplates(legacy, decodeFaceTemplate(bytes)).similarity).toBeCloseTo(1, 6);
  });

  it('gives a precomputed embedding the recognizer\'s identity', async () => {
    const dir = await tempFolder('biofuse-face-identity-');
    const recognizer = await FaceRecognizer.create({ models: await modelFolder(join(dir, 'm'), 'arc', 'N'), detector: 'skip' });
    const t = await recognizer.templateFromEmbedding([1, 2, 3]);
    expect(`${t.model} sha256:${t.digest}`).toBe(await recognizer.embeddingId());
  });
});
