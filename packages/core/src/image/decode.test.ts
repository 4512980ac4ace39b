import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, ImageDecodeError } from '../errors';
import { bytesFromDataUrl, checkRasterImage, decodeImage } from './decode';
import { pngHeaderOnly, tiffHeaderFirst } from './test-images';

const solid = (width: number, height: number, channels: 3 | 4, value: number[]) =>
  sharp(Buffer.alloc(width * height * channels).map((_, i) => value[i % channels]), { raw: { width, height, channels } });

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(ImageDecodeError);
    return (error as ImageDecodeError).reason;
  }
  throw new Error('expected an ImageDecodeError');
}

describe('decodeImage', () => {
  it('decodes JPEG, PNG, WEBP, GIF and TIFF to 8-bit RGB of the right size', async () => {
    for (const format of ['jpeg', 'png', 'webp', 'gif', 'tiff'] as const) {
      const bytes = await solid(40, 30, 3, [200, 100, 50]).toFormat(format).toBuffer();
      const image = await decodeImage(bytes);
      expect([image.width, image.height, image.channels, image.data.length], format).toEqual([40, 30, 3, 40 * 30 * 3]);
      expect(Math.abs(image.data[0] - 200), format).toBeLessThan(12);
    }
  });

  it('converts CMYK, 16-bit and alpha images, and can return luminance', async () => {
    const cmyk = await solid(32, 32, 3, [255, 0, 0]).toColourspace('cmyk').jpeg().toBuffer();
    const fromCmyk = await decodeImage(cmyk);
    expect(fromCmyk.channels).toBe(3);
    expect(fromCmyk.data[0]).toBeGreaterThan(200);
    expect(fromCmyk.data[1]).toBeLessThan(60);

    const sixteen = await solid(32, 32, 3, [255, 128, 0]).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(sixteen).metadata()).depth).toBe('ushort');
    const from16 = await decodeImage(sixteen);
    expect(Array.from(from16.data.subarray(0, 3))).toEqual([255, 128, 0]);

    // Fully transparent pixels become white, not black.
    const alpha = await solid(32, 32, 4, [0, 0, 0, 0]).png().toBuffer();
    expect(Array.from((await decodeImage(alpha)).data.subarray(0, 3))).toEqual([255, 255, 255]);

    const grey = await decodeImage(await solid(32, 32, 3, [255, 255, 255]).png().toBuffer(), { channels: 1 });
    expect([grey.channels, grey.data.length, grey.data[0]]).toEqual([1, 32 * 32, 255]);
  });

  it('applies EXIF orientation so the image is upright', async () => {
    const rotated = await solid(40, 20, 3, [10, 20, 30]).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const image = await decodeImage(rotated);
    expect([image.width, image.height]).toEqual([20, 40]);
  });

  it('refuses bad input with a typed reason, never a crash', async () => {
    expect(await reason(decodeImage(Buffer.alloc(0)))).toBe('empty');
    expect(await reason(decodeImage(Buffer.from('this is not an image at all')))).toBe('unsupported_format');
    const jpeg = await solid(64, 64, 3, [1, 2, 3]).jpeg().toBuffer();
    expect(await reason(decodeImage(jpeg.subarray(0, Math.floor(jpeg.length / 2))))).toBe('corrupt');
    // Cut inside the entropy-coded scan of a larger, noisy image.
    const noise = Buffer.alloc(256 * 256 * 3).map((_, i) => (i * 7919) % 251);
    const big = await sharp(noise, { raw: { width: 256, height: 256, channels: 3 } }).jpeg().toBuffer();
    expect(await reason(decodeImage(big.subarray(0, Math.floor(big.length * 0.6))))).toBe('corrupt');
    // Garbage over the middle of the scan: libjpeg only warns and fills the rest grey.
    const damaged = Buffer.from(big);
    for (let i = 0; i < 400; i++) damaged[Math.floor(big.length / 2) + i] = (i * 7919 + 13) % 256;
    expect(await reason(decodeImage(damaged))).toBe('corrupt');
    // A TIFF cut in its pixel strip (libvips would otherwise fill the missing rows with black).
    const tiff = greyTiffHeaderFirst(128, 128);
    expect((await decodeImage(tiff, { channels: 1 })).width).toBe(128);
    expect(await reason(decodeImage(tiff.subarray(0, Math.floor(tiff.length * 0.6)), { channels: 1 }))).toBe('corrupt');
    expect(await reason(decodeImage(pngHeaderOnly(20_000, 20_000)))).toBe('too_large');
    expect(await reason(decodeImage(await solid(8, 8, 3, [0, 0, 0]).png().toBuffer()))).toBe('too_small');
    expect(await reason(decodeImage('/nonexistent/face.jpg'))).toBe('unreadable');
  });

  it('refuses a file of several images instead of reading its first page', async () => {
    // Two 64 x 64 pages of different grey: which one is the capture is not the decoder's guess.
    const pages = Buffer.alloc(64 * 128, 40);
    pages.fill(200, 64 * 64);
    const tiff = await sharp(pages, { raw: { width: 64, height: 128, channels: 1, pageHeight: 64 } }).tiff().toBuffer();
    expect(await reason(decodeImage(tiff, { channels: 1 }))).toBe('several_images');
    await expect(decodeImage(tiff, { name: 'scan.tif' })).rejects.toThrow(/scan\.tif: the file holds 2 images/);
    // One page is read as before.
    const single = await sharp(pages.subarray(0, 64 * 64), { raw: { width: 64, height: 64, channels: 1 } }).tiff().toBuffer();
    expect((await decodeImage(single, { channels: 1 })).data[0]).toBe(40);
  });

  it('reads base64 data URLs', async () => {
    const png = await solid(20, 20, 3, [0, 255, 0]).png().toBuffer();
    const image = await decodeImage(bytesFromDataUrl(`data:image/png;base64,${png.toString('base64')}`));
    expect(image.data[1]).toBe(255);
    expect(() => bytesFromDataUrl('data:text/plain;base64,AAAA')).toThrow(ImageDecodeError);
  });
});

/** An uncompressed 8-bit grey TIFF with its directory before the pixels (as scanners write them). */
function greyTiffHeaderFirst(width: number, height: number): Buffer {
  return tiffHeaderFirst({ width, height }, (i) => (i * 31) % 256);
}

/** Garbage over 400 bytes in the middle, where a compressed image's entropy-coded data is. */
function damageMiddle(bytes: Buffer): Buffer {
  const damaged = Buffer.from(bytes);
  for (let i = 0; i < 400; i++) damaged[Math.floor(bytes.length / 2) + i] = (i * 7919 + 13) % 256;
  return damaged;
}

const noise = () => sharp(Buffer.alloc(256 * 256 * 3).map((_, i) => (i * 7919) % 251), { raw: { width: 256, height: 256, channels: 3 } });

describe('decodeImage: TIFF', () => {
  it('refuses a JPEG-compressed TIFF with damaged data instead of filling rows with grey', async () => {
    const tiff = await noise().tiff({ compression: 'jpeg' }).toBuffer();
    expect((await decodeImage(tiff)).width).toBe(256);
    expect(await reason(decodeImage(damageMiddle(tiff)))).toBe('corrupt');
  });

  it('still reads a TIFF carrying a tag libtiff does not know', async () => {
    const tiff = tiffHeaderFirst({ width: 32, height: 32, extraTags: [[65000, 7]] }, () => 90);
    expect((await decodeImage(tiff, { channels: 1 })).data[0]).toBe(90);
  });

  it('refuses float and 32-bit integer samples, grey or RGB, instead of decoding them near black', async () => {
    const float = { width: 32, height: 32, bits: 32, sampleFormat: 3 } as const;
    for (const channels of [1, 3] as const) {
      expect(await reason(decodeImage(tiffHeaderFirst(float, (i) => (i % 2 ? 0.5 : 1)), { channels }))).toBe('unsupported_format');
      expect(await reason(decodeImage(tiffHeaderFirst({ ...float, samples: 3 }, (i) => [1, 0.5, 0][i % 3]), { channels }))).toBe('unsupported_format');
      expect(await reason(decodeImage(tiffHeaderFirst({ width: 32, height: 32, bits: 32 }, () => 2 ** 32 - 1), { channels }))).toBe('unsupported_format');
    }
    // 16-bit samples are scaled, as before.
    const sixteen = await decodeImage(tiffHeaderFirst({ width: 32, height: 32, bits: 16 }, (i) => (i % 2 ? 32768 : 65535)), { channels: 1 });
    expect(Array.from(sixteen.data.subarray(0, 2))).toEqual([255, 128]);
  });
});

describe('decodeImage: what the build reads, options, resolution', () => {
  it('reports a HEIC photo (HEVC) as a format this build cannot read, not as a damaged file', async () => {
    const heic = Buffer.from(HEIC_BASE64, 'base64');
    expect((await sharp(heic).metadata()).compression).toBe('hevc');
    expect(await reason(decodeImage(heic, { name: 'IMG_0001.HEIC' }))).toBe('unsupported_format');
    // AVIF (AV1 in HEIF) is read.
    expect((await decodeImage(await noise().avif().toBuffer())).width).toBe(256);
  });

  it('refuses bad options as a ConfigError before looking at the image', async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
    const bad = [{ maxPixels: Infinity }, { maxPixels: 5000.5 }, { maxPixels: 2 ** 53 }, { maxPixels: Number.NaN }, { maxPixels: 0 }, { channels: 4 }, { channels: 2 }, { minSide: Number.NaN }, { minSide: -1 }];
    for (const options of bad) {
      await expect(decodeImage(png, options as never), JSON.stringify(options)).rejects.toBeInstanceOf(ConfigError);
      await expect(decodeImage('/nonexistent/face.jpg', options as never), JSON.stringify(options)).rejects.toBeInstanceOf(ConfigError);
    }
    const pixels = { width: 64, height: 64, channels: 1 as const, data: new Uint8Array(64 * 64) };
    for (const options of [{ maxPixels: Infinity }, { maxPixels: Number.NaN }, { minSide: Number.NaN }]) {
      expect(() => checkRasterImage(pixels, options), JSON.stringify(options)).toThrow(ConfigError);
    }
    // Pixels of another type are named as such, not counted as bytes they are not.
    const floats = { ...pixels, data: new Float32Array(64 * 64) as unknown as Uint8Array };
    expect(() => checkRasterImage(floats, { name: 'pixel data' })).toThrow('pixel data: pixels must be a Uint8Array of 8-bit samples, got Float32Array');
    expect((await decodeImage(png, { maxPixels: 64 * 64, minSide: 64 })).width).toBe(64);
  });

  it('gives the density only when the header states units: not the 72 of a JFIF aspect ratio', async () => {
    const grey = () => sharp({ create: { width: 32, height: 32, channels: 3, background: '#808080' } });
    // sharp, like most cameras, writes JFIF units 0 (an aspect ratio), which libvips reports as 72.
    const jfif = await grey().jpeg().toBuffer();
    expect((await sharp(jfif).metadata()).density).toBe(72);
    expect((await decodeImage(jfif)).density).toBeUndefined();
    expect((await decodeImage(await grey().withMetadata({ density: 500 }).jpeg().toBuffer())).density).toBe(500);
    expect((await decodeImage(await grey().png().toBuffer())).density).toBeUndefined();
    const png500 = await grey().withMetadata({ density: 500 }).png().toBuffer();
    expect((await decodeImage(png500)).density).toBeCloseTo(500, 0);
    // The same pHYs chunk with unit 0 (aspect ratio only).
    const at = png500.indexOf(Buffer.from('pHYs'));
    const aspect = Buffer.from(png500);
    aspect[at + 4 + 8] = 0;
    aspect.writeUInt32BE(crc32(aspect.subarray(at, at + 13)), at + 13);
    expect((await sharp(aspect).metadata()).density).toBeCloseTo(500, 0);
    expect((await decodeImage(aspect)).density).toBeUndefined();
    // A TIFF without resolution tags, as FVC's are.
    expect((await decodeImage(greyTiffHeaderFirst(32, 32), { channels: 1 })).density).toBeUndefined();
  });

  it('gives 16-bit images with alpha the white background 8-bit ones get', async () => {
    for (const [space, channels] of [['grey16', 2], ['rgb16', 4]] as const) {
      const transparent = new Uint16Array(32 * 32 * channels); // every pixel black and fully transparent
      const png = await sharp(transparent, { raw: { width: 32, height: 32, channels } }).toColourspace(space).png().toBuffer();
      expect((await sharp(png).metadata()).depth).toBe('ushort');
      for (const out of [1, 3] as const) expect((await decodeImage(png, { channels: out })).data[0], `${space} -> ${out}`).toBe(255);
    }
  });
});

/** A HEIF whose item is declared HEVC (hvc1, hvcC), as an iPhone's HEIC is; 64 x 64. */
const HEIC_BASE64 =
  'AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAOltZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAAAAAAACJpbG9jAAAAAERAAAEAAQAAAAABDQABAAAAAAAAABsAAAAjaWluZgAAAAAAAQAAABVpbmZlAgAAAAABAABodmMxAAAAAA5waXRtAAAAAAABAAAAaWlwcnAAAABLaXBjbwAAAB9odmNDAQFgAAAAkAAAAAAAWvAA/P34+AAADwAAAAAUaXNwZQAAAAAAAABAAAAAQAAAABBwaXhpAAAAAAMICAgAAAAWaXBtYQAAAAAAAAABAAEDgQIDAAAAI21kYXQSAAoJOBV//aQENBpAMgwZQmMEwAA0AASXyuY=';

/** A binary (P5) PGM, the header written as netpbm tools write it, with a comment. */
function pgm(width: number, height: number, maxval: number, pixel: (i: number) => number): Buffer {
  const header = Buffer.from(`P5\n# a sensor frame\n${width} ${height}\n${maxval}\n`, 'latin1');
  return Buffer.concat([header, Buffer.alloc(width * height).map((_, i) => pixel(i))]);
}

describe('decodeImage: binary PGM (read here: sharp\'s prebuilt binaries do not)', () => {
  it('reads an 8-bit P5 PGM as grey or as RGB, scaling a smaller maximum grey to 0-255', async () => {
    const bytes = pgm(20, 18, 255, (i) => i & 255);
    const grey = await decodeImage(bytes, { channels: 1 });
    expect([grey.width, grey.height, grey.channels, grey.density]).toEqual([20, 18, 1, undefined]);
    expect(Array.from(grey.data.subarray(0, 3))).toEqual([0, 1, 2]);
    const rgb = await decodeImage(bytes);
    expect([rgb.channels, ...rgb.data.subarray(3 * 5, 3 * 5 + 3)]).toEqual([3, 5, 5, 5]);
    const fifteen = pgm(16, 16, 15, (i) => i % 16);
    expect(Array.from((await decodeImage(fifteen, { channels: 1 })).data.subarray(0, 4))).toEqual([0, 17, 34, 51]);
    // The caller's bytes are not scaled in place.
    expect(fifteen[fifteen.length - 1]).toBe(15);
  });

  it('refuses truncated, 16-bit, out-of-range, too small and too large PGMs', async () => {
    const whole = pgm(32, 32, 255, () => 7);
    expect(await reason(decodeImage(whole.subarray(0, whole.length - 1)))).toBe('corrupt');
    expect(await reason(decodeImage(Buffer.from('P5\n64 x\n255\n', 'latin1')))).toBe('corrupt');
    expect(await reason(decodeImage(pgm(32, 32, 9, () => 10)))).toBe('corrupt');
    expect(await reason(decodeImage(pgm(32, 32, 65535, () => 0)))).toBe('unsupported_format');
    expect(await reason(decodeImage(pgm(32, 8, 255, () => 0)))).toBe('too_small');
    expect(await reason(decodeImage(whole, { maxPixels: 1000, name: 'frame.pgm' }))).toBe('too_large');
    await expect(decodeImage(whole, { maxPixels: 1000, name: 'frame.pgm' })).rejects.toThrow('frame.pgm: 32 x 32 exceeds the limit of 1000 pixels');
  });
});

describe('decodeImage: a path', () => {
  it('parses the header of a file once, before reading it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'biofuse-decode-'));
    const metadata = vi.spyOn(sharp.prototype, 'metadata');
    try {
      const path = join(dir, 'small.tif');
      await writeFile(path, greyTiffHeaderFirst(64, 64));
      metadata.mockClear();
      expect((await decodeImage(path, { channels: 1 })).width).toBe(64);
      // It was parsed twice: from the path, then again from the bytes read.
      expect(metadata).toHaveBeenCalledTimes(1);
      // A PGM (which sharp cannot parse) from a path.
      const frame = join(dir, 'frame.pgm');
      await writeFile(frame, pgm(20, 20, 255, () => 9));
      expect((await decodeImage(frame, { channels: 1 })).data[0]).toBe(9);
    } finally {
      metadata.mockRestore();
      await rm(dir, { recursive: true, force: true });
    }
  });


  it('refuses a file whose header is over the limit without reading the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'biofuse-decode-'));
    try {
      // 30000 x 20000 x 8 bits in one strip, the file a sparse 2 GiB: Node's readFile refuses
      // files this large, so a decoder that read before checking would report it unreadable.
      const path = join(dir, 'huge.tif');
      const header = tiffHeaderFirst({ width: 30000, height: 20000, headerOnly: true }, () => 0);
      await writeFile(path, header);
      await truncate(path, 2 ** 31 + header.length);
      expect(await reason(decodeImage(path, { channels: 1 }))).toBe('too_large');
      const small = join(dir, 'small.tif');
      await writeFile(small, greyTiffHeaderFirst(64, 64));
      expect((await decodeImage(small, { channels: 1 })).width).toBe(64);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
