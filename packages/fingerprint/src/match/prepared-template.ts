/**
 * Everything the matcher needs from one template, computed once by `prepareTemplate`, so that
 * comparing a prepared probe with many prepared candidates repeats no per-template work.
 *
 * Only numbers and typed arrays, so that it can be serialised as is. Geometry is at 500 dpi in
 * a right-handed frame (x to the right, y UP, i.e. the ISO y negated) with angles in radians
 * counter-clockwise from +x, in [0, 2pi): the ISO angle needs no change in this frame.
 */
export interface PreparedTemplate {
  /** Layout version of this object; `compareFingerprints` refuses others. */
  readonly version: typeof PREPARED_TEMPLATE_VERSION;
  /** Cylinder layout (NS, ND, R): two templates compare only when these agree. */
  readonly spatialCells: number;
  readonly directionSections: number;
  readonly cylinderRadiusPx: number;
  /** Cells of a cylinder (those whose centre is inside the circle); bits = cells x ND. */
  readonly cylinderCells: number;

  /** Minutiae that have a valid cylinder (n of them): the ones the matcher pairs. */
  readonly count: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly angle: Float32Array;
  readonly kind: Uint8Array;
  /** Minutia indices in order of increasing angle (for the direction gate's sweep). */
  readonly byAngle: Uint8Array;
  /** 32-bit words per cylinder: cells x ND bits, padded to a multiple of 4 words (128 bits). */
  readonly cylinderWords: number;
  /** n x cylinderWords: the bit-based cylinder of each minutia (bit = cell * ND + section). */
  readonly cylinders: Int32Array;
  /** Set bits of each cylinder. */
  readonly cylinderBits: Uint16Array;
  /** Cells of cylinder i outside the grown convex hull: invalidCell[invalidOffset[i] .. invalidOffset[i + 1]). */
  readonly invalidOffset: Int32Array;
  readonly invalidCell: Uint16Array;
  /** Minutiae kept before the cylinder validity test (for diagnostics). */
  readonly minutiaeKept: number;
  /** The fixed-length vector of this template (see fingerprintVector), L2-normalised. */
  readonly vector: Float32Array;
}

export const PREPARED_TEMPLATE_VERSION = 1 as const;
