import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkSeed, ConfigError, makeFolder, MAX_SEED } from '@biofuse/core';
import sharp from 'sharp';
import type { FingerprintImage } from '../image/fingerprint-image';
import type { FingerprintArea } from './fingerprint-area';
import type { FingerprintClass } from './fingerprint-class';
import { IMPRESSION_DEFAULTS, synthesizeImpression, type ImpressionOptions, type ImpressionRecord } from './impression';
import { MASTER_PARAMS, synthesizeMasterFingerprint, type MasterFingerprintOptions } from './master-print';
import { deriveSeed } from './seeds';
import type { SingularPoint } from './singular-points';

export interface SyntheticFvcOptions {
  readonly fingers: number;
  readonly impressions: number;
  readonly seed: number;
  /** Image size (px); 388 x 374 (FVC2002 DB1) by default. */
  readonly width?: number;
  readonly height?: number;
  /** Id of the first finger (FVC numbers them from 101). */
  readonly firstFinger?: number;
  readonly master?: MasterFingerprintOptions;
  readonly impression?: Omit<ImpressionOptions, 'width' | 'height'>;
}

/** `ground-truth.json`: how every finger and impression of the dataset was made. */
export interface SyntheticFvcGroundTruth {
  readonly format: 'biofuse-synthetic-fvc';
  readonly version: 1;
  readonly seed: number;
  readonly width: number;
  readonly height: number;
  readonly dpi: number;
  readonly fingers: readonly SyntheticFingerTruth[];
}

export interface SyntheticFingerTruth {
  readonly finger: number;
  /** Seed of the master print (`synthesizeMasterFingerprint(seed)` rebuilds it). */
  readonly seed: number;
  readonly fingerprintClass: FingerprintClass;
  /** The master's silhouette and singular points, master pixels. */
  readonly area: FingerprintArea;
  readonly singularPoints: readonly SingularPoint[];
  readonly basePeriodPx: number;
  readonly impressions: readonly SyntheticImpressionTruth[];
}

export interface SyntheticImpressionTruth extends ImpressionRecord {
  readonly impression: number;
  readonly file: string;
  /** The master's singular points in this image's pixels (some may lie outside it). */
  readonly singularPoints: readonly SingularPoint[];
}

export const GROUND_TRUTH_FILE = 'ground-truth.json';

/**
 * Writes a synthetic database in FVC layout: `<finger>_<impression>.png` (8-bit grey, 500 dpi),
 * fingers from 101 and impressions from 1, plus `ground-truth.json`. Every finger and every
 * impression has its own seed derived from `seed`, so a larger dataset extends a smaller one.
 */
export async function writeSyntheticFvcDataset(dir: string, opts: SyntheticFvcOptions): Promise<SyntheticFvcGroundTruth> {
  const { fingers, impressions, seed } = opts;
  const firstFinger = opts.firstFinger ?? 101;
  if (!Number.isInteger(fingers) || fingers < 1) throw new ConfigError('a synthetic dataset needs at least one finger');
  if (!Number.isInteger(impressions) || impressions < 1) throw new ConfigError('a synthetic dataset needs at least one impression per finger');
  if (!Number.isInteger(firstFinger) || firstFinger < 0) throw new ConfigError('firstFinger must be an integer >= 0');
  // Recorded in the ground truth as given: it must be the seed the prints were made from, not a 32-bit fold of it.
  checkSeed(seed, 'dataset seed');
  if (firstFinger + fingers - 1 > MAX_SEED) throw new ConfigError(`finger ids must stay within 0..${MAX_SEED} (they key the fingers' seeds)`);
  await makeFolder(dir, 'dataset folder');

  const truth: SyntheticFingerTruth[] = [];
  const width = opts.width ?? IMPRESSION_DEFAULTS.width;
  const height = opts.height ?? IMPRESSION_DEFAULTS.height;
  let dpi: number = MASTER_PARAMS.dpi;
  for (let f = 0; f < fingers; f++) {
    // One finger's images at a time: queued all at once, every image stayed in memory and no
    // write (nor a Ctrl-C, whose handler waits for the event loop) got its turn until the last
    // print was made. Awaiting them here hands the loop back once per finger.
    const writes: Promise<void>[] = [];
    const finger = firstFinger + f;
    const fingerSeed = deriveSeed(seed, finger);
    const master = synthesizeMasterFingerprint(fingerSeed, opts.master);
    const records: SyntheticImpressionTruth[] = [];
    try {
      for (let i = 1; i <= impressions; i++) {
        const impressionSeed = deriveSeed(fingerSeed, i);
        const image = synthesizeImpression(master, impressionSeed, { ...opts.impression, width, height });
        dpi = image.dpi;
        const file = `${finger}_${i}.png`;
        writes.push(writePng(join(dir, file), image));
        records.push({ impression: i, file, ...roundNumbers(image.record), singularPoints: roundNumbers(image.singularPoints) });
      }
    } catch (err) {
      // Writes still running would go on creating files after the caller has cleaned up.
      await Promise.allSettled(writes);
      throw err;
    }
    truth.push({
      finger,
      seed: fingerSeed,
      fingerprintClass: master.fingerprintClass,
      area: master.area,
      singularPoints: roundNumbers(master.singularPoints),
      basePeriodPx: roundNumbers(master.basePeriodPx),
      impressions: records,
    });
    await settleAll(writes);
  }
  const groundTruth: SyntheticFvcGroundTruth = {
    format: 'biofuse-synthetic-fvc',
    version: 1,
    seed,
    width,
    height,
    dpi,
    fingers: truth,
  };
  await writeFile(join(dir, GROUND_TRUTH_FILE), `${JSON.stringify(groundTruth, null, 1)}\n`);
  return groundTruth;
}

/**
 * An 8-bit grey PNG with its resolution in the header (sharp 0.35 writes single-channel raw
 * input as RGB unless told the colour space).
 */
export async function encodeFingerprintPng(image: FingerprintImage): Promise<Buffer> {
  return sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 1 } })
    .withDensity(image.dpi)
    .toColourspace('b-w')
    .png()
    .toBuffer();
}

/** Waits for every write, then throws the first failure: none is left running (or unhandled) behind an error. */
async function settleAll(writes: readonly Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(writes)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

async function writePng(path: string, image: FingerprintImage): Promise<void> {
  await writeFile(path, await encodeFingerprintPng(image));
}

/** Numbers to 4 decimals, so the JSON stays readable (seeds and other integers are kept). */
function roundNumbers<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1e4) / 1e4 : v))) as T;
}
