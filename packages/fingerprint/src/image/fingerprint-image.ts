import { ConfigError } from '@biofuse/core';

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
 * sizes, one byte per pixel, and a sensor's resolution. A NaN or 0 dpi, or pixels short of the
 * stated size, otherwise surfaced as a failure to acquire (no ridges, too large): a caller's bug
 * counted against the capture.
 */
export function checkFingerprintImage(image: FingerprintImage): void {
  const { width, height, dpi, pixels } = image;
  const what = image.source ?? 'fingerprint image';
  if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
    throw new ConfigError(`${what}: size must be whole pixels, at least 1 x 1, got ${width} x ${height}`);
  }
  if (!(pixels instanceof Uint8Array)) throw new ConfigError(`${what}: pixels must be a Uint8Array (8-bit grey)`);
  if (pixels.length !== width * height) {
    throw new ConfigError(`${what}: ${pixels.length} pixels for a ${width} x ${height} image (${width * height} expected, one byte each)`);
  }
  if (!isSensorDpi(dpi)) throw new ConfigError(`${what}: dpi must be a sensor's resolution, ${MIN_SENSOR_DPI}-${MAX_SENSOR_DPI}, got ${dpi}`);
}
