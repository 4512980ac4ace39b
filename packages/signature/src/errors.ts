import { AcquisitionError, DatasetError } from '@biofuse/core';

/** A signature file that cannot be read: wrong format, wrong column count, bad values. Names the file and line. */
export class SignatureFormatError extends DatasetError {}

/** A readable signature that cannot be used: empty, a single point, no pen-down samples. */
export class SignatureAcquisitionError extends AcquisitionError {}
