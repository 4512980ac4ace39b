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
