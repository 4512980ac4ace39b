import { AcquisitionError } from '@biofuse/core';
import type { StageImage } from './extract/debug-images';

export type FingerprintAcquisitionFailure =
  /** No ridge area at all: a blank, white, black or flat image. */
  | 'no_ridges'
  /** A ridge area too small to hold a usable print. */
  | 'too_small'
  /** Ridges were found but do not look like a fingerprint (a photo, text, noise). */
  | 'not_fingerprint'
  /** Too few reliable minutiae to compare. */
  | 'too_few_minutiae'
  /** Far larger than any finger at the stated resolution (a wrong dpi, or not a fingerprint scan). */
  | 'too_large'
  /** A usable print, but below the quality the caller asked for (FingerprintParams.minQuality). */
  | 'low_quality';

/** An image that decoded but gives no usable fingerprint template; names the image's file where it came from one. */
export class FingerprintAcquisitionError extends AcquisitionError {
  /** With extraction's `debug`: the stage images made before the failure, in pipeline order (see why a print was refused). */
  readonly stages?: ReadonlyMap<string, StageImage>;

  constructor(
    override readonly reason: FingerprintAcquisitionFailure,
    message: string,
    source?: string,
    options: { readonly stages?: ReadonlyMap<string, StageImage> } = {},
  ) {
    super(reason, source === undefined ? message : `${source}: ${message}`);
    if (options.stages !== undefined) this.stages = options.stages;
  }
}
