import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, DatasetError, readLfwPairs, StaleGalleryError, type ProtocolComparison } from '@biofuse/core';
import { sharedDataset, temporaryFolders } from '@biofuse/core/testing';
import { FaceGallery, FaceRecognizer } from '../src/index';

const tempFolder = temporaryFolders();

const lfw = sharedDataset('lfw');
const image = (rel: string) => join(lfw.path, 'images', rel);

describe.skipIf(lfw.skip)('face gallery on LFW', () => {
  let recognizer: FaceRecognizer;
  let matched: ProtocolComparison[];

  beforeAll(async () => {
    recognizer = await FaceRecognizer.create();
    const fold2 = (await readLfwPairs(join(lfw.path, 'pairs.txt'))).filter((p) => p.fold === 2 && p.genuine);
    // Six different people, each with a reference and a probe image.
    const seen = new Set<string>();
    matched = fold2.filter((p) => {
      const who = p.probe.split('/')[0];
      if (seen.has(who)) return false;
      seen.add(who);
      return true;
    }).slice(0, 6);
  }, 60_000);

  it('identifies each probe at rank 1 among the enrolled people, and removes people', async () => {
    const dir = await tempFolder('biofuse-face-gallery-');
    const gallery = await FaceGallery.open(join(dir, 'g.db'), recognizer);
    for (const p of matched) {
      const report = await gallery.enroll(p.probe.split('/')[0], image(p.reference[0]));
      expect(report.enrolled).toBe(1);
    }
    expect(gallery.list().length).toBe(6);
    for (const p of matched) {
      const result = await gallery.identify(image(p.probe), { k: 3 });
      expect(result.candidates[0].identity).toBe(p.probe.split('/')[0]);
      expect(result.candidates.length).toBe(3);
      expect(result.candidates[0].score).toBeGreaterThan(result.candidates[1].score);
    }
    const first = matched[0].probe.split('/')[0];
    expect(gallery.remove(first)).toBe(1);
    const after = await gallery.identify(image(matched[0].probe), { k: 1 });
    expect(after.candidates[0].identity).not.toBe(first);
    // A threshold out of the cosine's range accepted no one (5) or everyone (-3) without a word; verify refuses it.
    const probe = image(matched[1].probe);
    await expect(gallery.identify(probe, { threshold: 5 })).rejects.toThrow(/a cosine threshold is a similarity in \[-1, 1\], got 5/);
    await expect(gallery.identify(probe, { threshold: Number.NaN })).rejects.toBeInstanceOf(ConfigError);
    const [face] = await recognizer.represent(probe);
    await expect(gallery.identifyEmbedding(face.template.embedding, { threshold: -3 })).rejects.toThrow(ConfigError);
    expect((await gallery.identifyEmbedding(face.template.embedding, { threshold: -1 })).candidates[0].accepted).toBe(true);
    // A raw model output (not of unit length) is taken as verify takes it: normalised. Five times the
    // unit embedding scored 5 times the cosine (a "cosine" of 4.8) and passed any threshold.
    const unit = await gallery.identifyEmbedding(face.template.embedding, { k: 2 });
    const raw = await gallery.identifyEmbedding(face.template.embedding.map((v) => 5 * v), { k: 2 });
    expect(raw.candidates.map((c) => c.identity)).toEqual(unit.candidates.map((c) => c.identity));
    raw.candidates.forEach((c, i) => expect(c.score).toBeCloseTo(unit.candidates[i].score, 5));
    await expect(gallery.identifyEmbedding(new Float32Array(128))).rejects.toThrow(/all zeros/);
    gallery.close();
  }, 60_000);

  it('embeds only the largest face of a group photo to enrol or identify it (every face was embedded, and all but one dropped)', async () => {
    const tile = (p: ProtocolComparison) => sharp(image(p.reference[0])).png().toBuffer();
    const group = await sharp({ create: { width: 750, height: 250, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .composite([{ input: await tile(matched[0]), left: 0, top: 0 }, { input: await sharp(image(matched[1].reference[0])).resize(200, 200).png().toBuffer(), left: 275, top: 25 }, { input: await tile(matched[2]), left: 500, top: 0 }])
      .png()
      .toBuffer();
    const faces = (await recognizer.represent(group)).length;
    expect(faces).toBeGreaterThanOrEqual(3);
    const batches: number[] = [];
    const spy = vi.spyOn(recognizer, 'embedBatch').mockImplementation(async function (this: FaceRecognizer, items) {
      batches.push(items.length);
      return FaceRecognizer.prototype.embedBatch.call(this, items);
    });
    try {
      const gallery = await FaceGallery.open(':memory:', recognizer);
      await gallery.enroll('group', group);
      const { candidates } = await gallery.identify(group, { k: 1 });
      expect(candidates[0].score).toBeCloseTo(1, 5);
      const [largest] = await recognizer.represent(group);
      expect(Array.from((await recognizer.representLargest(group)).template.embedding)).toEqual(Array.from(largest.template.embedding).map((v) => expect.closeTo(v, 5)));
      gallery.close();
    } finally {
      spy.mockRestore();
    }
    // enrol, identify, representLargest: one face each; represent: all of them.
    expect(batches).toEqual([1, 1, faces, 1]);
  }, 60_000);

  it('re-enrols a folder by content: unchanged files skipped, changed files replaced, failures counted', async () => {
    const dir = await tempFolder('biofuse-face-folder-');
    for (const p of matched.slice(0, 3)) {
      const who = p.probe.split('/')[0];
      await mkdir(join(dir, 'people', who), { recursive: true });
      await copyFile(image(p.reference[0]), join(dir, 'people', who, 'a.jpg'));
    }
    await writeFile(join(dir, 'people', matched[0].probe.split('/')[0], 'broken.jpg'), 'not a jpeg');
    const gallery = await FaceGallery.open(join(dir, 'g.db'), recognizer);
    const first = await gallery.enrollFolder(join(dir, 'people'));
    expect(first).toMatchObject({ enrolled: 3, unchanged: 0, replaced: 0 });
    expect(first.failed.length).toBe(1);
    const again = await gallery.enrollFolder(join(dir, 'people'));
    expect(again).toMatchObject({ enrolled: 0, unchanged: 3, replaced: 0 });
    const who = matched[1].probe.split('/')[0];
    await copyFile(image(matched[1].probe), join(dir, 'people', who, 'a.jpg'));
    const changed = await gallery.enrollFolder(join(dir, 'people'));
    expect(changed).toMatchObject({ enrolled: 1, unchanged: 2, replaced: 1 });
    expect(gallery.size).toBe(3);
    gallery.close();
    // Another minimum face size finds faces differently: the files are enrolled again, not skipped as unchanged.
    const stricter = await FaceGallery.open(join(dir, 'g.db'), await FaceRecognizer.create({ minFaceSize: 30 }));
    expect((await stricter.enrollFolder(join(dir, 'people'))).unchanged).toBe(0);
    stricter.close();
    const other = await FaceRecognizer.create({ models: 'mobileface' });
    await expect(FaceGallery.open(join(dir, 'g.db'), other)).rejects.toBeInstanceOf(StaleGalleryError);
  }, 60_000);
});

describe('face gallery without a model', () => {
  // A stand-in recognizer: a data URL's last character picks one of two unit vectors.
  const recognizer = {
    modelId: 'stub-model',
    embeddingId: async () => 'stub-model sha256:0',
    dims: 2,
    acquisitionSettings: 'stub-detector',
    thresholds: undefined,
    templateFromEmbedding: async (values: Float32Array) => ({ model: 'stub-model', embedding: values, norms: Float32Array.of(1), offsets: Uint32Array.of(0, 2) }),
    representLargest: async (input: string) => {
      const embedding = input.endsWith('A') ? Float32Array.of(1, 0) : Float32Array.of(0, 1);
      return { template: { model: 'stub-model', embedding, norms: Float32Array.of(1), offsets: Uint32Array.of(0, 2) } };
    },
  } as unknown as FaceRecognizer;

  it('says an empty gallery holds no records, and does not enrol a data URL twice', async () => {
    const gallery = await FaceGallery.open(':memory:', recognizer);
    await expect(gallery.identifyEmbedding(Float32Array.of(1, 0))).rejects.toThrow(DatasetError);
    await expect(gallery.identify('data:image/png;base64,A')).rejects.toThrow(/the gallery holds no records/);
    expect(await gallery.enroll('ada', 'data:image/png;base64,A')).toMatchObject({ enrolled: 1, unchanged: 0 });
    expect(await gallery.enroll('ada', 'data:image/png;base64,A', 'data:image/png;base64,B')).toMatchObject({ enrolled: 1, unchanged: 1 });
    expect(gallery.size).toBe(2);
    expect((await gallery.identifyEmbedding(Float32Array.of(1, 0))).candidates.map((c) => c.identity)).toEqual(['ada']);
    gallery.close();
  });

  it('checks k before the probe is detected and embedded (a k of 0 was refused only after that work)', async () => {
    const gallery = await FaceGallery.open(':memory:', recognizer);
    await gallery.enroll('ada', 'data:image/png;base64,A');
    const represent = vi.spyOn(recognizer, 'representLargest');
    try {
      for (const k of [0, 1.5, Number.NaN, -1]) {
        await expect(gallery.identify('data:image/png;base64,A', { k }), String(k)).rejects.toThrow(/identify returns a whole positive number of candidates/);
        await expect(gallery.identifyEmbedding(Float32Array.of(1, 0), { k })).rejects.toThrow(ConfigError);
      }
      await expect(gallery.identify('data:image/png;base64,A', { threshold: 5 })).rejects.toBeInstanceOf(ConfigError);
      expect(represent).not.toHaveBeenCalled();
      expect((await gallery.identify('data:image/png;base64,A', { k: 1 })).candidates.map((c) => c.identity)).toEqual(['ada']);
    } finally {
      represent.mockRestore();
      gallery.close();
    }
  });
});
