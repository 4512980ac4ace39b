import type { MinutiaSet } from './minutiae';

/**
 * What the fingerprint modality keeps of one impression: its minutiae, the size and
 * resolution of the image they were found in, and the image's quality.
 */
export interface FingerprintTemplate {
  /** Image size in pixels (the coordinate frame of the minutiae). */
  readonly width: number;
  readonly height: number;
  /** Resolution of the coordinates, in dots per inch (FVC2002 DB2: 569, most others 500). */
  readonly dpi: number;
  /** Image quality 0-100 (NFIQ-like; higher is better); 0 when the source did not say. */
  readonly quality: number;
  readonly minutiae: MinutiaSet;
}
