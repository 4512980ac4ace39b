import { crc32, deflateSync } from 'node:zlib';

/*
 * Hand-built image files for the decoder's tests: headers that claim what their data does not
 * have, which no encoder writes.
 */

/** A PNG chunk with its length and CRC. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** The IHDR of an 8-bit RGB image of the size given. */
export function ihdr(width: number, height: number): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data.set([8, 2, 0, 0, 0], 8);
  return pngChunk('IHDR', data);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG whose header claims a size its data does not have: only the header is ever read. */
export function pngHeaderOnly(width: number, height: number): Buffer {
  return Buffer.concat([PNG_SIGNATURE, ihdr(width, height), pngChunk('IDAT', deflateSync(Buffer.alloc(10))), pngChunk('IEND', Buffer.alloc(0))]);
}

export interface TiffLayout {
  readonly width: number;
  readonly height: number;
  readonly samples?: 1 | 3;
  readonly bits?: 8 | 16 | 32;
  /** TIFF SampleFormat: 1 unsigned integer, 3 IEEE float. */
  readonly sampleFormat?: 1 | 3;
  /** Further SHORT tags, [tag, value]. */
  readonly extraTags?: readonly [number, number][];
  /** Write only the header and directory (the strip's bytes are left to the caller). */
  readonly headerOnly?: boolean;
}

/** An uncompressed single-strip TIFF, little-endian, directory first; `value(i)` gives sample i. */
export function tiffHeaderFirst(layout: TiffLayout, value: (i: number) => number): Buffer {
  const { width, height, samples = 1, bits = 8, sampleFormat = 1, extraTags = [] } = layout;
  const bytesPerSample = bits / 8;
  const size = width * height * samples * bytesPerSample;
  const tags: [number, number, number][] = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, bits],
    [259, 3, 1],
    [262, 3, samples === 3 ? 2 : 1],
    [273, 4, 0], // strip offset, set below
    [277, 3, samples],
    [278, 4, height],
    [279, 4, size],
    [339, 3, sampleFormat],
    ...extraTags.map(([tag, v]): [number, number, number] => [tag, 3, v]),
  ];
  tags.sort((a, b) => a[0] - b[0]);
  const ifdSize = 2 + tags.length * 12 + 4;
  const dataAt = 8 + ifdSize;
  const b = Buffer.alloc(dataAt + (layout.headerOnly ? 0 : size));
  b.write('II', 0, 'latin1');
  b.writeUInt16LE(42, 2);
  b.writeUInt32LE(8, 4);
  b.writeUInt16LE(tags.length, 8);
  tags.forEach(([tag, type, v], i) => {
    const at = 10 + i * 12;
    b.writeUInt16LE(tag, at);
    b.writeUInt16LE(type, at + 2);
    b.writeUInt32LE(1, at + 4);
    if (type === 3) b.writeUInt16LE(v, at + 8);
    else b.writeUInt32LE(tag === 273 ? dataAt : v >>> 0, at + 8); // a huge claimed size wraps, as a damaged header's would
  });
  if (layout.headerOnly) return b;
  for (let i = 0; i < width * height * samples; i++) {
    const at = dataAt + i * bytesPerSample;
    if (bits === 8) b[at] = value(i);
    else if (bits === 16) b.writeUInt16LE(value(i), at);
    else if (sampleFormat === 3) b.writeFloatLE(value(i), at);
    else b.writeUInt32LE(value(i), at);
  }
  return b;
}
