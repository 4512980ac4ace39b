import { ConfigError, decodeImage, ImageDecodeError, imageFormatOf, parseDecodeLimits, readSampleFile } from '@biofuse/core';
import { isBiofuseFingerprintTemplate } from '../template/encode';
import { isIsoTemplate } from '../template/iso19794-2';
import { decodeBmpGrey } from './bmp';
import { isSensorDpi, MAX_SENSOR_DPI, MIN_IMAGE_SIDE, MIN_SENSOR_DPI, type FingerprintImage } from './fingerprint-image';

export interface LoadFingerprintImageOptions {
  /** The sensor's resolution; overrides whatever the file says. */
  readonly dpi?: number;
  /** Larger images are refused before decoding: a whole number > 0. Default 40 megapixels (core's decodeImage default). */
  readonly maxPixels?: number;
  /** What error messages call an input given as bytes (a path names itself). */
  readonly name?: string;
}

export const DEFAULT_FINGERPRINT_DPI = 500;

/** What fingerprint images are read from, as error messages list it. */
export const FINGERPRINT_IMAGE_FORMATS = 'TIFF, PNG, BMP, JPEG, ...';

/**
 * Decodes a fingerprint image (TIFF, PNG, JPEG, WEBP, GIF and 8-bit binary PGM through core's
 * decodeImage; BMP here, through bmp-js) to 8-bit grey; JPEG 2000, ASCII and 16-bit PGM are not
 * read. A PGM states no resolution: it is taken at the caller's dpi, else 500. Every failure
 * of the image is an ImageDecodeError with a reason: empty, unreadable, unsupported_format,
 * corrupt, too_small (a side under 64 px), too_large, several_images (a multi-page TIFF); a
 * `dpi` option no sensor has, a `maxPixels` that is no whole number > 0, or an option of another
 * name, is a ConfigError.
 */
export async function loadFingerprintImage(input: Buffer | Uint8Array | string, opts: LoadFingerprintImageOptions = {}): Promise<FingerprintImage> {
  // A misspelt option ("dpl: 569") was ignored, and the print read at the file's resolution.
  const unknown = Object.keys(opts).find((k) => !['dpi', 'maxPixels', 'name'].includes(k));
  if (unknown !== undefined) throw new ConfigError(`unknown fingerprint image option "${unknown}" (known: dpi, maxPixels, name)`);
  if (opts.dpi !== undefined && !isSensorDpi(opts.dpi)) {
    throw new ConfigError(`fingerprint image dpi must be a sensor's resolution, ${MIN_SENSOR_DPI}-${MAX_SENSOR_DPI}, got ${opts.dpi}`);
  }
  // Checked here, not only by decodeImage: the BMP reader below trusts its limits.
  const limits = parseDecodeLimits({ maxPixels: opts.maxPixels, minSide: MIN_IMAGE_SIDE });
  const named = typeof input === 'string' ? input : opts.name;
  const what = named ?? 'image buffer';
  const source = named === undefined ? {} : { source: named };
  // Read once: the BMP check and the decoder both work on these bytes (the decoder refuses empty ones).
  const bytes = typeof input === 'string' ? await readSampleFile(input) : input;

  if (imageFormatOf(bytes) === 'bmp') {
    const bmp = decodeBmpGrey(bytes, what, limits);
    return { width: bmp.width, height: bmp.height, dpi: opts.dpi ?? plausibleDpi(bmp.dpi) ?? DEFAULT_FINGERPRINT_DPI, pixels: bmp.pixels, ...source };
  }
  const raster = await decodeImage(bytes, { channels: 1, ...limits, name: what }).catch((err: unknown) => {
    // Core's decoder lists sharp's formats; this loader reads BMP too, and a template is worth naming as one.
    if (!isForeignFormat(err, bytes)) throw err;
    const template = isBiofuseFingerprintTemplate(bytes) || isIsoTemplate(bytes);
    const message = template ? 'a fingerprint template, not an image' : `not an image in a format fingerprints are read from (${FINGERPRINT_IMAGE_FORMATS})`;
    throw new ImageDecodeError('unsupported_format', `${what}: ${message}`, { cause: err });
  });
  const dpi = opts.dpi ?? plausibleDpi(raster.density) ?? DEFAULT_FINGERPRINT_DPI;
  return { width: raster.width, height: raster.height, dpi, pixels: raster.data, ...source };
}

/**
 * Whether a load failed because the bytes are in no format known here at all, the failure that
 * is reworded to list what is read. A known format the decoder cannot read (a compressed BMP, a
 * 16-bit PGM) keeps its own, more precise message.
 */
export function isForeignFormat(err: unknown, bytes: Uint8Array): err is ImageDecodeError {
  return err instanceof ImageDecodeError && err.reason === 'unsupported_format' && imageFormatOf(bytes) === undefined;
}

/**
 * A resolution the file states is believed when a sensor could have it (100-4000 dpi): a
 * 200 dpi scan read as 500 dpi is shrunk to 40 % and refused as no fingerprint. The 72 and 96
 * that image tools write when nobody measured anything are below 100, so they are ignored and
 * the image is taken at 500 dpi (FVC's TIFFs state no resolution at all and are taken the same way).
 */
function plausibleDpi(dpi: number | undefined): number | undefined {
  if (dpi === undefined) return undefined;
  // Files store pixels per metre or per cm, so 500 ppi comes back as 499.999...
  const rounded = Math.round(dpi);
  return isSensorDpi(rounded) ? rounded : undefined;
}
