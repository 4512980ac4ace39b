import { AcquisitionError, ModalityUnavailableError, TemplateFormatError } from '@biofuse/core';

/** No face was found in an image (deepface's "Face could not be detected"). */
export class FaceNotDetectedError extends AcquisitionError {
  constructor(what: string, detector: string) {
    super('no_face', `${what}: no face found by detector "${detector}" (enforceDetection: false, or --no-enforce-detection on the command line, embeds the whole image instead)`);
  }
}

/**
 * A package the face modality runs on (onnxruntime-node, an npm model package) is not installed.
 * Only for that: a file a model card names that is missing or damaged is a DatasetError naming it.
 * The base class's message lists available modalities; this one says what is missing instead.
 * `cause` is the failure that showed it (the resolver's or the import's error, with its search
 * paths): replacing the message must not lose it, as it is what tells a missing package from
 * one that is there but fails to load (a native binary built for another platform).
 */
export function runtimeNotInstalled(what: string, cause?: unknown): ModalityUnavailableError {
  return new ModalityUnavailableError('face', [], { cause, message: `the face modality needs ${what}, which is not installed in this build of biofuse` });
}

/**
 * Two face templates that must not be compared: made by different model configurations, or by
 * models of one name whose weights or cards differ (retrained or replaced under that name), or
 * one of them made before templates recorded the models' digest, so that nothing says which
 * weights made it. A TemplateFormatError, as other templates of another model are. `first` and
 * `second` are the templates' identities in the order compared ("<model> sha256:<digest>", or the
 * model's name alone for a template without a digest).
 */
export class FaceTemplateMismatchError extends TemplateFormatError {
  constructor(
    readonly first: string,
    readonly second: string,
    message: string,
  ) {
    super(message);
  }
}
