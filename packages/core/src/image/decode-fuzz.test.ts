import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImageDecodeError, type ImageDecodeFailure } from '../errors';
import { seededRandom } from '../random';
import { randomBytes, seededMutants, temporaryFolders } from '../testing';
import { decodeImage, type DecodeImageOptions, type RasterImage } from './decode';
import { ihdr, PNG_SIGNATURE, pngChunk, tiffHeaderFirst } from './test-images';

/**
 * Seeded mutation fuzzing of decodeImage: damaged files of every format the fingerprint and face
 * packages read through it. Every mutant is either refused with an ImageDecodeError that names
 * it, or decoded to an image of a consistent size within the limits: never another error.
 * Formats with a checksum over every byte (PNG) must also never decode to other pixels.
 */

const tempFolder = temporaryFolders();

const REASONS: readonly ImageDecodeFailure[] = ['empty', 'unreadable', 'unsupported_format', 'corrupt', 'too_large', 'too_small', 'several_images'];

/** 64 x 64 of dense, seeded noise: compressed data with no slack for a flipped bit to hide in. */
function noise(channels: 1 | 3 | 4, width = 64, height = 64) {
  return sharp(randomBytes(seededRandom(7), width * height * channels), { raw: { width, height, channels } });
}

/** A binary (P5) PGM. */
function pgm(width: number, height: number): Buffer {
  return Buffer.concat([Buffer.from(`P5\n# sensor\n${width} ${height}\n255\n`, 'latin1'), randomBytes(seededRandom(8), width * height)]);
}

async function decodeOrReason(bytes: Uint8Array, options: DecodeImageOptions): Promise<RasterImage | ImageDecodeError> {
  try {
    return await decodeImage(bytes, options);
  } catch (err) {
    if (err instanceof ImageDecodeError) return err;
    throw new Error(`${options.name}: ${String(err)}`, { cause: err });
  }
}

interface Sample {
  readonly format: string;
  readonly bytes: Buffer;
  readonly channels: 1 | 3;
  readonly mutants: number;
  /** Every byte is under a checksum: a mutant that decodes must decode to the original pixels. */
  readonly checksummed?: boolean;
}

describe('decodeImage under seeded mutation', () => {
  const samples: Sample[] = [];
  beforeAll(async () => {
    const pages = await sharp(Buffer.alloc(64 * 128).map((_, i) => (i * 31) % 256), { raw: { width: 64, height: 128, channels: 1, pageHeight: 64 } }).tiff().toBuffer();
    const add = (format: string, bytes: Buffer, mutants = 40, channels: 1 | 3 = 3, checksummed = false) => samples.push({ format, bytes, channels, mutants, checksummed });
    add('jpeg', await noise(3).jpeg().toBuffer());
    add('progressive jpeg', await noise(3).jpeg({ progressive: true }).toBuffer());
    // CMYK decodes through a colour transform, about 50 ms each: fewer mutants.
    add('cmyk jpeg', await noise(3).toColourspace('cmyk').jpeg().toBuffer(), 8);
    add('png', await noise(3).png().toBuffer(), 40, 3, true);
    add('palette png', await noise(3).png({ palette: true }).toBuffer(), 40, 3, true);
    add('alpha png', await noise(4).png().toBuffer(), 40, 3, true);
    add('16-bit png', await noise(3).toColourspace('rgb16').png().toBuffer(), 40, 3, true);
    add('tiff', await noise(1).tiff().toBuffer(), 40, 1);
    add('lzw tiff', await noise(3).tiff({ compression: 'lzw' }).toBuffer());
    add('deflate tiff', await noise(1).tiff({ compression: 'deflate' }).toBuffer(), 40, 1);
    add('jpeg tiff', await noise(3).tiff({ compression: 'jpeg' }).toBuffer());
    add('two-page tiff', pages, 40, 1);
    add('webp', await noise(3).webp().toBuffer());
    add('gif', await noise(3).gif().toBuffer());
    add('pgm', pgm(64, 64), 40, 1);
  });

  it('refuses each mutant with a typed, named reason or decodes it to a consistent image, never another error', async () => {
    const random = seededRandom(20260101);
    const seen = new Map<string, number>();
    for (const { format, bytes, channels, mutants, checksummed } of samples) {
      const original = format === 'two-page tiff' ? undefined : await decodeImage(bytes, { channels });
      // Cut short, bits flipped, bytes replaced, a run overwritten, or bytes appended; every other one of each in the first 256 bytes, the header.
      const damaged = seededMutants(bytes, { random, count: mutants, kinds: ['cut', 'flip', 'flips', 'overwrite', 'run', 'append'], headBytes: 256 });
      for (const [i, { what, bytes: mutant }] of damaged.entries()) {
        const name = `${format} mutant ${i} (${what})`;
        const result = await decodeOrReason(mutant, { channels, name });
        if (result instanceof ImageDecodeError) {
          expect(REASONS, name).toContain(result.reason);
          expect(result.message.startsWith(`${name}: `), result.message).toBe(true);
          seen.set(result.reason, (seen.get(result.reason) ?? 0) + 1);
          continue;
        }
        seen.set('decoded', (seen.get('decoded') ?? 0) + 1);
        expect(result.channels, name).toBe(channels);
        expect(result.data.length, name).toBe(result.width * result.height * channels);
        expect(Math.min(result.width, result.height), name).toBeGreaterThanOrEqual(16);
        expect(result.width * result.height, name).toBeLessThanOrEqual(40_000_000);
        // PNG checks every chunk (CRC) and its pixel data (zlib's Adler-32): other pixels are damage that went unseen.
        if (checksummed && original) {
          expect([result.width, result.height], name).toEqual([original.width, original.height]);
          expect(Buffer.compare(Buffer.from(result.data), Buffer.from(original.data)), name).toBe(0);
        }
      }
    }
    // The mutations reach the decoder, not just the signature check.
    expect(seen.get('corrupt')).toBeGreaterThan(100);
    expect(seen.get('decoded')).toBeGreaterThan(20);
  }, 60_000);

  it('refuses a PNG whose palette or pixel data fails its checksum (the palette decoded to other colours)', async () => {
    const palette = await noise(3).png({ palette: true }).toBuffer();
    const plte = palette.indexOf('PLTE');
    const recoloured = Buffer.from(palette);
    recoloured[plte + 4 + 6] ^= 0x40; // the third entry's red
    const error = await decodeOrReason(recoloured, { name: 'scan.png' });
    expect(error).toBeInstanceOf(ImageDecodeError);
    expect(error).toMatchObject({ reason: 'corrupt', message: `scan.png: the image data is damaged: its "PLTE" chunk at byte ${plte - 4} fails its checksum` });
    // Only the checksum damaged: the pixels would come out right, but nothing says which of data and checksum is wrong.
    const rgb = await noise(3).png().toBuffer();
    const idat = rgb.indexOf('IDAT');
    const crc = Buffer.from(rgb);
    crc[idat + 4 + rgb.readUInt32BE(idat - 4)] ^= 1;
    expect(await decodeOrReason(crc, { name: 'crc.png' })).toMatchObject({ reason: 'corrupt' });
    // An ancillary chunk's checksum is libpng's to skip: the pixels do not depend on it.
    const phys = Buffer.from(rgb);
    phys[rgb.indexOf('pHYs') + 4] ^= 1;
    expect(Buffer.from((await decodeImage(phys)).data).equals(Buffer.from((await decodeImage(rgb)).data))).toBe(true);
  });
});

/** A 24-bit BMP, which sharp (and so decodeImage) does not read: the fingerprint package reads it itself. */
function bmp(width: number, height: number): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4;
  const b = Buffer.alloc(54 + row * height, 0x80);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(0, 6);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(0, 30);
  return b;
}

async function reasonOf(input: Buffer | string, options: DecodeImageOptions = {}): Promise<ImageDecodeError> {
  const result = await decodeImage(input, options).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(result).toBeInstanceOf(ImageDecodeError);
  return result as ImageDecodeError;
}

describe('decodeImage: decompression bombs, empty and header-only files', () => {
  it('refuses a header claiming 100000 x 100000 (or its format\'s largest) from the header alone, buffer or file', async () => {
    const dir = await tempFolder('biofuse-bomb-');
    const png = Buffer.concat([PNG_SIGNATURE, ihdr(100_000, 100_000), pngChunk('IDAT', Buffer.alloc(16)), pngChunk('IEND', Buffer.alloc(0))]);
    // A JPEG's sides are 16 bits: its largest claim, in the frame header of a real 64 x 64 file.
    const jpeg = await noise(3).jpeg().toBuffer();
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    jpeg.writeUInt16BE(60_000, sof + 5);
    jpeg.writeUInt16BE(60_000, sof + 7);
    // A GIF frame of 65535 x 65535 in a file of a few kilobytes.
    const gif = await noise(3).gif().toBuffer();
    let frame = 13 + 3 * 2 ** ((gif[10] & 7) + 1);
    while (gif[frame] === 0x21) {
      frame += 2;
      while (gif[frame] !== 0) frame += gif[frame] + 1;
      frame++;
    }
    gif.writeUInt16LE(65_535, frame + 5);
    gif.writeUInt16LE(65_535, frame + 7);
    // A WebP canvas of 100000 x 100000 (VP8X holds 24-bit sides): beyond WebP's 16383, libwebp refuses the header itself.
    const webp = await sharp({ create: { width: 64, height: 64, channels: 4, background: '#80808080' } }).webp().toBuffer();
    const vp8x = webp.indexOf('VP8X');
    webp.writeUIntLE(100_000 - 1, vp8x + 12, 3);
    webp.writeUIntLE(100_000 - 1, vp8x + 15, 3);
    const bombs: [string, Buffer, ImageDecodeFailure, RegExp][] = [
      ['bomb.png', png, 'too_large', /100000 x 100000 exceeds the limit of 40000000 pixels/],
      ['bomb.tif', tiffHeaderFirst({ width: 100_000, height: 100_000, headerOnly: true }, () => 0), 'too_large', /100000 x 100000 exceeds the limit/],
      ['bomb.jpg', jpeg, 'too_large', /60000 x 60000 exceeds the limit/],
      ['bomb.gif', gif, 'too_large', /65535 x 65535 exceeds the limit/],
      ['bomb.pgm', Buffer.from('P5\n100000 100000\n255\n', 'latin1'), 'too_large', /100000 x 100000 exceeds the limit/],
      ['bomb.webp', webp, 'corrupt', /the image header is damaged or truncated/],
    ];
    for (const [name, bytes, reason, message] of bombs) {
      const started = Date.now();
      const fromBytes = await reasonOf(bytes, { name });
      expect([fromBytes.reason, fromBytes.message], name).toEqual([reason, expect.stringMatching(message)]);
      const path = join(dir, name);
      await writeFile(path, bytes);
      expect(await reasonOf(path), name).toMatchObject({ reason, message: expect.stringMatching(message) });
      // Refused from the header, not after decoding 30 GB of pixels.
      expect(Date.now() - started, name).toBeLessThan(2000);
    }
  });

  it('refuses zero bytes, a header with no image data, and BMP (read by the fingerprint package, not here) with typed reasons', async () => {
    const dir = await tempFolder('biofuse-empty-');
    const empty = join(dir, 'empty.png');
    await writeFile(empty, '');
    expect(await reasonOf(empty)).toMatchObject({ reason: 'empty', message: `${empty}: empty input` });
    expect((await reasonOf(Buffer.alloc(0), { name: 'upload' })).message).toBe('upload: empty input');
    const jpeg = await noise(3).jpeg().toBuffer();
    const headerOnly: [string, Buffer][] = [
      // Up to the start of the scan: tables and frame header, no entropy-coded data.
      ['header.jpg', jpeg.subarray(0, jpeg.indexOf(Buffer.from([0xff, 0xda])))],
      ['header.png', Buffer.concat([PNG_SIGNATURE, ihdr(64, 64)])],
      ['header.tif', tiffHeaderFirst({ width: 64, height: 64, headerOnly: true }, () => 0)],
      ['signature.png', PNG_SIGNATURE],
    ];
    for (const [name, bytes] of headerOnly) {
      const error = await reasonOf(bytes, { name });
      expect([error.reason, error.message.startsWith(`${name}: `)], name).toEqual(['corrupt', true]);
    }
    const foreign = await reasonOf(bmp(64, 64), { name: 'print.bmp' });
    expect(foreign).toMatchObject({ reason: 'unsupported_format', message: expect.stringMatching(/^print\.bmp: not an image in a format this build reads \(.*jpeg.*png.*tiff.*pgm\)$/) });
  });
});
