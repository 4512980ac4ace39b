import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, seededRandom } from '@biofuse/core';
import { sharedDataset } from '@biofuse/core/testing';
import { FingerprintAcquisitionError } from '../errors';
import type { FingerprintImage } from '../image/fingerprint-image';
import { loadFingerprintImage } from '../image/load';
import { encodeFingerprintTemplate } from '../template/encode';
import type { FingerprintTemplate } from '../template/fingerprint-template';
import { readIsoTemplate } from '../template/iso19794-2';
import { reframeTemplate } from '../template/reframe';
import { synthesizeImpression } from '../synthetic/impression';
import { synthesizeMasterFingerprint } from '../synthetic/master-print';
import { extractFingerprint } from './extract';
import { ridgePeriods } from './frequency';
import { normaliseContrast } from './normalise';
import { orientationField } from './orientation';
import { DEFAULT_EXTRACTION_PARAMS } from './params';
import { resampleToDpi } from './resample';
import { segmentFingerprint } from './segmentation';
import { imageQuality, lowQualityReason } from './quality';

const fvc = sharedDataset('fvc2002');
const lfw = sharedDataset('lfw/images');

/** Greedy one-to-one pairing within 10 px and 30 degrees: how many of each set the other confirms. */
function agreement(ours: FingerprintTemplate, theirs: FingerprintTemplate) {
  const a = ours.minutiae;
  const b = theirs.minutiae;
  const used = new Uint8Array(b.count);
  let paired = 0;
  let angleError = 0;
  for (let i = 0; i < a.count; i++) {
    let best = -1;
    let bestDistance = 10;
    for (let k = 0; k < b.count; k++) {
      if (used[k]) continue;
      const d = Math.hypot(a.x[i] - b.x[k], a.y[i] - b.y[k]);
      const turn = Math.abs(((a.angle[i] - b.angle[k] + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
      if (d < bestDistance && turn < Math.PI / 6) {
        bestDistance = d;
        best = k;
      }
    }
    if (best >= 0) {
      used[best] = 1;
      paired++;
      angleError += Math.abs(((a.angle[i] - b.angle[best] + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
    }
  }
  return { paired, ours: a.count, theirs: b.count, angleError };
}

function synthetic(width: number, height: number, pixel: (x: number, y: number) => number): FingerprintImage {
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = pixel(x, y);
  return { width, height, dpi: 500, pixels };
}

function acquisitionFailure(image: FingerprintImage, options?: Parameters<typeof extractFingerprint>[1]): FingerprintAcquisitionError {
  try {
    extractFingerprint(image, options);
  } catch (error) {
    expect(error).toBeInstanceOf(FingerprintAcquisitionError);
    return error as FingerprintAcquisitionError;
  }
  throw new Error('expected a FingerprintAcquisitionError');
}

describe.skipIf(fvc.skip)('extractFingerprint on FVC2002', () => {
  // A commercial SDK's minutiae for the same images (../shared/datasets/fvc2002/iso-templates)
  // serve as a second opinion: most of ours should be theirs and most of theirs ours.
  it.each([
    ['DB1_B', 500, ['101_1', '102_3', '105_4', '108_8']],
    ['DB2_B', 569, ['101_2', '104_5', '109_7']],
    ['DB3_B', 500, ['101_1', '106_2', '110_4']],
  ] as const)('agrees with a commercial extractor on %s', async (db, dpi, names) => {
    const total = { paired: 0, ours: 0, theirs: 0, angleError: 0 };
    for (const name of names) {
      const image = await loadFingerprintImage(join(fvc.path, db, `${name}.tif`), { dpi });
      const ours = extractFingerprint(image).template;
      expect(ours.width).toBe(image.width);
      for (let i = 0; i < ours.minutiae.count; i++) {
        expect(ours.minutiae.x[i]).toBeLessThan(image.width);
        expect(ours.minutiae.y[i]).toBeLessThan(image.height);
      }
      const theirs = reframeTemplate(readIsoTemplate(readFileSync(join(fvc.path, 'iso-templates', db, `${name}.iso`))), image.width, image.height);
      const a = agreement(ours, theirs);
      for (const key of ['paired', 'ours', 'theirs', 'angleError'] as const) total[key] += a[key];
    }
    // Measured on these images: precision 0.74-0.94, recall 0.60-0.82, mean angle error 4.6-5.5
    // degrees. DB3's recall is the lowest: their extractor finds more minutiae there (and does
    // worse with our matcher, EER 3.9 % against our 0.7 %), so recall is no measure of truth.
    expect(total.paired / total.ours).toBeGreaterThan(0.7);
    expect(total.paired / total.theirs).toBeGreaterThan(0.55);
    expect((total.angleError / total.paired) * (180 / Math.PI)).toBeLessThan(7.5);
  });

  it('gives the dry impression behind most of DB2_B\'s errors a low quality', async () => {
    // 109_8's ridges are broken into dots; its finger's other seven impressions are clear.
    // Measured: 37 against 77-98 (bench-quality-erc shows the same ranking predicts false non-matches).
    const extracted = async (n: number) => {
      const image = await loadFingerprintImage(join(fvc.path, 'DB2_B', `109_${n}.tif`), { dpi: 569 });
      const { template, qualityFeatures } = extractFingerprint(image);
      expect(template.quality).toBe(imageQuality(qualityFeatures));
      return { quality: template.quality, features: qualityFeatures };
    };
    const { quality: dry, features: dryFeatures } = await extracted(8);
    const others = (await Promise.all([1, 2, 3, 4, 5, 6, 7].map(extracted))).map((e) => e.quality);
    expect(dry).toBeLessThan(50);
    expect(lowQualityReason(dryFeatures)).toMatch(/clear ridge flow/);
    expect(Math.min(...others)).toBeGreaterThan(dry + 25);
  });

  it('is deterministic and reports every stage in debug mode', async () => {
    const image = await loadFingerprintImage(join(fvc.path, 'DB2_B', '101_1.tif'), { dpi: 569 });
    const first = extractFingerprint(image, { debug: true });
    const again = extractFingerprint(image);
    expect(encodeFingerprintTemplate(again.template)).toEqual(encodeFingerprintTemplate(first.template));
    expect([...(first.stages?.keys() ?? [])]).toEqual(['input', 'orientation', 'coherence', 'segmentation', 'normalised', 'enhanced-pass-1', 'enhanced', 'binary', 'skeleton', 'minutiae']);
    // Stages are at the 500 dpi working resolution: 296 x 560 at 569 dpi becomes 260 x 492.
    const stage = first.stages?.get('skeleton');
    expect([stage?.width, stage?.height]).toEqual([260, 492]);
    expect(first.template.dpi).toBe(569);
    expect(first.template.quality).toBeGreaterThanOrEqual(50);
  });
});

describe('extractFingerprint refuses what is not a usable print', () => {
  it('blank, black and noise images have no ridges', () => {
    expect(acquisitionFailure(synthetic(300, 300, () => 255)).reason).toBe('no_ridges');
    expect(acquisitionFailure(synthetic(300, 300, () => 0)).reason).toBe('no_ridges');
    const random = seededRandom(7);
    expect(acquisitionFailure(synthetic(300, 300, () => random.int(256))).reason).toBe('no_ridges');
  });

  it('straight parallel stripes give no minutiae', () => {
    const stripes = synthetic(300, 300, (x) => 128 + 100 * Math.sin((2 * Math.PI * x) / 9));
    expect(acquisitionFailure(stripes).reason).toBe('too_few_minutiae');
  });

  it('an image far larger than a finger is refused before any work', () => {
    const huge = { width: 6000, height: 5000, dpi: 500, pixels: new Uint8Array(6000 * 5000) };
    const t0 = performance.now();
    expect(acquisitionFailure(huge).reason).toBe('too_large');
    expect(performance.now() - t0).toBeLessThan(50);
    // The same pixels at 2000 dpi are a 76 x 64 mm scan: resampled, then judged on content.
    expect(acquisitionFailure({ ...huge, dpi: 2000 }).reason).toBe('no_ridges');
  });

  it('a print too small to use is refused', () => {
    const tiny = synthetic(70, 70, (x, y) => 128 + 100 * Math.sin((2 * Math.PI * (x + 0.3 * y)) / 9));
    expect(['too_small', 'no_ridges']).toContain(acquisitionFailure(tiny).reason);
  });

  it.skipIf(lfw.skip)('a face photograph is not a fingerprint', async () => {
    const face = await loadFingerprintImage(join(lfw.path, 'Aaron_Sorkin', 'Aaron_Sorkin_0001.jpg'));
    expect(acquisitionFailure(face).reason).toBe('not_fingerprint');
  });

  it.skipIf(lfw.skip)('nor is one whose flow is coherent and periodic enough in places (hair, stripes, blinds)', async () => {
    // The 9 of LFW's 2,086 photos that passed the coherence and period-share tests as prints of
    // quality 63-90 (Ricardo Lagos: 87, 40 minutiae). Blinds, a striped shirt and an LED wall
    // give 3 of them a real period; the rest of the face varies more slowly than ridges.
    const passed = ['Andrew_Gilligan', 'Daniel_Comisso_Urdaneta', 'German_Khan', 'Grady_Irvin_Jr', 'Mick_Jagger', 'Parris_Glendening', 'Ricardo_Lagos', 'Robin_Williams', 'Rubens_Barrichello'];
    for (const name of passed) {
      const face = await loadFingerprintImage(join(lfw.path, name, `${name}_0001.jpg`));
      const error = acquisitionFailure(face);
      expect(error.reason, name).toBe('not_fingerprint');
      expect(error.message, name).toMatch(/% of the area varies mostly more slowly than any ridge/);
    }
    // The second test alone refuses the six whose periods sit at the band's coarse end.
    const secondOnly = { ...DEFAULT_EXTRACTION_PARAMS, maxCoarseShare: 1 };
    for (const name of ['Andrew_Gilligan', 'German_Khan', 'Parris_Glendening', 'Ricardo_Lagos', 'Robin_Williams', 'Rubens_Barrichello']) {
      const face = await loadFingerprintImage(join(lfw.path, name, `${name}_0001.jpg`));
      expect(() => extractFingerprint(face, { params: secondOnly }), name).toThrow(/the strongest period is an end of the 4.5-16 px range/);
    }
  });

  it('a smooth, coarse texture measures its period at the end of the band; ridges peak inside it', () => {
    const periodMapOf = (image: FingerprintImage) => {
      const p = DEFAULT_EXTRACTION_PARAMS;
      const { pixels, width, height } = resampleToDpi(image, p.workingDpi);
      const field = orientationField(pixels, width, height, p.orientation);
      return ridgePeriods(normaliseContrast(pixels, width, height, p.normaliseRadius), field, segmentFingerprint(field, p.segmentation), p.period);
    };
    const ridges = periodMapOf(synthetic(300, 300, (x, y) => 128 + 100 * Math.sin((2 * Math.PI * (x + 0.2 * y)) / 9)));
    expect(ridges.measuredShare).toBeGreaterThan(0.9);
    expect([ridges.bandEndShare, ridges.coarseShare]).toEqual([0, 0]);
    // Waves 19 px apart: coherent and periodic in every block (they passed the period test), but
    // coarser than the band: the strongest period found is its end (16 px) throughout, and
    // most of the variance lies at periods longer than any ridge.
    const coarse = synthetic(300, 300, (x, y) => 128 + 100 * Math.sin((2 * Math.PI * (x + 0.2 * y)) / 19));
    const waves = periodMapOf(coarse);
    expect(waves.measuredShare).toBeGreaterThan(0.9);
    expect(waves.bandEndShare).toBe(1);
    expect(waves.coarseShare).toBeGreaterThan(0.9);
    const refused = acquisitionFailure(coarse);
    expect(refused.reason).toBe('not_fingerprint');
    expect(refused.message).toMatch(/across the flow, (9\d|100) % of the area varies mostly more slowly than any ridge/);
    expect(() => extractFingerprint(coarse, { params: { ...DEFAULT_EXTRACTION_PARAMS, maxCoarseShare: 1 } })).toThrow(
      /in 100 % of the blocks with one, the strongest period is an end of the 4.5-16 px range/,
    );
  });
});

describe('extractFingerprint on a print with a large flat background', () => {
  // A synthetic impression whose background is set to white, as capture SDKs deliver a
  // segmented print, then placed on ever larger white canvases.
  const impression = synthesizeImpression(synthesizeMasterFingerprint(1), 3, { width: 388, height: 374 });
  const onCanvas = (side: number): FingerprintImage => {
    const pixels = new Uint8Array(side * side).fill(255);
    const ox = (side - impression.width) >> 1;
    const oy = (side - impression.height) >> 1;
    for (let y = 0; y < impression.height; y++) {
      for (let x = 0; x < impression.width; x++) pixels[(oy + y) * side + ox + x] = Math.min(255, impression.pixels[y * impression.width + x] > 180 ? 255 : impression.pixels[y * impression.width + x]);
    }
    return { width: side, height: side, dpi: 500, pixels };
  };

  it('finds the print when most of the image is flat', () => {
    // From 1100 x 1100 (90 % of the blocks flat) the print was reported as no_ridges: the
    // contrast reference, the 90th percentile over all blocks, was a flat block's 0.
    const near = extractFingerprint(onCanvas(400)).template;
    for (const side of [1100, 1600]) {
      const far = extractFingerprint(onCanvas(side)).template;
      expect(far.quality).toBeGreaterThanOrEqual(90);
      expect(Math.abs(far.minutiae.count - near.minutiae.count)).toBeLessThanOrEqual(2);
    }
  });
});

describe('extractFingerprint with debug', () => {
  it('gives the stages made before a failure with the error', () => {
    const blank = synthetic(300, 300, () => 255);
    const bare = acquisitionFailure(blank);
    expect(bare.stages).toBeUndefined();
    const failed = acquisitionFailure(blank, { debug: true });
    expect(failed.reason).toBe('no_ridges');
    expect([...(failed.stages?.keys() ?? [])]).toEqual(['input', 'orientation', 'coherence', 'segmentation']);
    expect(failed.stages?.get('input')).toMatchObject({ width: 300, height: 300, channels: 1 });
    const stripes = synthetic(300, 300, (x) => 128 + 100 * Math.sin((2 * Math.PI * x) / 9));
    const few = acquisitionFailure(stripes, { debug: true });
    expect(few.reason).toBe('too_few_minutiae');
    expect([...(few.stages?.keys() ?? [])].at(-1)).toBe('minutiae');
  });
});

describe('extractFingerprint refuses an image that is not one', () => {
  const good = synthetic(300, 300, (x, y) => 128 + 100 * Math.sin((2 * Math.PI * (x + 0.3 * y)) / 9));
  it.each([
    ['a NaN dpi', { dpi: Number.NaN }, /dpi must be a sensor's resolution, 100-4000, got NaN/],
    ['no dpi', { dpi: undefined as unknown as number }, /got undefined/],
    ['a negative dpi', { dpi: -500 }, /got -500/],
    ['a million dpi', { dpi: 1e6 }, /got 1000000/],
    ['a zero width', { width: 0, pixels: new Uint8Array(0) }, /^fingerprint image: 0 x 300 is not a size in whole pixels$/],
    ['a fractional height', { height: 299.5 }, /300 x 299.5 is not a size in whole pixels/],
    ['too few pixels', { pixels: new Uint8Array(300 * 299) }, /89700 bytes of pixels, 300 x 300 x 1 needs 90000/],
    ['pixels that are not bytes', { pixels: new Float32Array(90000) as unknown as Uint8Array }, /pixels must be a Uint8Array of 8-bit samples, got Float32Array/],
  ] as const)('%s is a ConfigError, not a failure to acquire', (_what, change, message) => {
    // These came out as no_ridges or too_large: capture failures that were the caller's bug.
    const image = { ...good, ...change } as FingerprintImage;
    expect(() => extractFingerprint(image)).toThrow(ConfigError);
    expect(() => extractFingerprint(image)).toThrow(message);
  });
});

describe('imageQuality', () => {
  const clear = { areaMm2: 150, meanCoherence: 0.7, clearShare: 0.9, periodShare: 0.9, minutiae: 40 };
  it('is the share of the ridge area with clear flow, in percent', () => {
    expect(imageQuality(clear)).toBe(90);
    expect(imageQuality({ ...clear, clearShare: 0.374 })).toBe(37);
    // Area, mean coherence and ridge period are reported, but track the sensor more than the print.
    expect(imageQuality({ ...clear, areaMm2: 40, periodShare: 0.3 })).toBe(90);
  });

  it('falls in proportion below 15 minutiae', () => {
    expect(imageQuality({ ...clear, minutiae: 15 })).toBe(90);
    expect(imageQuality({ ...clear, minutiae: 5 })).toBe(30);
    expect(imageQuality({ ...clear, minutiae: 0 })).toBe(0);
  });

  it('flags prints below 40 and says why', () => {
    expect(lowQualityReason(clear)).toBeUndefined();
    expect(lowQualityReason({ ...clear, clearShare: 0.4 })).toBeUndefined();
    expect(lowQualityReason({ ...clear, clearShare: 0.37 })).toMatch(/clear ridge flow in only 37 %/);
    expect(lowQualityReason({ ...clear, minutiae: 6 })).toMatch(/^only 6 minutiae/);
    expect(lowQualityReason({ ...clear, clearShare: 0.3, minutiae: 6 })).toMatch(/30 %.*; only 6 minutiae/);
    // Every combination under 40 names a reason: 0.62 x 9 / 15 = 0.37.
    expect(lowQualityReason({ ...clear, clearShare: 0.62, minutiae: 9 })).toBe('clear ridge flow in only 62 % of the print (dry, wet or smudged skin?); only 9 minutiae of the 15 wanted (a small or partial contact?)');
    // 0.44 x 13 / 15 = 0.38: neither factor alone is below 40 %, and both are named.
    expect(lowQualityReason({ ...clear, clearShare: 0.44, minutiae: 13 })).toMatch(/only 44 %.*; only 13 minutiae of the 15 wanted/);
    for (let share = 0; share <= 1; share += 0.01) {
      for (let minutiae = 5; minutiae <= 20; minutiae++) {
        const f = { ...clear, clearShare: share, minutiae };
        expect(lowQualityReason(f) === undefined).toBe(imageQuality(f) >= 40);
        if (imageQuality(f) < 40) expect(lowQualityReason(f)).not.toBe('');
      }
    }
  });
});
