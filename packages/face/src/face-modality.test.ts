import { describe, expect, it } from 'vitest';
import { ConfigError, ImageDecodeError } from '@biofuse/core';
import { FaceModality, parseFaceParams } from './face-modality';

describe('parseFaceParams', () => {
  it('takes a config\'s face parameters, model as models', () => {
    expect(parseFaceParams({ model: 'faceres', flip: true, maxFaces: 2, metric: 'euclidean' })).toMatchObject({ models: 'faceres', flip: true, maxFaces: 2, metric: 'euclidean' });
  });

  it('refuses values that would silently mean something else', () => {
    // The string "false" would switch flipping on.
    expect(() => parseFaceParams({ flip: 'false' })).toThrow(/flip must be true or false, got "false"/);
    expect(() => parseFaceParams({ enforceDetection: 0 })).toThrow(ConfigError);
    expect(() => parseFaceParams({ maxFaces: 0 })).toThrow(/maxFaces must be a whole number >= 1/);
    expect(() => parseFaceParams({ minFaceSize: -5 })).toThrow(/minFaceSize must be >= 0/);
    expect(() => parseFaceParams({ maxPixels: 0 })).toThrow(/maxPixels must be > 0/);
    expect(() => parseFaceParams({ models: 3 })).toThrow(/models must be/);
    // Entries too (each was a TypeError inside model loading, an internal error at the CLI).
    for (const models of [[{ model: 5 }], [null, 'dlib-resnet'], [{ model: 'faceres', weight: -1 }], []]) expect(() => parseFaceParams({ models }), JSON.stringify(models)).toThrow(ConfigError);
    expect(parseFaceParams({ models: ['faceres', { model: 'dlib-resnet', weight: 2 }] }).models).toHaveLength(2);
    expect(() => parseFaceParams({ metric: 'manhattan' })).toThrow(/metric must be one of cosine, euclidean, euclidean_l2, angular/);
  });
});

describe('FaceModality.load', () => {
  it('refuses what is no image at all as an image error (null was a TypeError from the decoder)', async () => {
    // No weights load: nothing is decoded.
    const modality = await FaceModality.create({ detector: 'skip' });
    for (const input of [null, undefined, {}, [1, 2, 3]]) {
      const load = modality.load(input as never);
      await expect(load, JSON.stringify(input)).rejects.toBeInstanceOf(ImageDecodeError);
      await expect(load).rejects.toMatchObject({ reason: 'unsupported_format' });
    }
  });
});
