import { checkRasterImage, ConfigError, ImageDecodeError } from '@biofuse/core';

/** A grey fingerprint image: 8-bit, row-major, ridges dark on a light background. */
export interface FingerprintImage {
  readonly width: number;
  readonly height: number;
  /** Resolution in dots per inch: given by the caller, else read from the file, else 500. */
  readonly dpi: number;
  readonly pixels: Uint8Array;
  /** Where the image came from (a path), so that a failure to acquire names it. */
  readonly source?: string;
}

/** Beyond this many pixels per inch nothing scans fingers (image headers and ISO records alike). */
export const MAX_SENSOR_DPI = 4000;
/** Below this no ridge is resolved (ridges are about 0.5 mm apart: 2 pixels at 100 dpi). */
export const MIN_SENSOR_DPI = 100;

/** Images with a smaller side are refused as too small: 64 px at 500 dpi is 3 mm, whatever they show. */
export const MIN_IMAGE_SIDE = 64;

/** Whether a resolution is one a fingerprint sensor could have (what images, options, templates and ISO records may state). */
export function isSensorDpi(dpi: number): boolean {
  return Number.isFinite(dpi) && dpi >= MIN_SENSOR_DPI && dpi <= MAX_SENSOR_DPI;
}

/**
 * Throws ConfigError unless the image is one extraction can be trusted with: whole, positive
 * sizes, one byte per pixel (core's checks for pixels in memory), and a sensor's resolution. A
 * NaN or 0 dpi, or pixels short of the stated size, otherwise surfaced as a failure to acquire
 * (no ridges, too large): a caller's bug counted against the capture.
 */
export function checkFingerprintImage(image: FingerprintImage): void {
  const { width, height, dpi, pixels } = image;
  const what = image.source ?? 'fingerprint image';
  try {
    // No limits on the size here: extraction refuses too small and too large prints itself, in
    // millimetres at the image's dpi, as failures to acquire.
    checkRasterImage({ width, height, channels: 1, data: pixels }, { name: what, minSide: 0, maxPixels: Number.MAX_SAFE_INTEGER });
  } catch (err) {
    if (err instanceof ImageDecodeError) throw new ConfigError(err.message);
    throw err;
  }
  if (!isSensorDpi(dpi)) throw new ConfigError(`${what}: dpi must be a sensor's resolution, ${MIN_SENSOR_DPI}-${MAX_SENSOR_DPI}, got ${dpi}`);
}
