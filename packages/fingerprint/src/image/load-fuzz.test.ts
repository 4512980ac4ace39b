import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImageDecodeError, seededRandom, type ImageDecodeFailure } from '@biofuse/core';
import { seededMutants, seededNoiseImage, sharedDataset, truncations, withField, type Field, type Mutant } from '@biofuse/core/testing';
import { FingerprintAcquisitionError, type FingerprintAcquisitionFailure } from '../errors';
import { FingerprintModality, type FingerprintSample } from '../fingerprint-modality';
import { synthesizeImpression, synthesizeMasterFingerprint } from '../synthetic/index';
import { encodeFingerprintPng } from '../synthetic/write-fvc-dataset';
import { checkFingerprintTemplate } from '../template/encode';
import { isSensorDpi, type FingerprintImage } from './fingerprint-image';

/**
 * Seeded mutation fuzzing of image input through the modality's load() and extract(): every
 * damaged, truncated, tiny, blank or foreign file is an ImageDecodeError (or, once decoded, a
 * FingerprintAcquisitionError) with its reason, or decodes to a whole image. TIFF, PNG and PGM
 * are decoded by core; BMP by this package (bmp.ts).
 */

const modality = new FingerprintModality();

type Outcome = { readonly image: FingerprintImage } | { readonly refused: ImageDecodeFailure; readonly message: string };

async function load(bytes: Uint8Array): Promise<Outcome> {
  let sample: FingerprintSample;
  try {
    sample = await modality.load(Buffer.from(bytes));
  } catch (err) {
    if (err instanceof ImageDecodeError) return { refused: err.reason, message: err.message };
    throw err;
  }
  if ('minutiae' in sample) throw new Error('an image mutant loaded as a template');
  return { image: sample };
}

const CRASH_WORDS = /Cannot read propert|is not a function|is not iterable|Invalid typed array|out of bounds|Maximum call stack|is not defined/;

/** What is wrong with a mutant's outcome: a refusal for a reason not in `reasons`, or a decoded image that is not whole. */
async function problem(m: Mutant, reasons: readonly ImageDecodeFailure[]): Promise<string | undefined> {
  let outcome: Outcome;
  try {
    outcome = await load(m.bytes);
  } catch (err) {
    return `${m.what}: threw ${String(err)}`;
  }
  // A refusal says why in its own words, not in those of a crash inside a decoder.
  if ('refused' in outcome) return reasons.includes(outcome.refused) && !CRASH_WORDS.test(outcome.message) ? undefined : `${m.what}: refused as ${outcome.refused}: ${outcome.message}`;
  const { width, height, dpi, pixels } = outcome.image;
  const whole = Number.isInteger(width) && Number.isInteger(height) && Math.min(width, height) >= 64 && pixels.length === width * height && isSensorDpi(dpi);
  return whole ? undefined : `${m.what}: decoded as ${width} x ${height} at ${dpi} dpi with ${pixels.length} pixels`;
}

async function fuzz(mutants: readonly Mutant[], reasons: readonly ImageDecodeFailure[]): Promise<string[]> {
  const out: string[] = [];
  for (const m of mutants) {
    const p = await problem(m, reasons);
    if (p !== undefined) out.push(p);
  }
  return out;
}

/** A failure to acquire, with its reason, or 'extracted' with a template the package accepts. */
async function acquisition(image: FingerprintImage): Promise<FingerprintAcquisitionFailure | 'extracted'> {
  try {
    checkFingerprintTemplate(await modality.extract(image));
    return 'extracted';
  } catch (err) {
    if (err instanceof FingerprintAcquisitionError) return err.reason as FingerprintAcquisitionFailure;
    throw err;
  }
}

const DAMAGED: readonly ImageDecodeFailure[] = ['corrupt', 'unsupported_format', 'too_small', 'too_large', 'several_images'];

let print: FingerprintImage;
beforeAll(() => {
  print = synthesizeImpression(synthesizeMasterFingerprint(77), 1);
});
const greyPng = (width: number, height: number, pixels: Uint8Array) => sharp(pixels, { raw: { width, height, channels: 1 } }).png().toBuffer();

describe('image input under seeded mutation', () => {
  it('refuses empty, header-only and tiny files, and every truncation, saying why', async () => {
    const png = new Uint8Array(await encodeFingerprintPng(print));
    const tiff = new Uint8Array(await sharp(print.pixels, { raw: { width: print.width, height: print.height, channels: 1 } }).tiff({ compression: 'none' }).toBuffer());
    expect(await load(new Uint8Array(0))).toEqual({ refused: 'empty', message: 'image buffer: empty input' });
    expect(await load(tiff.subarray(0, 8))).toMatchObject({ refused: 'corrupt' });
    expect(await load(png.subarray(0, 33))).toMatchObject({ refused: 'corrupt' }); // signature and IHDR, no pixels
    for (const side of [1, 50]) {
      expect(await load(await greyPng(side, side, new Uint8Array(side * side).fill(128)))).toEqual({
        refused: 'too_small',
        message: `image buffer: ${side} x ${side} is below the minimum side of 64 pixels`,
      });
    }
    // A cut TIFF decoded with its missing rows black; none may load. A PNG may lose its 12-byte
    // IEND chunk and no pixel; any other cut must be refused.
    const cutTiff = truncations(tiff, { count: 48, random: seededRandom(1) }).slice(1);
    expect((await Promise.all(cutTiff.map(async (m) => [m.what, await load(m.bytes)] as const))).filter(([, o]) => !('refused' in o && ['corrupt', 'unsupported_format'].includes(o.refused)))).toEqual([]);
    for (const m of truncations(png, { count: 48, random: seededRandom(2) }).slice(1)) {
      const o = await load(m.bytes);
      if (m.bytes.length >= png.length - 12 && 'image' in o) expect(Buffer.from(o.image.pixels).equals(Buffer.from(print.pixels)), m.what).toBe(true);
      else expect('refused' in o && ['corrupt', 'unsupported_format'].includes(o.refused), m.what).toBe(true);
    }
  });

  it('decodes seeded damage to TIFF and PNG files to an ImageDecodeError or a whole image, and extracts from it or says why not', async () => {
    const png = new Uint8Array(await encodeFingerprintPng(print));
    const tiff = new Uint8Array(await sharp(print.pixels, { raw: { width: print.width, height: print.height, channels: 1 } }).tiff({ compression: 'lzw' }).toBuffer());
    expect(await fuzz(seededMutants(png, { random: seededRandom(41), count: 120, headBytes: 100 }), DAMAGED)).toEqual([]);
    const tiffMutants = seededMutants(tiff, { random: seededRandom(42), count: 120, headBytes: 300 });
    expect(await fuzz(tiffMutants, DAMAGED)).toEqual([]);
    // What decoded is extracted, or refused as a print with a reason.
    const decoded: FingerprintImage[] = [];
    for (const m of tiffMutants) {
      const o = await load(m.bytes);
      if ('image' in o && decoded.length < 2) decoded.push(o.image);
    }
    expect(decoded).toHaveLength(2);
    for (const image of decoded) expect(['extracted', 'no_ridges', 'too_small', 'not_fingerprint', 'too_few_minutiae']).toContain(await acquisition(image));
  });

  it('refuses a black, a grey, a white and two noise images as failures to acquire, with their reasons', async () => {
    const side = 300;
    const flat = (v: number) => new Uint8Array(side * side).fill(v);
    for (const v of [0, 128, 255]) {
      const o = await load(await greyPng(side, side, flat(v)));
      expect('image' in o && (await acquisition(o.image))).toBe('no_ridges');
    }
    for (const seed of [1, 2]) {
      const noise = seededNoiseImage(side, side, seed);
      const o = await load(await sharp(noise.data, { raw: { width: side, height: side, channels: 3 } }).png().toBuffer());
      // Speckle finds no ridge flow, or too little of it to be a print.
      expect(['no_ridges', 'too_small']).toContain('image' in o && (await acquisition(o.image)));
    }
  });

  const fvc = sharedDataset('fvc2002/DB1_B');
  it.skipIf(fvc.skip)('refuses every truncation of an FVC2002 TIFF and decodes its seeded damage to an error or a whole image', async () => {
    const tiff = new Uint8Array(readFileSync(join(fvc.path, '101_1.tif')));
    const cuts = truncations(tiff, { count: 40, random: seededRandom(3) }).slice(1);
    expect(await fuzz(cuts, ['corrupt', 'unsupported_format'])).toEqual([]);
    expect((await Promise.all(cuts.map((m) => load(m.bytes)))).every((o) => 'refused' in o)).toBe(true);
    expect(await fuzz(seededMutants(tiff, { random: seededRandom(43), count: 150, headBytes: 160 }), DAMAGED)).toEqual([]);
  });
});

/**
 * An uncompressed BMP (40-byte header) of grey pixels: 8, 4 or 1 bits through a grey palette of
 * `colours` entries, or 24 bits; rows bottom-up, or top-down (a negative height) if asked.
 */
function makeBmp(width: number, height: number, bits: 1 | 4 | 8 | 24, colours: number, index: (x: number, y: number) => number, topDown = false): Uint8Array {
  const paletteEntries = bits === 24 ? 0 : colours;
  const stride = Math.ceil((width * bits) / 32) * 4;
  const offset = 54 + 4 * paletteEntries;
  const b = Buffer.alloc(offset + stride * height);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(offset, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(topDown ? -height : height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(bits, 28);
  b.writeUInt32LE(stride * height, 34);
  b.writeUInt32LE(paletteEntries, 46);
  for (let i = 0; i < paletteEntries; i++) b.fill(Math.round((255 * i) / Math.max(1, (1 << bits) - 1)), 54 + 4 * i, 54 + 4 * i + 3);
  for (let y = 0; y < height; y++) {
    const row = offset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const v = index(x, y);
      if (bits === 24) b.fill(v, row + 3 * x, row + 3 * x + 3);
      else b[row + Math.floor((x * bits) / 8)] |= v << (8 - bits - ((x * bits) % 8));
    }
  }
  return new Uint8Array(b);
}

const BMP_FIELDS: readonly Field[] = [
  ['file size', 2, 4],
  ['data offset', 10, 4],
  ['header size', 14, 4],
  ['width', 18, 4],
  ['height', 22, 4],
  ['planes', 26, 2],
  ['bits per pixel', 28, 2],
  ['compression', 30, 4],
  ['image size', 34, 4],
  ['x pixels per metre', 38, 4],
  ['colours used', 46, 4],
].map(([name, at, size]) => ({ name: name as string, at: at as number, size: size as 2 | 4, littleEndian: true }));

describe('BMP input (bmp.ts) under seeded mutation', () => {
  const grey = (x: number, y: number) => print.pixels[y * print.width + x];

  it('decodes an intact print as 8-bit palette and 24-bit BMPs to its own pixels', async () => {
    const { width, height, pixels } = print;
    for (const bmp of [makeBmp(width, height, 8, 256, grey), makeBmp(width, height, 24, 0, grey)]) {
      const o = await load(bmp);
      expect('image' in o && Buffer.from(o.image.pixels).equals(Buffer.from(pixels))).toBe(true);
    }
  });

  it('gives an ImageDecodeError or a whole image for every seeded mutant and extreme header field', async () => {
    const { width, height } = print;
    for (const [k, bmp] of [makeBmp(width, height, 8, 256, grey), makeBmp(width, height, 24, 0, grey), makeBmp(131, 97, 4, 16, (x, y) => (x + y) & 15)].entries()) {
      expect(await fuzz(seededMutants(bmp, { random: seededRandom(50 + k), count: 150, fields: BMP_FIELDS, headBytes: 54 }), DAMAGED)).toEqual([]);
    }
  });

  it('refuses pixels whose colour index is beyond the palette, instead of painting them white or failing in bmp-js', async () => {
    // An 8-bit print whose header says 16 colours: its palette is cut short.
    const cases: [Uint8Array, string][] = [
      [withField(makeBmp(print.width, print.height, 8, 256, grey), BMP_FIELDS[10], 16).bytes, 'beyond the 16-colour palette'],
      [makeBmp(64, 64, 8, 2, (x) => x & 3), 'BMP pixel (2, 63) has colour index 2, beyond the 2-colour palette'],
      [makeBmp(64, 64, 4, 3, (x, y) => (y === 5 && x === 7 ? 9 : x % 3)), 'BMP pixel (7, 5) has colour index 9, beyond the 3-colour palette'],
      [makeBmp(64, 64, 1, 1, (x, y) => (y === 63 && x === 62 ? 1 : 0)), 'BMP pixel (62, 63) has colour index 1, beyond the 1-colour palette'],
      // Rows stored top-down: the first row stored is y = 0.
      [makeBmp(64, 70, 4, 3, (x, y) => (y === 5 && x === 7 ? 9 : x % 3), true), 'BMP pixel (7, 5) has colour index 9, beyond the 3-colour palette'],
      [makeBmp(64, 70, 8, 2, (x, y) => (y === 60 && x === 9 ? 4 : x & 1), true), 'BMP pixel (9, 60) has colour index 4, beyond the 2-colour palette'],
    ];
    for (const [bmp, message] of cases) {
      const o = await load(bmp);
      expect(o).toMatchObject({ refused: 'corrupt' });
      expect('message' in o && o.message).toMatch(message);
    }
    // Indices inside a short palette decode as its colours.
    const o = await load(makeBmp(64, 64, 4, 3, (x) => x % 3));
    expect('image' in o && Array.from(o.image.pixels.subarray(0, 3))).toEqual([0, 17, 34]);
  });
});
