import sharp, { type AvailableFormatInfo } from 'sharp';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { parseDecodeLimits, readableFormats } from './header';

describe('readableFormats', () => {
  it('lists the raster formats this build of sharp reads from memory, and only those', () => {
    const formats = readableFormats(sharp);
    const info = sharp.format as unknown as Record<string, AvailableFormatInfo | undefined>;
    for (const f of formats) expect(info[f]?.input.buffer, f).toBe(true);
    for (const f of ['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif']) expect(formats.has(f), f).toBe(true);
    // The prebuilt binaries read neither JPEG 2000 nor netpbm: a file of either is unsupported, not damaged.
    for (const f of ['jp2', 'ppm']) expect(formats.has(f), f).toBe(info[f]?.input.buffer === true);
    // Drawings and documents are no capture, whatever the build reads.
    for (const f of ['svg', 'pdf', 'raw']) expect(formats.has(f), f).toBe(false);
  });
});

describe('parseDecodeLimits', () => {
  it('keeps whole positive limits and refuses the rest', () => {
    expect(parseDecodeLimits({})).toEqual({ maxPixels: 40_000_000, minSide: 16 });
    expect(parseDecodeLimits({ maxPixels: 1, minSide: 0 })).toEqual({ maxPixels: 1, minSide: 0 });
    for (const maxPixels of [0, -1, 0.5, Infinity, Number.NaN, 2 ** 53]) expect(() => parseDecodeLimits({ maxPixels }), `${maxPixels}`).toThrow(ConfigError);
    for (const minSide of [-1, 1.5, Infinity, Number.NaN]) expect(() => parseDecodeLimits({ minSide }), `${minSide}`).toThrow(ConfigError);
  });
});
