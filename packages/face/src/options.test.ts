import { describe, expect, it } from 'vitest';
import { ConfigError } from '@biofuse/core';
import { parseFaceParams } from './face-modality';
import { FaceRecognizer } from './recognizer';

// Each was accepted (a junk result: minConfidence 5 found no face anywhere, NaN let every
// candidate through, maxFaces 1.5 kept two), refused with another error type, or a TypeError.
const BAD: readonly [Record<string, unknown>, RegExp][] = [
  [{ minConfidence: Number.NaN }, /minConfidence must be a number in \[0, 1\], got NaN/],
  [{ minConfidence: -1 }, /minConfidence must be a number in \[0, 1\], got -1/],
  [{ minConfidence: 5 }, /minConfidence must be a number in \[0, 1\], got 5/],
  [{ maxFaces: -1 }, /maxFaces must be a whole number >= 1, got -1/],
  [{ maxFaces: 0 }, /maxFaces must be a whole number >= 1/],
  [{ maxFaces: 1.5 }, /maxFaces must be a whole number >= 1, got 1.5/],
  [{ minFaceSize: Number.NaN }, /minFaceSize must be >= 0 \(pixels\), got NaN/],
  [{ minFaceSize: -5 }, /minFaceSize must be >= 0/],
  [{ maxPixels: Number.NaN }, /maxPixels must be > 0/],
  [{ maxPixels: 0 }, /maxPixels must be > 0/],
  [{ maxPixels: -100 }, /maxPixels must be > 0/],
  [{ maxPixels: 1000.5 }, /maxPixels must be > 0 \(a whole number of pixels\)/],
  [{ detector: 'nope' }, /detector must be one of cascade, blazeface, .*, got "nope"/],
  [{ landmarks: 'dense' }, /landmarks must be "mesh" or "detector"/],
  [{ expandPercentage: 250 }, /expandPercentage must be a percentage in 0-200, got 250/],
  [{ expandPercentage: Number.NaN }, /expandPercentage must be a percentage in 0-200/],
  [{ flip: 'false' }, /flip must be true or false, got "false"/],
  [{ models: [{ model: 5 }] }, /models must be a model name/],
];

describe('recognizer options: one check for FaceRecognizer.create and parseFaceParams', () => {
  it('refuses each bad value with a ConfigError naming the option, before any model loads', async () => {
    for (const [options, message] of BAD) {
      const what = JSON.stringify(options, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
      await expect(FaceRecognizer.create(options), what).rejects.toBeInstanceOf(ConfigError);
      await expect(FaceRecognizer.create(options), what).rejects.toThrow(message);
      expect(() => parseFaceParams(options), what).toThrow(message);
    }
  });

  it('takes the edges of each range', async () => {
    const edges = { minConfidence: 0, minFaceSize: 0, maxFaces: 1, maxPixels: 1, expandPercentage: 200, detector: 'blazeface', landmarks: 'mesh' } as const;
    expect(parseFaceParams(edges)).toMatchObject(edges);
    await expect(FaceRecognizer.create({ ...edges, minConfidence: 1 })).resolves.toBeInstanceOf(FaceRecognizer);
  });
});
