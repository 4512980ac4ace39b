import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@biofuse/core';
import { temporaryFolders } from '@biofuse/core/testing';
import { allPairScores, calibrateThresholds, writeCardThresholds } from './calibrate';
import type { FaceTemplate } from './template';

const tempFolder = temporaryFolders();

const provenance = { dataset: 'test', protocol: 'all pairs', date: '2026-11-29', detector: 'cascade+mesh' };

describe('calibrateThresholds', () => {
  it('puts the FMR = 1e-3 threshold where at most 0.1 % of impostors pass', () => {
    // 2,000 impostors evenly over [0, 1), 100 genuine scores above them all.
    const impostor = Float64Array.from({ length: 2000 }, (_, i) => i / 2000);
    const genuine = Float64Array.from({ length: 100 }, (_, i) => 1 + i / 1000);
    const r = calibrateThresholds(genuine, impostor, 'cosine', provenance);
    // FMR <= 1e-3 of 2,000 impostors allows 2 false matches: the threshold sits at the 2nd-highest impostor.
    expect(r.fmr).toBeLessThanOrEqual(1e-3);
    expect(r.threshold.atFmr1e3).toBeCloseTo(1998 / 2000, 6);
    expect(r.fnmr).toBeCloseTo(0, 6);
    expect(r.threshold.provenance.pairs).toBe(2100);
    // Perfect separation: the EER point lies between the highest impostor and the lowest genuine score.
    expect(r.threshold.atEer).toBeGreaterThan(1999 / 2000);
    expect(r.threshold.atEer).toBeLessThanOrEqual(1);
  });

  it('refuses sets too small to resolve FMR = 1e-3', () => {
    expect(() => calibrateThresholds([0.9, 0.8, 0.95, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9], new Float64Array(999), 'cosine', provenance)).toThrow(ConfigError);
  });

  it('refuses a threshold that rejects every genuine pair, finite or not (+Infinity was written into the card as null)', () => {
    const genuine = Float64Array.from({ length: 100 }, (_, i) => 0.5 + i / 1000);
    // Impostors tied above every genuine score (duplicate images under two identities): no finite threshold reaches FMR = 1e-3.
    expect(() => calibrateThresholds(genuine, new Float64Array(2000).fill(0.9), 'cosine', provenance)).toThrow(ConfigError);
    expect(() => calibrateThresholds(genuine, new Float64Array(2000).fill(0.9), 'cosine', provenance)).toThrow(/FNMR = 1, threshold Infinity/);
    // A finite threshold (0.999) that no genuine score reaches is no operating point either.
    const impostor = Float64Array.from({ length: 2000 }, (_, i) => i / 2000);
    expect(() => calibrateThresholds(genuine, impostor, 'cosine', provenance)).toThrow(/every one of the 100 genuine comparisons is rejected \(FNMR = 1, threshold 0.999\)/);
  });

  it('never writes a threshold the card check would refuse, and leaves the card as it was', async () => {
    const path = join(await tempFolder('biofuse-card-'), 'card.json');
    const before = JSON.stringify({ name: 'm', embeddingSize: 3 });
    await writeFile(path, before);
    const p = { ...provenance, pairs: 10 };
    await expect(writeCardThresholds(path, 'm/aligned@x', 'cosine', { atFmr1e3: Number.POSITIVE_INFINITY, atEer: 0.5, provenance: p })).rejects.toThrow(/not writing .*card.json: invalid "thresholds.m\/aligned@x.cosine.atFmr1e3/);
    await expect(writeCardThresholds(path, 'm/aligned@x', 'angular', { atFmr1e3: 0.5, atEer: 1.5, provenance: p })).rejects.toBeInstanceOf(ConfigError);
    expect(await readFile(path, 'utf8')).toBe(before);
  });

  it('scores every pair once, split by identity', () => {
    const t = (v: number[]): FaceTemplate => ({ model: 'm', embedding: Float32Array.from(v), norms: Float32Array.of(1), offsets: Uint32Array.of(0, v.length) });
    const { genuine, impostor } = allPairScores(
      [
        { identity: 'a', template: t([1, 0]) },
        { identity: 'a', template: t([0.6, 0.8]) },
        { identity: 'b', template: t([0, 1]) },
      ],
      'cosine',
    );
    expect(Array.from(genuine)).toEqual([expect.closeTo(0.6, 6)]);
    expect(Array.from(impostor).sort()).toEqual([expect.closeTo(0, 6), expect.closeTo(0.8, 6)]);
  });

  it('writes thresholds per configuration into a card, keeping everything else', async () => {
    const path = join(await tempFolder('biofuse-card-'), 'card.json');
    await writeFile(path, JSON.stringify({ name: 'm', embeddingSize: 3, thresholds: { 'm/aligned@x': { cosine: { atFmr1e3: 0.5 } } } }));
    const threshold = { atFmr1e3: 0.7, atEer: 0.6, provenance: { ...provenance, pairs: 10 } };
    await writeCardThresholds(path, 'm/aligned@x', 'angular', threshold);
    await writeCardThresholds(path, 'm/aligned+flip@x', 'cosine', threshold);
    const card = JSON.parse(await readFile(path, 'utf8'));
    expect(card.embeddingSize).toBe(3);
    expect(card.thresholds['m/aligned@x'].cosine.atFmr1e3).toBe(0.5);
    expect(card.thresholds['m/aligned@x'].angular.atFmr1e3).toBe(0.7);
    expect(card.thresholds['m/aligned+flip@x'].cosine.atEer).toBe(0.6);
  });
});
