import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, readFvcFolder } from '@biofuse/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeImpression } from './impression';
import { synthesizeMasterFingerprint } from './master-print';
import { GROUND_TRUTH_FILE, writeSyntheticFvcDataset, type SyntheticFvcGroundTruth } from './write-fvc-dataset';

describe('writeSyntheticFvcDataset', () => {
  let dir: string;
  let truth: SyntheticFvcGroundTruth;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'biofuse-synthetic-fvc-'));
    // FVC2002 DB4's image size (288 x 384); the default size is checked with the impressions.
    truth = await writeSyntheticFvcDataset(join(dir, 'full'), { fingers: 10, impressions: 8, seed: 2002, width: 288, height: 384 });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes <finger>_<impression>.png for fingers 101-110 and impressions 1-8, plus the ground truth', async () => {
    const names = (await readdir(join(dir, 'full'))).sort();
    const expected = [GROUND_TRUTH_FILE];
    for (let f = 101; f <= 110; f++) for (let i = 1; i <= 8; i++) expected.push(`${f}_${i}.png`);
    expect(names).toEqual(expected.sort());
  });

  it('writes grey 8-bit 500 dpi PNGs that sharp reads back pixel for pixel', async () => {
    for (const name of ['101_1.png', '105_4.png', '110_8.png']) {
      const meta = await sharp(join(dir, 'full', name)).metadata();
      expect([meta.format, meta.width, meta.height, meta.channels, meta.depth, meta.density]).toEqual(['png', 288, 384, 1, 'uchar', 500]);
    }
    const finger = truth.fingers[0];
    const { data } = await sharp(join(dir, 'full', '101_1.png')).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    const master = synthesizeMasterFingerprint(finger.seed);
    expect(master.fingerprintClass).toBe(finger.fingerprintClass);
    expect(data.equals(Buffer.from(synthesizeImpression(master, finger.impressions[0].seed, { width: 288, height: 384 }).pixels))).toBe(true);
  });

  it('is listed by the FVC loader: 10 subjects of 8 samples', async () => {
    const listing = await readFvcFolder(join(dir, 'full'));
    expect(listing.samples).toHaveLength(80);
    expect(new Set(listing.samples.map((s) => s.subject)).size).toBe(10);
    expect(listing.skipped.map((s) => s.path)).toEqual([GROUND_TRUTH_FILE]);
  });

  it('records class, singular points and seed per finger and the transform per impression', async () => {
    const onDisk = JSON.parse(await readFile(join(dir, 'full', GROUND_TRUTH_FILE), 'utf8')) as SyntheticFvcGroundTruth;
    expect(onDisk).toEqual(truth);
    expect([truth.format, truth.version, truth.width, truth.height, truth.dpi]).toEqual(['biofuse-synthetic-fvc', 1, 288, 384, 500]);
    expect(truth.fingers.map((f) => f.finger)).toEqual([101, 102, 103, 104, 105, 106, 107, 108, 109, 110]);
    for (const f of truth.fingers) {
      expect(f.impressions.map((i) => i.file)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `${f.finger}_${i}.png`));
      for (const i of f.impressions) {
        expect(Math.abs(i.rotationRad)).toBeLessThanOrEqual((20 * Math.PI) / 180);
        expect(i.singularPoints).toHaveLength(f.singularPoints.length);
        expect(i.distortion.radii).toHaveLength(2);
      }
    }
    expect(new Set(truth.fingers.map((f) => f.seed)).size).toBe(10);
  });

  it('a smaller dataset with the same seed is a prefix of the larger one, byte for byte', async () => {
    await writeSyntheticFvcDataset(join(dir, 'small'), { fingers: 2, impressions: 2, seed: 2002, width: 288, height: 384 });
    for (const name of ['101_1.png', '102_2.png']) {
      expect((await readFile(join(dir, 'small', name))).equals(await readFile(join(dir, 'full', name)))).toBe(true);
    }
  });

  it('rejects an empty dataset', async () => {
    await expect(writeSyntheticFvcDataset(join(dir, 'none'), { fingers: 0, impressions: 8, seed: 1 })).rejects.toThrow(/at least one finger/);
  });

  it('rejects a seed it would fold onto another, before writing anything', async () => {
    // 1.5 and 2 ** 32 + 1 made seed 1's prints while the ground truth recorded the seed given.
    for (const seed of [1.5, 2 ** 32 + 1, -1]) {
      await expect(writeSyntheticFvcDataset(join(dir, 'folded'), { fingers: 1, impressions: 1, seed })).rejects.toThrow(ConfigError);
    }
    await expect(writeSyntheticFvcDataset(join(dir, 'folded'), { fingers: 2, impressions: 1, seed: 1, firstFinger: 2 ** 32 - 1 })).rejects.toThrow(/finger ids must stay within 0\.\.4294967295/);
    expect(await readdir(dir)).not.toContain('folded');
  });
});
