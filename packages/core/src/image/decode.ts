import { readFile, stat } from 'node:fs/promises';
import type sharpModule from 'sharp';
import type { Metadata } from 'sharp';
import { ConfigError, ImageDecodeError } from '../errors';
import { checkHeader, checkImageSize, parseDecodeLimits, readableFormats, statedDensity } from './header';
import { imageFormatOf } from './image-format';
import { decodePgm } from './pgm';
import { pngChunkProblem } from './png-chunks';
import { loadSharp } from './load-sharp';

/** An 8-bit image in row-major, interleaved order: `data[(y * width + x) * channels + c]`. */
export interface RasterImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly data: Uint8Array;
  /**
   * Resolution stated in the file's header in real units (per inch or per cm), in pixels per
   * inch; absent when it states none, or only an aspect ratio (a JFIF header with units 0).
   */
  readonly density?: number;
}

export interface DecodeImageOptions {
  /** 3 = sRGB (colour, alpha flattened on white); 1 = luminance. */
  readonly channels?: 1 | 3;
  /** Images with more pixels are refused before they are decoded: a whole number > 0. Default 40 megapixels. */
  readonly maxPixels?: number;
  /** Images with a side below this are refused: a whole number >= 0. Default 16. */
  readonly minSide?: number;
  /** What error messages call an input given as bytes (a path names itself). */
  readonly name?: string;
}

/**
 * Decodes an image file or buffer (any raster format sharp reads, and 8-bit binary PGM, which
 * it does not) into 8-bit pixels, upright (EXIF orientation applied), whatever its colour
 * space (CMYK, grey, palette), bit depth (16-bit is scaled) or alpha. Every failure of the image
 * is an ImageDecodeError with a reason; the size check reads only the header (of a path, before
 * the file is read). Options out of range are a ConfigError.
 */
export async function decodeImage(input: Buffer | Uint8Array | string, options: DecodeImageOptions = {}): Promise<RasterImage> {
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3) throw new ConfigError(`channels must be 1 (grey) or 3 (RGB), got ${String(channels)}`);
  const limits = parseDecodeLimits(options);
  const what = typeof input === 'string' ? input : (options.name ?? 'image buffer');
  const sharp = await loadSharp();
  const formats = readableFormats(sharp);
  // A path's header is parsed (and checked) before the file is read, and not again after.
  let metadata = typeof input === 'string' ? await fileHeader(sharp, input) : undefined;
  if (metadata) checkHeader(what, metadata, formats, limits);
  const bytes = typeof input === 'string' ? await readSampleFile(input) : input;
  if (bytes.byteLength === 0) throw new ImageDecodeError('empty', `${what}: empty input`);
  const format = imageFormatOf(bytes);
  if (format === 'pgm') return greyRaster(decodePgm(bytes, what, limits), channels);

  if (!metadata) {
    try {
      metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch (cause) {
      // A known signature whose header does not parse is a damaged file, not a foreign format.
      if (format !== undefined && formats.has(format)) throw new ImageDecodeError('corrupt', `${what}: the image header is damaged or truncated`, { cause });
      throw new ImageDecodeError('unsupported_format', `${what}: not an image in a format this build reads (${[...formats, 'pgm'].join(', ')})`, { cause });
    }
    checkHeader(what, metadata, formats, limits);
  }

  try {
    // libvips applies 'truncated' to JPEG and PNG but not to TIFF strips: a cut TIFF would decode
    // with its missing rows black. libjpeg reports damaged entropy data only as a warning and
    // fills the rest grey, in a JPEG file and in a JPEG-compressed TIFF alike: JPEG and TIFF are
    // held to warnings (none of the 5,630 JPEGs and 320 TIFFs in ../shared/datasets raises one).
    // PNG's critical chunks are checked against their CRCs here (see pngChunkProblem).
    const failOn = metadata.format === 'tiff' || metadata.format === 'jpeg' ? 'warning' : 'truncated';
    const damaged = metadata.format === 'png' ? pngChunkProblem(bytes) : undefined;
    if (damaged) throw new ImageDecodeError('corrupt', `${what}: the image data is damaged: ${damaged}`);
    let pipeline = sharp(bytes, { failOn, limitInputPixels: limits.maxPixels, pages: 1 }).rotate();
    if (metadata.depth === 'ushort' && metadata.hasAlpha) {
      // sharp scales flatten's white by 256, not 257, for 16-bit images: transparent areas would
      // come out 254 in grey. Brought to 8 bits first, they are flattened as 8-bit images are.
      const eight = await pipeline.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      pipeline = sharp(eight.data, { raw: { width: eight.info.width, height: eight.info.height, channels: eight.info.channels }, limitInputPixels: false });
    }
    pipeline = pipeline.flatten({ background: '#ffffff' });
    pipeline = channels === 1 ? pipeline.greyscale().extractChannel(0) : pipeline.toColourspace('srgb');
    const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== channels) {
      throw new ImageDecodeError('corrupt', `${what}: decoded to ${info.channels} channels, expected ${channels}`);
    }
    const image = { width: info.width, height: info.height, channels, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
    const density = statedDensity(metadata, bytes);
    return density === undefined ? image : { ...image, density };
  } catch (cause) {
    if (cause instanceof ImageDecodeError) throw cause;
    if (metadata.format === 'heif' && metadata.compression === 'hevc') {
      // HEIC photos are HEVC inside HEIF; sharp's prebuilt libvips has no HEVC decoder (patents),
      // so an intact photo fails here: that is a format this build cannot read, not damage.
      throw new ImageDecodeError('unsupported_format', `${what}: HEIC (HEVC-compressed HEIF) cannot be decoded by this build; convert it to JPEG or PNG`, { cause });
    }
    throw new ImageDecodeError('corrupt', `${what}: the image data is damaged or truncated (${(cause as Error).message})`, { cause });
  }
}

/**
 * A file's header, read before the file is: a file that claims more pixels than the limit is
 * refused without reading it into memory. Undefined where sharp cannot parse it; the full read
 * then tells a damaged file from a foreign one (or a PGM) and an unreadable file from both.
 */
async function fileHeader(sharp: typeof sharpModule, path: string): Promise<Metadata | undefined> {
  // Only regular files: reading a FIFO's header here would consume the data the read needs.
  const file = await stat(path).catch(() => undefined);
  if (!file?.isFile()) return undefined;
  return sharp(path, { limitInputPixels: false })
    .metadata()
    .catch(() => undefined);
}

/** Grey pixels as a RasterImage of the channels asked for (grey repeated for RGB). */
function greyRaster(grey: { width: number; height: number; pixels: Uint8Array }, channels: 1 | 3): RasterImage {
  const { width, height, pixels } = grey;
  if (channels === 1) return { width, height, channels, data: pixels };
  const data = new Uint8Array(pixels.length * 3);
  for (let i = 0, o = 0; i < pixels.length; i++, o += 3) data[o] = data[o + 1] = data[o + 2] = pixels[i];
  return { width, height, channels, data };
}

/**
 * Checks pixels handed over in memory (not decoded here) as decodeImage checks a file: whole
 * positive sizes, 1 or 3 channels, exactly width x height x channels bytes, within the pixel
 * limit. A mismatch would otherwise read past the data as NaN or mistake RGBA for grey.
 * Options out of range are a ConfigError, as for decodeImage.
 */
export function checkRasterImage(image: RasterImage, options: Pick<DecodeImageOptions, 'maxPixels' | 'minSide' | 'name'> = {}): RasterImage {
  const limits = parseDecodeLimits(options);
  const what = options.name ?? 'image';
  const { width, height, channels, data } = image;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new ImageDecodeError('corrupt', `${what}: ${width} x ${height} is not a size in whole pixels`);
  }
  if ((channels as number) !== 1 && (channels as number) !== 3) {
    throw new ImageDecodeError('unsupported_format', `${what}: ${channels} channels; give grey (1) or RGB (3) pixels${(channels as number) === 4 ? ' (drop the alpha channel)' : ''}`);
  }
  if (!(data instanceof Uint8Array)) {
    throw new ImageDecodeError('corrupt', `${what}: pixels must be a Uint8Array of 8-bit samples, got ${Object.prototype.toString.call(data).slice(8, -1)}`);
  }
  if (data.length !== width * height * channels) {
    throw new ImageDecodeError('corrupt', `${what}: ${data.length} bytes of pixels, ${width} x ${height} x ${channels} needs ${width * height * channels}`);
  }
  checkImageSize(what, width, height, limits);
  return image;
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
