import { describe, expect, it, vi } from 'vitest';
import { AcquisitionError } from '@biofuse/core';
import { SkipDetector } from '../src/detect/skip';
import type { DetectOptions, FaceDetector } from '../src/detect/types';
import { FaceNotDetectedError, FaceRecognizer } from '../src/index';

/** The detector the recogniser is given: a custom one, in place of the named ones. */
const given = vi.hoisted(() => ({ detector: undefined as FaceDetector | undefined }));
vi.mock('../src/detect/cascade', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../src/detect/cascade')>()),
  createDetector: () => given.detector,
}));

/** A custom detector that finds the whole image as a face (as `skip` does), under its own name, recording the options it gets. */
function customDetector(name: string, wholeImage?: true): FaceDetector & { readonly seen: DetectOptions[] } {
  const seen: DetectOptions[] = [];
  return {
    name,
    ...(wholeImage && { wholeImage }),
    seen,
    async detect(image, options = {}) {
      seen.push(options);
      return (await new SkipDetector().detect(image, options)).map((face) => ({ ...face, detector: name }));
    },
  };
}

const small = { width: 16, height: 16, channels: 3 as const, data: new Uint8Array(16 * 16 * 3).fill(90) };

describe('a detector\'s wholeImage flag', () => {
  it('decides the minimum face size for any detector, not only skip', async () => {
    // Whole image: no default minimum, so a 16-pixel crop is a face.
    given.detector = customDetector('chips', true);
    const chips = await FaceRecognizer.create();
    expect(await chips.detect(small)).toMatchObject([{ box: { width: 16, height: 16 }, detector: 'chips' }]);
    expect(given.detector).toMatchObject({ seen: [{ minFaceSize: undefined }] });
    // A minimum the caller sets holds, and a smaller image is a crop too small, not a face not found.
    given.detector = customDetector('chips', true);
    const refused = (await FaceRecognizer.create({ minFaceSize: 20 })).detect(small);
    await expect(refused).rejects.toBeInstanceOf(AcquisitionError);
    await expect(refused).rejects.toThrow('16 x 16 image: the face crop is 16 x 16 pixels, under minFaceSize 20 (the chips detector takes the whole image as the face)');

    // Without the flag, the same detector is searched as any: the default minimum (20 px) drops the face.
    given.detector = customDetector('boxes');
    const boxes = await FaceRecognizer.create();
    await expect(boxes.detect(small)).rejects.toBeInstanceOf(FaceNotDetectedError);
    expect(given.detector).toMatchObject({ seen: [{ minFaceSize: 20 }] });
  });
});
