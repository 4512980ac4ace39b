import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, decodeImage, type RasterImage } from '@biofuse/core';
import { seededNoiseImage, sharedDataset } from '@biofuse/core/testing';
import { createDetector, DETECTOR_NAMES, FaceNotDetectedError, FaceRecognizer, type FaceBox } from '../src/index';

const lfw = sharedDataset('lfw');

function iou(a: FaceBox, b: FaceBox): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (ix * iy) / (a.width * a.height + b.width * b.height - ix * iy);
}

describe.skipIf(lfw.skip)('every detector on an LFW face', () => {
  let image: RasterImage;
  beforeAll(async () => {
    image = await decodeImage(join(lfw.path, 'images/Abdullah_Gul/Abdullah_Gul_0001.jpg'));
  });

  it('finds the same face with every detector, with mesh landmarks on top', async () => {
    const reference = (await createDetector({ detector: 'blazeface', landmarks: 'detector' }).detect(image))[0];
    expect(reference.confidence).toBeGreaterThan(0.5);
    for (const name of DETECTOR_NAMES.filter((n) => n !== 'skip')) {
      const faces = await createDetector({ detector: name }).detect(image);
      expect(faces.length, name).toBe(1);
      expect(faces[0].detector, name).toMatch(/\+mesh$/);
      expect(iou(faces[0].box, reference.box), name).toBeGreaterThan(0.5);
      // Eyes from the mesh within a few pixels of the detector's own eye keypoints.
      const [x, y] = faces[0].landmarks.leftEye!;
      expect(Math.hypot(x - reference.landmarks.leftEye![0], y - reference.landmarks.leftEye![1]), name).toBeLessThan(8);
      expect(faces[0].mesh?.length, name).toBe(468 * 2);
    }
  }, 60_000);

  it('keeps the six BlazeFace keypoints without the mesh, and refuses box-only detectors without it', async () => {
    const [face] = await createDetector({ detector: 'facemesh-short', landmarks: 'detector' }).detect(image);
    expect(Object.keys(face.landmarks).sort()).toEqual(['leftEye', 'mouth', 'nose', 'rightEye']);
    expect(face.landmarks.leftEye![0]).toBeLessThan(face.landmarks.rightEye![0]);
    expect(face.landmarks.nose![1]).toBeLessThan(face.landmarks.mouth![1]);
    expect(() => createDetector({ detector: 'tiny-face', landmarks: 'detector' })).toThrow(ConfigError);
  });

  it('cascade: a stage that finds only faces below minFaceSize hands the image on (the large face a later stage finds was "no face")', async () => {
    // A close-up the first stage (BlazeFace) misses beside a small face it finds; the second stage finds the close-up.
    const closeUp = await sharp(join(lfw.path, 'images/Abel_Pacheco/Abel_Pacheco_0001.jpg')).extract({ left: 70, top: 70, width: 110, height: 110 }).resize(500, 500).png().toBuffer();
    const small = await sharp(join(lfw.path, 'images/Abdullah_Gul/Abdullah_Gul_0001.jpg')).resize(130, 130).png().toBuffer();
    const both = await sharp({ create: { width: 630, height: 500, channels: 3, background: { r: 128, g: 128, b: 128 } } })
      .composite([{ input: closeUp, left: 0, top: 0 }, { input: small, left: 500, top: 100 }])
      .png()
      .toBuffer();
    const pixels = await decodeImage(both);
    const [found] = await createDetector({ detector: 'blazeface' }).detect(pixels);
    expect(found.box.width).toBeLessThan(80); // the first stage's only face: the small one
    const faces = await createDetector().detect(pixels, { minFaceSize: 100 });
    expect(faces.length).toBe(1);
    expect(faces[0].box.width).toBeGreaterThan(300);
    expect(faces[0].box.x).toBeLessThan(200);
  }, 60_000);

  it('skip treats the whole image as the face', async () => {
    const [face] = await createDetector({ detector: 'skip' }).detect(image);
    expect(face.box).toEqual({ x: 0, y: 0, width: 250, height: 250 });
    expect(face.landmarks.leftEye![0]).toBeCloseTo((38.2946 * 250) / 112, 3);
    // A minimum face size holds for it too: a crop under it is no face.
    expect(await createDetector({ detector: 'skip' }).detect(image, { minFaceSize: 251 })).toEqual([]);
    expect(await createDetector({ detector: 'skip' }).detect(image, { minFaceSize: 250 })).toHaveLength(1);
  });
});

const fvc = sharedDataset('fvc2002');

describe.skipIf(lfw.skip || fvc.skip)('what the mesh stage does not confirm is not a face', () => {
  const recognizer = () => FaceRecognizer.create();

  it('finds no face in fingerprints or noise (mesh-rejected boxes were kept as faces)', async () => {
    const detector = createDetector();
    // 103_1 was a 0.72-confidence "face"; 101_1 against 102_2 verified as "same person".
    for (const print of ['DB1_B/103_1.tif', 'DB1_B/102_2.tif']) {
      expect(await detector.detect(await decodeImage(join(fvc.path, print))), print).toEqual([]);
    }
    const face = await recognizer();
    await expect(face.detect(join(fvc.path, 'DB1_B/103_1.tif'))).rejects.toMatchObject({ code: 'acquisition', reason: 'no_face' });
    await expect(face.verify(join(fvc.path, 'DB1_B/101_1.tif'), join(fvc.path, 'DB1_B/102_2.tif'), { threshold: 0.5 })).rejects.toBeInstanceOf(FaceNotDetectedError);
    // Seed 1 gave two "faces".
    expect(await detector.detect(seededNoiseImage(272, 256, 1))).toEqual([]);
  }, 60_000);

  it('in a tight close-up, finds the one face the mesh confirms, not the boxes it rejects', async () => {
    // The central 60 px of an LFW image at 300 px: the first stages found only boxes the mesh rejected, and four were kept as faces.
    const closeUp = await sharp(join(lfw.path, 'images/Claire_Danes/Claire_Danes_0001.jpg')).extract({ left: 95, top: 95, width: 60, height: 60 }).resize(300, 300).png().toBuffer();
    const faces = await createDetector().detect(await decodeImage(closeUp));
    expect(faces.length).toBe(1);
    expect(faces[0].mesh?.length).toBe(468 * 2);
    expect(faces[0].detector).toMatch(/\+mesh$/);
  }, 30_000);

  it('embeds the subject, not a larger box the mesh rejected', async () => {
    // A partly visible man at the right edge made a 137 px box, larger than the subject's face: it was faces[0].
    const faces = await createDetector().detect(await decodeImage(join(lfw.path, 'images/Theresa_May/Theresa_May_0002.jpg')));
    expect(faces.every((f) => f.mesh !== undefined)).toBe(true);
    const { x, width } = faces[0].box;
    expect(Math.abs(x + width / 2 - 125)).toBeLessThan(30);
  });
});
