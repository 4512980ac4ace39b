import type sharpModule from 'sharp';
import type { AvailableFormatInfo, Metadata } from 'sharp';
import { ConfigError, ImageDecodeError } from '../errors';

/** The decoder's limits, checked once (parseDecodeLimits) and then trusted. */
export interface DecodeLimits {
  readonly maxPixels: number;
  readonly minSide: number;
}

export const DEFAULT_MAX_PIXELS = 40_000_000;
export const DEFAULT_MIN_SIDE = 16;

/**
 * The limits as given, or a ConfigError: a maxPixels of NaN, Infinity or 5000.5 is a mistake in
 * the call, not a damaged image (and sharp refuses it only once the pixels are being decoded).
 */
export function parseDecodeLimits(options: { readonly maxPixels?: number; readonly minSide?: number }): DecodeLimits {
  const { maxPixels = DEFAULT_MAX_PIXELS, minSide = DEFAULT_MIN_SIDE } = options;
  if (!(Number.isSafeInteger(maxPixels) && maxPixels > 0)) throw new ConfigError(`maxPixels must be a whole number of pixels > 0, got ${maxPixels}`);
  if (!(Number.isSafeInteger(minSide) && minSide >= 0)) throw new ConfigError(`minSide must be a whole number of pixels >= 0, got ${minSide}`);
  return { maxPixels, minSide };
}

/** The pixel limit and the minimum side, for decoded files and in-memory pixels alike. */
export function checkImageSize(what: string, width: number, height: number, limits: DecodeLimits): void {
  if (width * height > limits.maxPixels) throw new ImageDecodeError('too_large', `${what}: ${width} x ${height} exceeds the limit of ${limits.maxPixels} pixels`);
  if (Math.min(width, height) < limits.minSide) throw new ImageDecodeError('too_small', `${what}: ${width} x ${height} is below the minimum side of ${limits.minSide} pixels`);
}

/**
 * Raster formats a sample may come in, as sharp's metadata names them (AVIF and HEIC are both
 * 'heif'). Vector (svg) and document (pdf) formats are no capture.
 */
const RASTER_FORMATS = ['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'jp2', 'jxl', 'ppm'] as const;

let readable: ReadonlySet<string> | undefined;

/**
 * The raster formats this build of sharp reads from memory. The prebuilt binaries read neither
 * JPEG 2000 nor netpbm, so listing them would report such a file as damaged rather than as
 * unsupported. Asked of sharp on the first decode, so importing core loads no native code.
 */
export function readableFormats(sharp: typeof sharpModule): ReadonlySet<string> {
  readable ??= new Set(RASTER_FORMATS.filter((f) => (sharp.format as unknown as Record<string, AvailableFormatInfo | undefined>)[f]?.input.buffer === true));
  return readable;
}

/** Sample depths decoded to 8 bits by scaling: unsigned 8 and 16 bits. */
const SCALED_DEPTHS = new Set(['uchar', 'ushort']);

/**
 * Everything the header alone can refuse: a format this build does not read, a sample depth
 * that would not scale to 8 bits (float and 32-bit integer data come out near black), no size,
 * several images, or a size beyond the limits.
 */
export function checkHeader(what: string, metadata: Metadata, formats: ReadonlySet<string>, limits: DecodeLimits): { width: number; height: number } {
  if (!formats.has(metadata.format)) {
    throw new ImageDecodeError('unsupported_format', `${what}: ${metadata.format} images are not supported by this build (it reads ${[...formats].join(', ')})`);
  }
  if (metadata.depth !== undefined && !SCALED_DEPTHS.has(metadata.depth)) {
    throw new ImageDecodeError('unsupported_format', `${what}: ${metadata.depth} samples are not supported; give 8- or 16-bit unsigned integer samples`);
  }
  const { width, height } = metadata;
  if (!width || !height) throw new ImageDecodeError('corrupt', `${what}: the header has no size`);
  // A sample is one image: reading the first page of a multi-page TIFF or animation would
  // silently ignore the rest (which of them is the capture?).
  if ((metadata.pages ?? 1) > 1) {
    throw new ImageDecodeError('several_images', `${what}: the file holds ${metadata.pages} images (pages or frames); a sample is one image, save the one to use on its own`);
  }
  checkImageSize(what, width, height, limits);
  return { width, height };
}

/**
 * The resolution the header states in real units, in pixels per inch, or undefined. libvips
 * reports 72 for a JPEG whose JFIF header gives only an aspect ratio (units 0, as most cameras
 * and LFW write), and a PNG's pHYs with unit 0 as if it were per metre; neither is a measurement.
 */
export function statedDensity(metadata: Metadata, bytes: Uint8Array): number | undefined {
  // libvips names the unit only when the header (JFIF, EXIF, TIFF, pHYs) gives one.
  if (!metadata.density || metadata.resolutionUnit === undefined) return undefined;
  if (metadata.format === 'png' && pngPhysUnit(bytes) !== 1) return undefined;
  return metadata.density;
}

const PNG_SIGNATURE_BYTES = 8;

/** The unit byte of a PNG's pHYs chunk (1 = metre, 0 = aspect ratio only), or undefined without one. */
function pngPhysUnit(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = (at: number) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
  // pHYs must come before the first IDAT, so the walk stops there.
  for (let at = PNG_SIGNATURE_BYTES; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const name = type(at + 4);
    if (name === 'pHYs') return length >= 9 && at + 8 + 9 <= bytes.length ? bytes[at + 8 + 8] : undefined;
    if (name === 'IDAT' || name === 'IEND') return undefined;
    at += 12 + length;
  }
  return undefined;
}
