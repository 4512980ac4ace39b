import { describe, expect, it } from 'vitest';
import type { RasterImage } from '@biofuse/core';
import { alignFace, alignmentTransform, uprightCrop } from './align';
import { applyAffine, invertAffine, similarityTransform, type Affine } from './similarity';
import { ARCFACE_112, dlibChipTemplate, scaleTemplate } from './templates';
import { warpAffine } from './warp';

function rampImage(width: number, height: number): RasterImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data[(y * width + x) * 3] = x;
      data[(y * width + x) * 3 + 1] = y;
      data[(y * width + x) * 3 + 2] = 7;
    }
  }
  return { width, height, channels: 3, data };
}

describe('similarityTransform', () => {
  it('recovers a known rotation, scale and translation exactly', () => {
    const angle = 0.3;
    const scale = 1.7;
    const truth: Affine = [scale * Math.cos(angle), -scale * Math.sin(angle), 12, scale * Math.sin(angle), scale * Math.cos(angle), -5];
    const from = [10, 20, 40, 22, 25, 45, 14, 60, 37, 61];
    const to = applyAffine(truth, from);
    const m = similarityTransform(from, to);
    m.forEach((v, i) => expect(v).toBeCloseTo(truth[i], 4));
  });

  it('is the least-squares fit when points disagree, and weights pull it to the trusted points', () => {
    const from = [0, 0, 10, 0, 0, 10];
    const to = [0, 0, 10, 0, 0, 12]; // the third point is off
    const plain = similarityTransform(from, to);
    const trusting = similarityTransform(from, to, [1, 1, 0.001]);
    expect(plain[0]).toBeGreaterThan(1.0); // scale pulled up by the outlier
    expect(trusting[0]).toBeCloseTo(1, 2);
    expect(trusting[1]).toBeCloseTo(0, 2);
  });

  it('refuses coincident source points and mismatched counts', () => {
    expect(() => similarityTransform([1, 1, 1, 1], [0, 0, 5, 5])).toThrow(RangeError);
    expect(() => similarityTransform([1, 1, 2, 2], [0, 0])).toThrow(RangeError);
  });

  it('inverts', () => {
    const m: Affine = [0.8, -0.6, 3, 0.6, 0.8, -2];
    const back = applyAffine(invertAffine(m), applyAffine(m, [5, 7]));
    expect(back[0]).toBeCloseTo(5, 5);
    expect(back[1]).toBeCloseTo(7, 5);
  });
});

describe('warpAffine', () => {
  it('reproduces the source under the identity and shifts under a translation', () => {
    const image = rampImage(20, 10);
    const same = warpAffine(image, [1, 0, 0, 0, 1, 0], 20, 10);
    expect(Array.from(same.subarray(0, 6))).toEqual([0, 0, 7, 1, 0, 7]);
    const shifted = warpAffine(image, [1, 0, -3, 0, 1, -2], 5, 5);
    // Crop pixel (0, 0) samples source pixel (3, 2).
    expect(Array.from(shifted.subarray(0, 3))).toEqual([3, 2, 7]);
  });

  it('interpolates bilinearly between pixels and pads with a constant outside', () => {
    const image = rampImage(20, 10);
    const half = warpAffine(image, [1, 0, -0.5, 0, 1, 0], 4, 1);
    expect(half[0]).toBeCloseTo(0.5, 5);
    const outside = warpAffine(image, [1, 0, 50, 0, 1, 50], 2, 2, { border: 'constant', borderValue: 9 });
    expect(Array.from(outside)).toEqual(new Array(12).fill(9));
  });

  it('box-averages before shrinking by more than 2x', () => {
    // A 1-pixel checkerboard shrunk 4x must come out mid-grey, not aliased black or white.
    const width = 64;
    const data = new Uint8Array(width * width);
    for (let i = 0; i < data.length; i++) data[i] = ((i % width) + Math.floor(i / width)) % 2 ? 255 : 0;
    const out = warpAffine({ width, height: width, channels: 1, data }, [0.25, 0, 0, 0, 0.25, 0], 16, 16);
    for (let i = 0; i < out.length; i++) expect(Math.abs(out[i] - 127.5)).toBeLessThan(2);
  });
});

describe('alignment', () => {
  it('puts the landmarks exactly on the template when they are consistent with it', () => {
    const truth: Affine = [0.5, 0.1, 20, -0.1, 0.5, 30];
    const back = invertAffine(truth);
    const landmarks = Object.fromEntries(Object.entries(ARCFACE_112.points).map(([k, [x, y]]) => [k, applyAffine(back, [x, y]) as unknown as [number, number]]));
    const m = alignmentTransform(landmarks, ARCFACE_112);
    m.forEach((v, i) => expect(v).toBeCloseTo(truth[i], 3));
    const crop = alignFace(rampImage(300, 300), landmarks, ARCFACE_112);
    expect(crop.pixels.length).toBe(112 * 112 * 3);
  });

  it('falls back to the coarse stand-ins (eye centres) and fails clearly with too few landmarks', () => {
    const chip = dlibChipTemplate(150, 0.25);
    const m = alignmentTransform({ leftEye: [50, 60], rightEye: [90, 60] }, chip);
    const eyes = applyAffine(m, [50, 60, 90, 60]);
    expect(eyes[0]).toBeCloseTo(chip.coarse!.leftEye![0], 3);
    expect(eyes[3]).toBeCloseTo(chip.coarse!.rightEye![1], 3);
    expect(() => alignmentTransform({ nose: [1, 2] }, chip)).toThrow(/needs two of its landmarks/);
  });

  it('zooms a template about its centre and crops a box upright', () => {
    const wide = scaleTemplate(ARCFACE_112, 224, 224, 0.5);
    const [x, y] = wide.points.leftEye!;
    expect(x).toBeCloseTo(((38.2946 - 56) * 0.5 + 56) * 2, 4);
    expect(y).toBeCloseTo(((51.6963 - 56) * 0.5 + 56) * 2, 4);
    const crop = uprightCrop(rampImage(100, 100), { x: 10, y: 20, width: 40, height: 40 }, 40, 40, 50);
    // 50 % wider: a 60 px square centred on (30, 40), sampled at 1.5 px per crop pixel.
    expect(crop.pixels[0]).toBeCloseTo(0 + 0.75 - 0.5, 4);
    expect(crop.pixels[1]).toBeCloseTo(10 + 0.75 - 0.5, 4);
  });
});
