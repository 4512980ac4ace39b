import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ConfigError, ImageDecodeError, type ImageDecodeFailure } from '@biofuse/core';
import { sharedDataset } from '@biofuse/core/testing';
import { loadFingerprintImage } from './load';

type Rgb = readonly [number, number, number];

interface BmpSpec {
  readonly width: number;
  readonly height: number;
  readonly bits: 8 | 24;
  readonly topDown?: boolean;
  /** 40 is BITMAPINFOHEADER; 124 is the V5 header many tools write. */
  readonly headerSize?: number;
  readonly pixelsPerMetre?: number;
  /** For 8 bits: the palette index; for 24: the colour. */
  readonly pixel: (x: number, y: number) => number | Rgb;
  readonly palette?: readonly Rgb[];
}

/** Writes a BMP byte by byte, as the format describes it (rows padded to 4 bytes, BGR order). */
function makeBmp(s: BmpSpec): Buffer {
  const headerSize = s.headerSize ?? 40;
  const palette = s.bits === 8 ? (s.palette ?? Array.from({ length: 256 }, (_, i) => [i, i, i] as const)) : [];
  const stride = Math.ceil((s.width * s.bits) / 32) * 4;
  const offset = 14 + headerSize + palette.length * 4;
  const b = Buffer.alloc(offset + stride * s.height);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(offset, 10);
  b.writeUInt32LE(headerSize, 14);
  b.writeInt32LE(s.width, 18);
  b.writeInt32LE(s.topDown ? -s.height : s.height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(s.bits, 28);
  b.writeUInt32LE(stride * s.height, 34);
  b.writeInt32LE(s.pixelsPerMetre ?? 0, 38);
  b.writeInt32LE(s.pixelsPerMetre ?? 0, 42);
  b.writeUInt32LE(palette.length, 46);
  palette.forEach(([r, g, bl], i) => b.set([bl, g, r, 0], 14 + headerSize + i * 4));
  for (let y = 0; y < s.height; y++) {
    const row = offset + (s.topDown ? y : s.height - 1 - y) * stride;
    for (let x = 0; x < s.width; x++) {
      const p = s.pixel(x, y);
      if (typeof p === 'number') b[row + x] = p;
      else b.set([p[2], p[1], p[0]], row + 3 * x);
    }
  }
  return b;
}

async function failure(promise: Promise<unknown>): Promise<ImageDecodeFailure> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ImageDecodeError);
    return (error as ImageDecodeError).reason;
  }
  throw new Error('expected an ImageDecodeError');
}

const grey = (x: number, y: number): number => (x * 3 + y * 7) & 255;

describe('loadFingerprintImage: BMP (bmp-js)', () => {
  it('reads an 8-bit palette BMP, bottom-up, with padded rows and its resolution', async () => {
    const img = await loadFingerprintImage(makeBmp({ width: 67, height: 65, bits: 8, pixel: grey, pixelsPerMetre: 39370 }));
    expect(img).toMatchObject({ width: 67, height: 65, dpi: 1000 });
    for (const [x, y] of [[0, 0], [66, 0], [0, 64], [33, 40], [66, 64]]) expect(img.pixels[y * 67 + x]).toBe(grey(x, y));
  });

  it('looks colours up in the palette, not as grey levels', async () => {
    const palette: Rgb[] = [[255, 255, 255], [0, 0, 0]];
    const img = await loadFingerprintImage(makeBmp({ width: 64, height: 64, bits: 8, palette, pixel: (x) => x % 2 }));
    expect(Array.from(img.pixels.subarray(0, 4))).toEqual([255, 0, 255, 0]);
  });

  it('reads a 24-bit top-down BMP to the same grey sharp gives the same colours', async () => {
    const colour = (x: number, y: number): Rgb => [(x * 4) & 255, (y * 4) & 255, (x * y) & 255];
    const width = 65;
    const height = 66;
    const img = await loadFingerprintImage(makeBmp({ width, height, bits: 24, topDown: true, pixel: colour }));
    expect(img).toMatchObject({ width, height, dpi: 500 });
    const rgb = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) rgb.set(colour(x, y), (y * width + x) * 3);
    const png = await sharp(rgb, { raw: { width, height, channels: 3 } }).png().toBuffer();
    const viaSharp = await loadFingerprintImage(png);
    let worst = 0;
    for (let i = 0; i < img.pixels.length; i++) worst = Math.max(worst, Math.abs(img.pixels[i] - viaSharp.pixels[i]));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('reads the pixels at the data offset when the header is a 124-byte V5 one', async () => {
    const img = await loadFingerprintImage(makeBmp({ width: 64, height: 70, bits: 8, headerSize: 124, pixel: grey }));
    expect(img.pixels[69 * 64 + 5]).toBe(grey(5, 69));
  });

  it('refuses truncated, too small and too large BMPs', async () => {
    const whole = makeBmp({ width: 64, height: 64, bits: 24, pixel: () => [1, 2, 3] });
    expect(await failure(loadFingerprintImage(whole.subarray(0, whole.length - 10)))).toBe('corrupt');
    expect(await failure(loadFingerprintImage(whole.subarray(0, 30)))).toBe('corrupt');
    expect(await failure(loadFingerprintImage(makeBmp({ width: 40, height: 80, bits: 8, pixel: grey })))).toBe('too_small');
    expect(await failure(loadFingerprintImage(whole, { maxPixels: 4000 }))).toBe('too_large');
    const sixteen = Buffer.from(whole);
    sixteen.writeUInt16LE(16, 28);
    expect(await failure(loadFingerprintImage(sixteen))).toBe('unsupported_format');
  });

  it('refuses a maxPixels that is no whole number > 0 for a BMP as for other formats (NaN let any BMP through)', async () => {
    const bmp = makeBmp({ width: 64, height: 64, bits: 8, pixel: grey });
    for (const maxPixels of [Number.NaN, 0, 4096.5]) await expect(loadFingerprintImage(bmp, { maxPixels })).rejects.toThrow(ConfigError);
    expect((await loadFingerprintImage(bmp, { maxPixels: 4096 })).width).toBe(64);
  });
});

/** A binary (P5) PGM, the header written as netpbm tools write it, with a comment. */
function makePgm(width: number, height: number, maxval: number, pixel: (x: number, y: number) => number): Buffer {
  const header = Buffer.from(`P5\n# a sensor frame\n${width} ${height}\n${maxval}\n`, 'latin1');
  const data = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = pixel(x, y);
  return Buffer.concat([header, data]);
}

describe('loadFingerprintImage: binary PGM', () => {
  it('reads an 8-bit P5 PGM at the caller\'s dpi, else 500 (PGM states none)', async () => {
    // Refused as unsupported_format before, though the loader's documentation listed PGM.
    const bytes = makePgm(70, 64, 255, grey);
    const img = await loadFingerprintImage(bytes);
    expect(img).toMatchObject({ width: 70, height: 64, dpi: 500 });
    for (const [x, y] of [[0, 0], [69, 0], [0, 63], [33, 40]]) expect(img.pixels[y * 70 + x]).toBe(grey(x, y));
    expect((await loadFingerprintImage(bytes, { dpi: 1000 })).dpi).toBe(1000);
  });

  it('scales a smaller maximum grey to 0-255 without touching the caller\'s bytes', async () => {
    const bytes = makePgm(64, 64, 15, (x) => x % 16);
    const img = await loadFingerprintImage(bytes);
    expect(Array.from(img.pixels.subarray(0, 4))).toEqual([0, 17, 34, 51]);
    expect(img.pixels[15]).toBe(255);
    expect(bytes[bytes.length - 1]).toBe(63 % 16);
  });

  it('refuses truncated, 16-bit, too small and too large PGMs', async () => {
    const whole = makePgm(64, 64, 255, grey);
    expect(await failure(loadFingerprintImage(whole.subarray(0, whole.length - 1)))).toBe('corrupt');
    expect(await failure(loadFingerprintImage(Buffer.from('P5\n64 x\n255\n', 'latin1')))).toBe('corrupt');
    expect(await failure(loadFingerprintImage(makePgm(64, 64, 65535, grey)))).toBe('unsupported_format');
    expect(await failure(loadFingerprintImage(makePgm(64, 40, 255, grey)))).toBe('too_small');
    expect(await failure(loadFingerprintImage(whole, { maxPixels: 4000 }))).toBe('too_large');
    expect(await failure(loadFingerprintImage(makePgm(64, 64, 9, () => 10)))).toBe('corrupt');
  });
});

describe('loadFingerprintImage: other formats (sharp) and errors', () => {
  it('takes the dpi from the caller, else a plausible file density, else 500', async () => {
    const png = (density: number) =>
      sharp({ create: { width: 64, height: 64, channels: 3, background: '#c8c8c8' } }).withMetadata({ density }).png().toBuffer();
    expect((await loadFingerprintImage(await png(1000))).dpi).toBe(1000);
    expect((await loadFingerprintImage(await png(72))).dpi).toBe(500);
    expect((await loadFingerprintImage(await png(1000), { dpi: 569 })).dpi).toBe(569);
    await expect(loadFingerprintImage(await png(72), { dpi: -1 })).rejects.toThrow(ConfigError);
  });

  it('believes any sensor resolution a file states, 100 dpi and up; 72 and 96 are no measurement', async () => {
    const png = (density: number) =>
      sharp({ create: { width: 64, height: 64, channels: 3, background: '#c8c8c8' } }).withMetadata({ density }).png().toBuffer();
    // 100-249 dpi were replaced by 500: a 200 dpi print was shrunk to 40 % and refused as no fingerprint.
    for (const dpi of [100, 200, 249, 4000]) expect((await loadFingerprintImage(await png(dpi))).dpi).toBe(dpi);
    for (const placeholder of [72, 96, 99]) expect((await loadFingerprintImage(await png(placeholder))).dpi).toBe(500);
    // A BMP states pixels per metre: 7874 is 200 dpi.
    expect((await loadFingerprintImage(makeBmp({ width: 64, height: 64, bits: 8, pixel: grey, pixelsPerMetre: 7874 }))).dpi).toBe(200);
    expect((await loadFingerprintImage(makeBmp({ width: 64, height: 64, bits: 8, pixel: grey, pixelsPerMetre: 3780 }))).dpi).toBe(500);
  });

  it('refuses an empty buffer, a text file, a missing file and a 40 x 40 PNG', async () => {
    expect(await failure(loadFingerprintImage(new Uint8Array(0)))).toBe('empty');
    expect(await failure(loadFingerprintImage(join(import.meta.dirname, '../../package.json')))).toBe('unsupported_format');
    expect(await failure(loadFingerprintImage(Buffer.from('ridges and valleys\n')))).toBe('unsupported_format');
    expect(await failure(loadFingerprintImage('/nonexistent/print.tif'))).toBe('unreadable');
    const small = await sharp({ create: { width: 40, height: 40, channels: 3, background: '#808080' } }).png().toBuffer();
    expect(await failure(loadFingerprintImage(small))).toBe('too_small');
  });
});

const fvc = sharedDataset('fvc2002');
describe.skipIf(fvc.skip)('loadFingerprintImage on FVC2002 TIFFs', () => {
  const db1 = join(fvc.path, 'DB1_B', '101_1.tif');

  it('decodes DB1 from a path and from its bytes alike (no density in the file: 500 dpi)', async () => {
    const img = await loadFingerprintImage(db1);
    expect(img).toMatchObject({ width: 388, height: 374, dpi: 500 });
    expect(img.pixels.length).toBe(388 * 374);
    const mean = img.pixels.reduce((s, v) => s + v, 0) / img.pixels.length;
    expect(mean).toBeGreaterThan(100); // light background, dark ridges
    const fromBytes = await loadFingerprintImage(readFileSync(db1));
    expect(Buffer.from(fromBytes.pixels).equals(Buffer.from(img.pixels))).toBe(true);
  });

  it('decodes DB2 (296 x 560) at the 569 dpi the caller gives', async () => {
    const img = await loadFingerprintImage(join(fvc.path, 'DB2_B', '101_1.tif'), { dpi: 569 });
    expect(img).toMatchObject({ width: 296, height: 560, dpi: 569 });
  });

  it('refuses a truncated TIFF as corrupt, naming the file', async () => {
    const bytes = readFileSync(db1);
    expect(await failure(loadFingerprintImage(bytes.subarray(0, bytes.length >> 1)))).toBe('corrupt');
    expect(await failure(loadFingerprintImage(bytes.subarray(0, 6)))).toBe('corrupt');
    expect(await failure(loadFingerprintImage(db1, { maxPixels: 1000 }))).toBe('too_large');
    await expect(loadFingerprintImage(db1, { maxPixels: 1000 })).rejects.toThrow(/101_1\.tif/);
  });
});
