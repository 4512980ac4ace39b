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

/** Whether a resolution is one a fingerprint sensor could have (what images, options, templates and ISO records may state). */
export function isSensorDpi(dpi: number): boolean {
  return Number.isFinite(dpi) && dpi >= MIN_SENSOR_DPI && dpi <= MAX_SENSOR_DPI;
}
