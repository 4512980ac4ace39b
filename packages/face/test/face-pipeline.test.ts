import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { AcquisitionError, ConfigError, ImageDecodeError, readLfwPairs, TemplateFormatError, type ProtocolComparison } from '@biofuse/core';
import { sharedDataset, temporaryFolders } from '@biofuse/core/testing';
import { FaceModality, FaceNotDetectedError, FaceRecognizer, compareFaceTemplates, faceModelFiles, resolveModels, type FaceRecognizerOptions } from '../src/index';

const tempFolder = temporaryFolders();

const lfw = sharedDataset('lfw');
const image = (rel: string) => join(lfw.path, 'images', rel);

describe.skipIf(lfw.skip)('face pipeline on LFW', () => {
  let recognizer: FaceRecognizer;
  let pairs: ProtocolComparison[];

  beforeAll(async () => {
    recognizer = await FaceRecognizer.create();
    // Fold 2, first 10 matched and first 10 mismatched pairs (fold 1 calibrated the card).
    const fold2 = (await readLfwPairs(join(lfw.path, 'pairs.txt'))).filter((p) => p.fold === 2);
    pairs = [...fold2.slice(0, 10), ...fold2.slice(300, 310)];
  }, 60_000);

  it('finds the face with mesh landmarks where a face is', async () => {
    const faces = await recognizer.detect(image(pairs[0].probe));
    expect(faces.length).toBeGreaterThanOrEqual(1);
    const [face] = faces;
    expect(face.detector).toMatch(/\+mesh$/);
    // LFW images are 250 x 250 with the subject's face near the centre.
    const cx = face.box.x + face.box.width / 2;
    const cy = face.box.y + face.box.height / 2;
    expect(Math.hypot(cx - 125, cy - 125)).toBeLessThan(40);
    const [lx] = face.landmarks.leftEye!;
    const [rx] = face.landmarks.rightEye!;
    expect(rx - lx).toBeGreaterThan(20);
    expect(rx - lx).toBeLessThan(70);
  });

  it('embeds to a unit 128-d template named by its configuration', async () => {
    const [face] = await recognizer.represent(image(pairs[0].probe));
    const e = face.template.embedding;
    expect(e.length).toBe(128);
    expect(Math.hypot(...e)).toBeCloseTo(1, 4);
    expect(face.template.model).toBe('dlib-resnet/aligned');
  });

  it('verifies 20 fold-2 pairs at the threshold calibrated on fold 1 with at most one error', async () => {
    let correct = 0;
    let genuineSum = 0;
    let impostorSum = 0;
    for (const p of pairs) {
      const result = await recognizer.verify(image(p.reference[0]), image(p.probe));
      expect(result.thresholdSource).toBe('calibrated');
      if (result.verified === p.genuine) correct++;
      if (p.genuine) genuineSum += result.similarity;
      else impostorSum += result.similarity;
    }
    expect(correct).toBeGreaterThanOrEqual(19);
    // dlib's descriptor is compressed: same-person cosines ~0.95, different people ~0.84 on LFW.
    expect(genuineSum / 10 - impostorSum / 10).toBeGreaterThan(0.08);
  }, 60_000);

  it('returns every face largest first, and maxFaces limits them', async () => {
    const big = await sharp(image(pairs[0].probe)).resize(250, 250).toBuffer();
    const small = await sharp(image(pairs[10].probe)).resize(150, 150).toBuffer();
    const scene = await sharp({ create: { width: 420, height: 260, channels: 3, background: { r: 90, g: 90, b: 90 } } })
      .composite([{ input: big, left: 0, top: 0 }, { input: small, left: 265, top: 50 }])
      .jpeg()
      .toBuffer();
    const faces = await recognizer.represent(scene);
    expect(faces.length).toBe(2);
    expect(faces[0].facialArea.width).toBeGreaterThan(faces[1].facialArea.width);
    expect(faces[0].facialArea.x).toBeLessThan(200);
    const one = await FaceRecognizer.create({ maxFaces: 1 });
    expect((await one.represent(scene)).length).toBe(1);
  }, 30_000);

  it('honours EXIF orientation: a rotated file with its orientation tag embeds like the original', async () => {
    const original = (await recognizer.represent(image(pairs[0].probe)))[0].template;
    // Stored rotated 90 degrees counter-clockwise, tagged "rotate 90 CW to display".
    const stored = await sharp(image(pairs[0].probe)).rotate(-90).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const rotated = (await recognizer.represent(stored))[0].template;
    expect(compareFaceTemplates(original, rotated).similarity).toBeGreaterThan(0.95);
  });

  it('fails to acquire clearly: no face, a face below the minimum size, a corrupt file', async () => {
    const grey = await sharp({ create: { width: 200, height: 200, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer();
    await expect(recognizer.represent(grey)).rejects.toBeInstanceOf(FaceNotDetectedError);
    await expect(recognizer.represent(grey)).rejects.toMatchObject({ code: 'acquisition', reason: 'no_face' });
    const lenient = await FaceRecognizer.create({ enforceDetection: false });
    const [whole] = await lenient.represent(grey);
    expect(whole.detector).toBe('none');
    expect(whole.confidence).toBe(0);

    const tiny = await sharp(image(pairs[0].probe)).resize(60, 60).toBuffer();
    const canvas = await sharp({ create: { width: 400, height: 400, channels: 3, background: { r: 128, g: 128, b: 128 } } })
      .composite([{ input: tiny, left: 170, top: 170 }])
      .png()
      .toBuffer();
    const strict = await FaceRecognizer.create({ minFaceSize: 50 });
    await expect(strict.represent(canvas)).rejects.toBeInstanceOf(AcquisitionError);

    const jpeg = await sharp(image(pairs[0].probe)).jpeg().toBuffer();
    await expect(recognizer.represent(jpeg.subarray(0, 300))).rejects.toBeInstanceOf(ImageDecodeError);
    await expect(recognizer.represent(Buffer.alloc(0))).rejects.toMatchObject({ reason: 'empty' });
  });

  it('refuses embeddings of the wrong size or model, and unknown models', async () => {
    await expect(recognizer.verify(new Float32Array(512), new Float32Array(512), { threshold: 0.5 })).rejects.toBeInstanceOf(TemplateFormatError);
    const [face] = await recognizer.represent(image(pairs[0].probe));
    const other = { ...face.template, model: 'faceres/aligned' };
    await expect(recognizer.verify(face.template, other, { threshold: 0.5 })).rejects.toThrow(/a template given to verify was made by "faceres\/aligned sha256:[0-9a-f]{16}", this recognizer is "dlib-resnet\/aligned sha256:/);
    await expect(FaceRecognizer.create({ models: 'no-such-model' })).rejects.toBeInstanceOf(ConfigError);
  });

  it('takes embeddings given as arrays for what they are: normalised for cosine, their length kept for euclidean', async () => {
    const raw = (entries: [number, number][]) => {
      const v = new Float32Array(128);
      for (const [i, x] of entries) v[i] = x;
      return v;
    };
    const a = raw([[0, 10]]);
    const b = raw([[0, 7], [1, 7]]);
    const cosine = await recognizer.verify(a, b, { threshold: 0.9 });
    expect(cosine.similarity).toBeCloseTo(Math.SQRT1_2, 5); // the raw dot product would have been 70
    expect(cosine.verified).toBe(false);
    const euclid = await recognizer.verify(a, b, { metric: 'euclidean', threshold: -1 });
    expect(euclid.distance).toBeCloseTo(Math.hypot(10 - 7, 7), 4);
    expect((await recognizer.verify(b, a, { metric: 'euclidean', threshold: -1 })).distance).toBeCloseTo(euclid.distance, 5);
    await expect(recognizer.verify(new Float32Array(128), a, { threshold: 0.5 })).rejects.toThrow(/all zeros/);
    await expect(recognizer.verify(new Float32Array(128).fill(Number.NaN), a, { threshold: 0.5 })).rejects.toBeInstanceOf(TemplateFormatError);
    // A threshold the metric's similarity cannot reach decided every pair alike ("different people" at a cosine of 5).
    await expect(recognizer.verify(a, b, { threshold: 5 })).rejects.toThrow(/a cosine threshold is a similarity in \[-1, 1\], got 5/);
    await expect(recognizer.verify(a, b, { metric: 'euclidean_l2', threshold: 0.5 })).rejects.toThrow(/\[-2, 0\]/);
    await expect(recognizer.verify(a, b, { metric: 'euclidean', threshold: Number.NaN })).rejects.toThrow(ConfigError);
  });

  it('checks pixel data handed over in memory as it checks a file', async () => {
    const rgba = { width: 32, height: 32, channels: 4 as unknown as 3, data: new Uint8Array(32 * 32 * 4) };
    await expect(recognizer.loadImage(rgba)).rejects.toThrow(/4 channels; give grey \(1\) or RGB \(3\) pixels \(drop the alpha channel\)/);
    const short = { width: 32, height: 32, channels: 3 as const, data: new Uint8Array(100) };
    await expect(recognizer.loadImage(short)).rejects.toBeInstanceOf(ImageDecodeError);
    await expect(recognizer.loadImage(short)).rejects.toThrow(/100 bytes of pixels, 32 x 32 x 3 needs 3072/);
  });

  it('fuses several models at feature level: the fused cosine is the weighted mean of their cosines', async () => {
    const [a, b] = [image(pairs[0].reference[0]), image(pairs[0].probe)];
    const cosine = async (models: FaceRecognizerOptions['models']) => {
      const r = await FaceRecognizer.create({ models });
      const [x] = await r.represent(a);
      const [y] = await r.represent(b);
      return { similarity: compareFaceTemplates(x.template, y.template).similarity, model: x.template.model, dims: x.template.embedding.length };
    };
    const dlib = await cosine('dlib-resnet');
    const mobile = await cosine('mobileface');
    const fused = await cosine([{ model: 'dlib-resnet', weight: 3 }, { model: 'mobileface', weight: 1 }]);
    expect(fused.dims).toBe(128 + 256);
    expect(fused.model).toBe('dlib-resnet*0.75+mobileface*0.25/aligned');
    expect(fused.similarity).toBeCloseTo(0.75 * dlib.similarity + 0.25 * mobile.similarity, 5);

    const dir = await tempFolder('biofuse-ensemble-');
    const card = join(dir, 'pair.json');
    await writeFile(card, JSON.stringify({ name: 'pair', description: 'test', members: [{ model: 'dlib-resnet', weight: 3 }, { model: 'mobileface', weight: 1 }] }));
    const fromCard = await cosine(card);
    expect(fromCard.model).toBe('pair/aligned');
    expect(fromCard.similarity).toBeCloseTo(fused.similarity, 6);
    // Its files (for the run manifest and cache keys): the card; its built-in members ship with biofuse.
    expect(await faceModelFiles(card)).toEqual([card]);
    // Checked as model cards are: each of these was an internal error or a silently wrong cosine.
    const bad = async (name: string, body: unknown) => {
      const path = join(dir, `${name}.json`);
      await writeFile(path, JSON.stringify(body));
      return resolveModels(path);
    };
    const members = [{ model: 'dlib-resnet', weight: 3 }, { model: 'mobileface', weight: 1 }];
    await expect(bad('numeric-model', { name: 'x', members: [{ model: 5, weight: 1 }] })).rejects.toThrow(/"members.0.model"/);
    await expect(bad('null-member', { name: 'x', members: [null] })).rejects.toThrow(/"members.0.model"/);
    await expect(bad('string-weight', { name: 'x', members: [{ model: 'dlib-resnet', weight: '1' }, members[1]] })).rejects.toThrow(/"members.0.weight \(a number >= 0\)"/);
    await expect(bad('nameless', { members })).rejects.toThrow(/"name"/);
    await expect(bad('threshold', { name: 'x', members, thresholds: { 'x/aligned': { cosine: { atFmr1e3: 5, atEer: 0.5 } } } })).rejects.toThrow(/thresholds.x\/aligned.cosine.atFmr1e3/);
  }, 60_000);

  it('is a Modality whose templates survive encoding', async () => {
    const modality = await FaceModality.create({});
    const sample = await modality.load(image(pairs[0].probe));
    const t = await modality.extract(sample);
    const back = modality.decode(modality.encode(t));
    expect(modality.compare(t, back).similarity).toBeCloseTo(1, 6);
    expect(modality.embed(t).length).toBe(128);
  });
});
