import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, Gallery, seededRandom, StaleGalleryError, TemplateFormatError, type Random } from '@biofuse/core';
import { randomBytes, seededMutants, temporaryFolders } from '@biofuse/core/testing';
import { compareFaceTemplates } from './compare';
import { FaceTemplateMismatchError } from './errors';
import { FaceGallery } from './gallery';
import type { FaceRecognizer } from './recognizer';
import { checkFaceTemplate, decodeFaceTemplate, encodeFaceTemplate, FACE_TEMPLATE_VERSION, faceTemplateId, type FaceTemplate } from './template';
import { asVersion1 } from '../test/version-1-template';

/**
 * Seeded mutation fuzzing of the stored face template: cut short, extended, bits flipped, header
 * bytes replaced. Each mutant is a TemplateFormatError, or decodes to a template that passes every
 * check comparisons rely on; one whose model id changed is another model's, which comparisons refuse.
 */

const tempFolder = temporaryFolders();

function unit(random: Random, n: number, scale = 1): number[] {
  const v = Array.from({ length: n }, () => random.normal());
  const length = Math.hypot(...v);
  return v.map((x) => (x / length) * scale);
}

function templates(random: Random): FaceTemplate[] {
  const single: FaceTemplate = { model: 'dlib-resnet/aligned', embedding: Float32Array.from(unit(random, 128)), norms: Float32Array.of(2.5), offsets: Uint32Array.of(0, 128) };
  // An ensemble: two models' slices, weighted 0.75 and 0.25, with the models' digest.
  const ensemble: FaceTemplate = {
    model: 'facenet+arcface/aligned',
    digest: '0123456789abcdef',
    embedding: Float32Array.from([...unit(random, 64, Math.sqrt(0.75)), ...unit(random, 32, Math.sqrt(0.25))]),
    norms: Float32Array.of(11.5, 0.75),
    offsets: Uint32Array.of(0, 64, 96),
  };
  return [single, ensemble];
}

describe('face template decoding under seeded mutation', () => {
  it('refuses every mutant of a sealed template that differs from it', () => {
    const random = seededRandom(11);
    let refused = 0;
    for (const original of templates(random)) {
      const bytes = encodeFaceTemplate(original);
      for (const m of seededMutants(bytes, { random, count: 600, kinds: ['cut', 'append', 'flip', 'flips', 'overwrite'], headBytes: 60 })) {
        if (Buffer.from(m.bytes).equals(bytes)) continue; // an overwrite with the same byte
        expect(() => decodeFaceTemplate(m.bytes), m.what).toThrow(TemplateFormatError);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(1150);
  });

  // Version 1 has no checksum: its decoder's own checks are all that guard it.
  it('refuses each mutant of a version-1 template as a TemplateFormatError, or decodes it to a checked template that compares only with its own model', () => {
    const random = seededRandom(11);
    const counts = { refused: 0, sameModel: 0, otherModel: 0 };
    for (const original of templates(random)) {
      const bytes = asVersion1(encodeFaceTemplate(original));
      // Cut short, bytes appended, bits flipped, or bytes replaced; every other one of each in the header, model id and model table (the first 60 bytes).
      for (const m of seededMutants(bytes, { random, count: 600, kinds: ['cut', 'append', 'flip', 'flips', 'overwrite'], headBytes: 60 })) {
        let decoded: FaceTemplate;
        try {
          decoded = decodeFaceTemplate(m.bytes);
        } catch (err) {
          if (!(err instanceof TemplateFormatError)) throw new Error(`${m.what}: ${String(err)}`, { cause: err });
          counts.refused++;
          continue;
        }
        // The length of every field follows from the header: a template cut short or extended never decodes.
        expect(m.bytes.length, m.what).toBe(bytes.length);
        expect(() => checkFaceTemplate(decoded), m.what).not.toThrow();
        if (faceTemplateId(decoded) !== faceTemplateId(original)) {
          // A damaged model id or digest names another model: never compared with this one's templates.
          expect(() => compareFaceTemplates(original, decoded), m.what).toThrow(FaceTemplateMismatchError);
          counts.otherModel++;
          continue;
        }
        // A damaged model table (where the second model starts) is another layout: refused by every comparison with an intact template.
        if (decoded.offsets.some((o, k) => o !== original.offsets[k])) {
          expect(() => compareFaceTemplates(original, decoded), m.what).toThrow(/lay out their models differently/);
          counts.otherModel++;
          continue;
        }
        // Same model and layout: finite scores in range (a damaged float value has no checksum to fail).
        for (const metric of ['cosine', 'euclidean', 'angular', 'euclidean_l2'] as const) {
          const { similarity, distance } = compareFaceTemplates(original, decoded, metric);
          expect(Number.isFinite(similarity) && Number.isFinite(distance), `${m.what}, ${metric}`).toBe(true);
        }
        expect(compareFaceTemplates(original, decoded).similarity).toBeGreaterThanOrEqual(-1);
        counts.sameModel++;
      }
    }
    expect(counts.refused).toBeGreaterThan(600);
    expect(counts.otherModel).toBeGreaterThan(20);
  });

  it('refuses a header claiming sizes its bytes do not hold before allocating them', () => {
    const [single] = templates(seededRandom(12));
    // Version 1: a sealed template's checksum would refuse these before its sizes are read.
    const bytes = asVersion1(encodeFaceTemplate(single));
    const view = new DataView(bytes.buffer);
    const idLength = view.getUint16(6, true);
    const tableAt = Math.ceil((8 + idLength + 2) / 4) * 4;
    const patched = (at: number, write: (v: DataView) => void) => {
      const copy = Uint8Array.from(bytes);
      write(new DataView(copy.buffer));
      return copy;
    };
    // An embedding of 2^32 - 1 values (16 GiB), 65,535 models, a 64 KiB model id: each in a template of 1 KiB.
    expect(() => decodeFaceTemplate(patched(tableAt + 4, (v) => v.setUint32(tableAt + 4, 0xffffffff, true)))).toThrow(/face template: expected \d+ bytes for a 4294967295-d embedding, got \d+/);
    expect(() => decodeFaceTemplate(patched(8 + idLength, (v) => v.setUint16(8 + idLength, 0xffff, true)))).toThrow(/face template truncated: \d+ bytes, the model table needs \d+/);
    expect(() => decodeFaceTemplate(patched(6, (v) => v.setUint16(6, 0xffff, true)))).toThrow(/face template truncated: \d+ bytes, the model id needs 65545/);
    expect(() => decodeFaceTemplate(patched(4, (v) => v.setUint16(4, FACE_TEMPLATE_VERSION + 1, true)))).toThrow(/is newer than this biofuse reads/);
    expect(() => decodeFaceTemplate(new Uint8Array(0))).toThrow(TemplateFormatError);
  });
});

describe('face gallery files made elsewhere', () => {
  const recognizer = (embeddingId: string) =>
    ({
      modelId: embeddingId.split(' ')[0],
      embeddingId: async () => embeddingId,
      dims: 2,
      acquisitionSettings: 'stub-detector',
    }) as unknown as FaceRecognizer;

  it('refuses a gallery of another model, and a file that is not one, naming it; a refused file is left as it was', async () => {
    const dir = await tempFolder('biofuse-face-gallery-fuzz-');
    const path = join(dir, 'g.db');
    const gallery = await FaceGallery.open(path, recognizer('model-a sha256:0123456789abcdef'));
    gallery.close();
    const bytes = await readFile(path);
    await expect(FaceGallery.open(path, recognizer('model-a sha256:fedcba9876543210'), { create: false })).rejects.toBeInstanceOf(StaleGalleryError);
    await expect(FaceGallery.open(path, recognizer('model-b sha256:0123456789abcdef'))).rejects.toThrow(/was built with model "model-a sha256:0123456789abcdef"/);
    expect((await readFile(path)).equals(bytes)).toBe(true);
    const random = seededRandom(13);
    const garbage = join(dir, 'garbage.db');
    for (const content of [Buffer.from('not a database'), randomBytes(random, 4096), bytes.subarray(0, 100)]) {
      await writeFile(garbage, content);
      await expect(FaceGallery.open(garbage, recognizer('model-a sha256:0123456789abcdef'), { create: false })).rejects.toBeInstanceOf(DatasetError);
      expect((await readFile(garbage)).equals(content)).toBe(true);
    }
    // The core gallery refuses it as the face gallery does.
    await expect(Gallery.open(garbage, { modality: 'face', model: 'model-a', templateVersion: FACE_TEMPLATE_VERSION, dims: 2 })).rejects.toThrow(/garbage\.db: cannot be opened as a biofuse gallery/);
  });
});
