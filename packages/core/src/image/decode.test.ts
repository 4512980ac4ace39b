import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageDecodeError } from '../errors';
import { bytesFromDataUrl, decodeImage } from './decode';

const solid = (width: number, height: number, channels: 3 | 4, value: number[]) =>
  sharp(Buffer.alloc(width * height * channels).map((_, i) => value[i % channels]), { raw: { width, height, channels } });

/** A PNG whose header claims a size its data does not have: only the header is ever read. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(10))), chunk('IEND', Buffer.alloc(0))]);
}

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
  const tags: [number, number, number][] = [
    [256, 3, width],
    [257, 3, height],
    [258, 3, 8],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, 0], // strip offset, set below
    [277, 3, 1],
    [278, 3, height],
    [279, 4, width * height],
  ];
  const ifdSize = 2 + tags.length * 12 + 4;
  const dataAt = 8 + ifdSize;
  const b = Buffer.alloc(dataAt + width * height);
  b.write('II', 0, 'latin1');
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4);
  b.writeUInt16LE(tags.length, 8);
  tags.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    b.writeUInt16LE(tag, at);
    b.writeUInt16LE(type, at + 2);
    b.writeUInt32LE(1, at + 4);
    if (type === 3) b.writeUInt16LE(value, at + 8);
    else b.writeUInt32LE(tag === 273 ? dataAt : value, at + 8);
  });
  for (let i = 0; i < width * height; i++) b[dataAt + i] = (i * 31) % 256;
  return b;
}
