/// <reference path="../types/bmp-js.d.ts" />
import { checkImageSize, ImageDecodeError, type DecodeLimits } from '@biofuse/core';
import bmp from 'bmp-js';

/** Windows BMP, which sharp (and so core's decodeImage) does not read, as 8-bit grey. */

export interface GreyBmp {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
  /** From the header's pixels per metre; undefined when the file leaves it at 0. */
  readonly dpi: number | undefined;
}

const FILE_HEADER_BYTES = 14;
const INFO_HEADER_BYTES = 40;
const SUPPORTED_BITS = new Set([1, 4, 8, 24, 32]);
const BI_RGB = 0;

/**
 * Decodes an uncompressed 1/4/8-bit palette, 24-bit or 32-bit BMP, bottom-up or top-down.
 * The header is checked here before bmp-js sees the file, because bmp-js trusts it: it
 * reads pixels right after the palette instead of at the data offset (wrong for the V4/V5
 * headers many tools write) and indexes past the end of a truncated file. So the file is
 * re-laid out with a plain 40-byte header first.
 */
export function decodeBmpGrey(bytes: Uint8Array, what: string, limits: DecodeLimits): GreyBmp {
  const corrupt = (why: string): ImageDecodeError => new ImageDecodeError('corrupt', `${what}: BMP ${why}`);
  if (bytes.byteLength < FILE_HEADER_BYTES + INFO_HEADER_BYTES) {
    throw corrupt(`header truncated (${bytes.byteLength} bytes, the headers need ${FILE_HEADER_BYTES + INFO_HEADER_BYTES})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  const width = view.getInt32(18, true);
  const signedHeight = view.getInt32(22, true);
  const bits = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const xPixelsPerMetre = view.getInt32(38, true);
  const colorsUsed = view.getUint32(46, true);

  if (headerSize < INFO_HEADER_BYTES) {
    throw new ImageDecodeError('unsupported_format', `${what}: BMP with a ${headerSize}-byte (OS/2) header is not supported`);
  }
  if (!SUPPORTED_BITS.has(bits)) throw new ImageDecodeError('unsupported_format', `${what}: ${bits}-bit BMP is not supported`);
  if (compression !== BI_RGB) {
    throw new ImageDecodeError('unsupported_format', `${what}: compressed BMP (compression ${compression}) is not supported`);
  }
  const height = Math.abs(signedHeight);
  if (width <= 0 || height === 0) throw corrupt(`header gives a size of ${width} x ${signedHeight}`);
  checkImageSize(what, width, height, limits);

  const paletteStart = FILE_HEADER_BYTES + headerSize;
  let paletteEntries = 0;
  if (bits <= 8) {
    const declared = colorsUsed === 0 ? 1 << bits : colorsUsed;
    if (declared > 1 << bits) throw corrupt(`header declares ${declared} palette colours for ${bits}-bit pixels`);
    // Some writers declare a full palette but store fewer entries before the pixels.
    paletteEntries = Math.min(declared, Math.floor((Math.min(dataOffset, bytes.byteLength) - paletteStart) / 4));
    if (paletteEntries < 1) throw corrupt('has no palette');
  }
  const stride = Math.ceil((width * bits) / 32) * 4;
  const pixelBytes = stride * height;
  if (dataOffset < paletteStart + paletteEntries * 4 || dataOffset + pixelBytes > bytes.byteLength) {
    throw corrupt(`pixel data truncated: ${pixelBytes} bytes needed from byte ${dataOffset}, the file has ${bytes.byteLength}`);
  }

  if (bits <= 8 && paletteEntries < 1 << bits) {
    // An index the palette lacks has no colour (bmp-js reads it as white or as undefined): the file is damaged.
    const beyond = indexBeyondPalette(bytes.subarray(dataOffset, dataOffset + pixelBytes), width, height, bits, stride, paletteEntries);
    if (beyond) {
      const y = signedHeight < 0 ? beyond.row : height - 1 - beyond.row;
      throw corrupt(`pixel (${beyond.x}, ${y}) has colour index ${beyond.index}, beyond the ${paletteEntries}-colour palette`);
    }
  }

  const canonicalOffset = FILE_HEADER_BYTES + INFO_HEADER_BYTES + paletteEntries * 4;
  const canonical = Buffer.alloc(canonicalOffset + pixelBytes);
  canonical.write('BM', 0, 'latin1');
  canonical.writeUInt32LE(canonical.length, 2);
  canonical.writeUInt32LE(canonicalOffset, 10);
  canonical.writeUInt32LE(INFO_HEADER_BYTES, 14);
  canonical.writeInt32LE(width, 18);
  canonical.writeInt32LE(signedHeight, 22);
  canonical.writeUInt16LE(1, 26);
  canonical.writeUInt16LE(bits, 28);
  canonical.writeUInt32LE(BI_RGB, 30);
  canonical.writeUInt32LE(pixelBytes, 34);
  canonical.writeUInt32LE(paletteEntries, 46);
  canonical.set(bytes.subarray(paletteStart, paletteStart + paletteEntries * 4), FILE_HEADER_BYTES + INFO_HEADER_BYTES);
  canonical.set(bytes.subarray(dataOffset, dataOffset + pixelBytes), canonicalOffset);

  let abgr: Buffer;
  try {
    abgr = bmp.decode(canonical).data;
  } catch (cause) {
    throw new ImageDecodeError('corrupt', `${what}: BMP pixel data is damaged (${(cause as Error).message})`, { cause });
  }
  const pixels = new Uint8Array(width * height);
  for (let i = 0, o = 0; i < pixels.length; i++, o += 4) pixels[i] = luminance(abgr[o + 3], abgr[o + 2], abgr[o + 1]);
  return { width, height, pixels, dpi: xPixelsPerMetre > 0 ? xPixelsPerMetre * 0.0254 : undefined };
}

/** The first palette index (of `bits`-bit pixels, rows of `stride` bytes as stored) that the palette lacks, or undefined. */
function indexBeyondPalette(data: Uint8Array, width: number, height: number, bits: number, stride: number, entries: number): { x: number; row: number; index: number } | undefined {
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  for (let row = 0; row < height; row++) {
    for (let x = 0; x < width; x++) {
      // The leftmost pixel is in the byte's high bits.
      const index = (data[row * stride + Math.floor(x / perByte)] >> (8 - bits * ((x % perByte) + 1))) & mask;
      if (index >= entries) return { x, row, index };
    }
  }
  return undefined;
}

const SRGB_TO_LINEAR = Float64Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

/**
 * Grey as sharp's greyscale() makes it (so a BMP and a PNG of one print decode alike):
 * BT.709 luminance of the linear-light colour, encoded back with the sRGB curve.
 */
function luminance(r: number, g: number, b: number): number {
  if (r === g && g === b) return r;
  const y = 0.2126 * SRGB_TO_LINEAR[r] + 0.7152 * SRGB_TO_LINEAR[g] + 0.0722 * SRGB_TO_LINEAR[b];
  const c = y <= 0.0031308 ? 12.92 * y : 1.055 * y ** (1 / 2.4) - 0.055;
  return Math.round(c * 255);
}
