import { readFile } from 'node:fs/promises';
import type sharpModule from 'sharp';
import type { Metadata } from 'sharp';
import { ImageDecodeError } from '../errors';
import { imageFormatOf } from './image-format';

/** An 8-bit image in row-major, interleaved order: `data[(y * width + x) * channels + c]`. */
export interface RasterImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
  /** Resolution stated in the file's header, in pixels per inch; absent when it states none. */
  readonly density?: number;
}

export interface DecodeImageOptions {
  /** 3 = sRGB (colour, alpha flattened on white); 1 = luminance. */
  readonly channels?: 1 | 3;
  /** Images with more pixels are refused before they are decoded. Default 40 megapixels. */
  readonly maxPixels?: number;
  /** Images with a side below this are refused. Default 16. */
  readonly minSide?: number;
  /** What error messages call an input given as bytes (a path names itself). */
  readonly name?: string;
}

const DEFAULT_MAX_PIXELS = 40_000_000;
const DEFAULT_MIN_SIDE = 16;
const SUPPORTED = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif', 'jp2', 'pgm', 'ppm', 'pnm']);

/**
 * Decodes an image file or buffer into 8-bit pixels, upright (EXIF orientation applied),
 * whatever its colour space (CMYK, grey, palette), bit depth (16-bit is scaled) or alpha.
 * Every failure is an ImageDecodeError with a reason; the size check reads only the header.
 */
export async function decodeImage(input: Buffer | Uint8Array | string, options: DecodeImageOptions = {}): Promise<RasterImage> {
  const channels = options.channels ?? 3;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const bytes = typeof input === 'string' ? await readSampleFile(input) : input;
  const what = typeof input === 'string' ? input : (options.name ?? 'image buffer');
  if (bytes.byteLength === 0) throw new ImageDecodeError('empty', `${what}: empty input`);

  const sharp = await loadSharp();
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (cause) {
    // A known signature whose header does not parse is a damaged file, not a foreign format.
    const format = imageFormatOf(bytes);
    if (format !== undefined && SUPPORTED.has(format)) throw new ImageDecodeError('corrupt', `${what}: the image header is damaged or truncated`, { cause });
    throw new ImageDecodeError('unsupported_format', `${what}: not an image in a supported format (JPEG, PNG, WEBP, GIF, TIFF, AVIF)`, { cause });
  }
  if (!SUPPORTED.has(metadata.format)) {
    throw new ImageDecodeError('unsupported_format', `${what}: ${metadata.format} images are not supported`);
  }
  const { width, height } = metadata;
  if (!width || !height) throw new ImageDecodeError('corrupt', `${what}: the header has no size`);
  // A sample is one image: reading the first page of a multi-page TIFF or animation would
  // silently ignore the rest (which of them is the capture?).
  if ((metadata.pages ?? 1) > 1) {
    throw new ImageDecodeError('several_images', `${what}: the file holds ${metadata.pages} images (pages or frames); a sample is one image, save the one to use on its own`);
  }
  checkImageSize(what, width, height, options);

  try {
    // libvips applies 'truncated' to JPEG and PNG but not to TIFF strips: a cut TIFF would decode
    // with its missing rows black, so TIFF is held to any decoder error. libjpeg reports damaged
    // entropy data only as a warning and fills the rest grey: JPEG is held to warnings (none of
    // the 5,630 JPEGs in ../shared/datasets raises one).
    const failOn = metadata.format === 'tiff' ? 'error' : metadata.format === 'jpeg' ? 'warning' : 'truncated';
    let pipeline = sharp(bytes, { failOn, limitInputPixels: maxPixels, pages: 1 }).rotate();
    pipeline = pipeline.flatten({ background: '#ffffff' });
    pipeline = channels === 1 ? pipeline.greyscale().extractChannel(0) : pipeline.toColourspace('srgb');
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) {
      throw new ImageDecodeError('corrupt', `${what}: decoded to ${info.channels} channels, expected ${channels}`);
    }
    const image = { width: info.width, height: info.height, channels, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    return metadata.density ? { ...image, density: metadata.density } : image;
  } catch (cause) {
    if (cause instanceof ImageDecodeError) throw cause;
    throw new ImageDecodeError('corrupt', `${what}: the image data is damaged or truncated (${(cause as Error).message})`, { cause });
  }
}

/**
 * Checks pixels handed over in memory (not decoded here) as decodeImage checks a file: whole
 * positive sizes, 1 or 3 channels, exactly width x height x channels bytes, within the pixel
 * limit. A mismatch would otherwise read past the data as NaN or mistake RGBA for grey.
 */
export function checkRasterImage(image: RasterImage, options: Pick<DecodeImageOptions, 'maxPixels' | 'minSide' | 'name'> = {}): RasterImage {
  const what = options.name ?? 'image';
  const { width, height, channels, data } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new ImageDecodeError('corrupt', `${what}: ${width} x ${height} is not a size in whole pixels`);
  }
  if ((channels as number) !== 1 && (channels as number) !== 3) {
    throw new ImageDecodeError('unsupported_format', `${what}: ${channels} channels; give grey (1) or RGB (3) pixels${(channels as number) === 4 ? ' (drop the alpha channel)' : ''}`);
  }
  if (!(data instanceof Uint8Array) || data.length !== width * height * channels) {
    throw new ImageDecodeError('corrupt', `${what}: ${data?.length ?? 0} bytes of pixels, ${width} x ${height} x ${channels} needs ${width * height * channels}`);
  }
  checkImageSize(what, width, height, options);
  return image;
}

/** The pixel limit and the minimum side, for decoded files and in-memory pixels alike. */
function checkImageSize(what: string, width: number, height: number, options: Pick<DecodeImageOptions, 'maxPixels' | 'minSide'>): void {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (width * height > maxPixels) throw new ImageDecodeError('too_large', `${what}: ${width} x ${height} exceeds the limit of ${maxPixels} pixels`);
  const minSide = options.minSide ?? DEFAULT_MIN_SIDE;
  if (Math.min(width, height) < minSide) throw new ImageDecodeError('too_small', `${what}: ${width} x ${height} is below the minimum side of ${minSide} pixels`);
}

let sharpLoaded: Promise<typeof sharpModule> | undefined;

/** sharp's native library loads on the first decode, not when @biofuse/core is imported. */
function loadSharp(): Promise<typeof sharpModule> {
  sharpLoaded ??= import('sharp').then((m) => m.default);
  return sharpLoaded;
}

/** A sample file's bytes; a file that cannot be read is an ImageDecodeError 'unreadable', not a crash. */
export async function readSampleFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    throw new ImageDecodeError('unreadable', `${path}: cannot read the file (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
}

/** Decodes a `data:image/...;base64,` URL's payload (the form browsers and deepface accept). */
export function bytesFromDataUrl(url: string): Buffer {
  const match = /^data:image\/[a-z0-9.+-]+;base64,/i.exec(url);
  if (!match) throw new ImageDecodeError('unsupported_format', 'not a base64 image data URL');
  const bytes = Buffer.from(url.slice(match[0].length), 'base64');
  if (bytes.byteLength === 0) throw new ImageDecodeError('empty', 'the data URL carries no bytes');
  return bytes;
}
