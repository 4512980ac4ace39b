import { AcquisitionError } from '@biofuse/core';

/** No face was found in an image (deepface's "Face could not be detected"). */
export class FaceNotDetectedError extends AcquisitionError {
  constructor(what: string, detector: string) {
    super('no_face', `${what}: no face found by detector "${detector}" (enforceDetection: false, or --no-enforce-detection on the command line, embeds the whole image instead)`);
  }
}
