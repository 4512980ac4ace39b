import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, decodeImage, type RasterImage } from '@biofuse/core';
import { sharedDataset } from '@biofuse/core/testing';
import { createDetector, DETECTOR_NAMES, type FaceBox } from '../src/index';

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

  it('skip treats the whole image as the face', async () => {
    const [face] = await createDetector({ detector: 'skip' }).detect(image);
    expect(face.box).toEqual({ x: 0, y: 0, width: 250, height: 250 });
    expect(face.landmarks.leftEye![0]).toBeCloseTo((38.2946 * 250) / 112, 3);
  });
});
