import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DatasetError, readLfwPairs, StaleGalleryError, type ProtocolComparison } from '@biofuse/core';
import { sharedDataset } from '@biofuse/core/testing';
import { FaceGallery, FaceRecognizer } from '../src/index';

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
    const dir = await mkdtemp(join(tmpdir(), 'biofuse-face-gallery-'));
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
    expect(() => gallery.identifyEmbedding(face.template.embedding, { threshold: -3 })).toThrow(ConfigError);
    expect(gallery.identifyEmbedding(face.template.embedding, { threshold: -1 }).candidates[0].accepted).toBe(true);
    gallery.close();
  }, 60_000);

  it('re-enrols a folder by content: unchanged files skipped, changed files replaced, failures counted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'biofuse-face-folder-'));
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
    dims: 2,
    acquisitionSettings: 'stub-detector',
    thresholds: undefined,
    represent: async (input: string) => {
      const embedding = input.endsWith('A') ? Float32Array.of(1, 0) : Float32Array.of(0, 1);
      return [{ template: { model: 'stub-model', embedding, norms: Float32Array.of(1), offsets: Uint32Array.of(0, 2) } }];
    },
  } as unknown as FaceRecognizer;

  it('says an empty gallery holds no records, and does not enrol a data URL twice', async () => {
    const gallery = await FaceGallery.open(':memory:', recognizer);
    expect(() => gallery.identifyEmbedding(Float32Array.of(1, 0))).toThrow(DatasetError);
    await expect(gallery.identify('data:image/png;base64,A')).rejects.toThrow(/the gallery holds no records/);
    expect(await gallery.enroll('ada', 'data:image/png;base64,A')).toMatchObject({ enrolled: 1, unchanged: 0 });
    expect(await gallery.enroll('ada', 'data:image/png;base64,A', 'data:image/png;base64,B')).toMatchObject({ enrolled: 1, unchanged: 1 });
    expect(gallery.size).toBe(2);
    expect(gallery.identifyEmbedding(Float32Array.of(1, 0)).candidates.map((c) => c.identity)).toEqual(['ada']);
    gallery.close();
  });
});
