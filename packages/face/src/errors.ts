import { AcquisitionError } from '@biofuse/core';

/** No face was found in an image (deepface's "Face could not be detected"). */
export class FaceNotDetectedError extends AcquisitionError {
  constructor(what: string, detector: string) {
    super('no_face', `${what}: no face found by detector "${detector}" (pass enforceDetection: false to embed the whole image instead)`);
  }
}
