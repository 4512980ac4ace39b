import { TemplateFormatError } from '@biofuse/core';
import { SignatureAcquisitionError } from './errors';
import { GLOBAL_FEATURES, globalFeatures } from './features/global-features';
import { timeFunctions, type TimeFunctionMatrix, type TimeFunctionOptions } from './features/time-functions';
import { checkUsableTrajectory, type PenTrajectory } from './pen-trajectory';
import { resampleTrajectory, smoothTrajectory } from './preprocess';

/** What biofuse keeps of a signature: its time functions (for DTW) and global feature vector. */
export interface SignatureTemplate {
  readonly local: TimeFunctionMatrix;
  readonly global: Float32Array;
}

export interface TemplateOptions extends TimeFunctionOptions {
  readonly smoothingSamples?: number;
  readonly resamplePoints?: number;
}

/**
 * Time functions of the preprocessed trajectory (optional resampling, then smoothing) and
 * global features of the trajectory as recorded (its timing and speed statistics are what
 * resampling would blur). Throws SignatureAcquisitionError for a trajectory that cannot make a
 * template (see checkUsableTrajectory).
 */
export function extractSignatureTemplate(p: PenTrajectory, opts: TemplateOptions = {}): SignatureTemplate {
  checkUsableTrajectory(p);
  const resampled = opts.resamplePoints ? resampleTrajectory(p, opts.resamplePoints) : p;
  const prepared = smoothTrajectory(resampled, opts.smoothingSamples ?? 0);
  const template = { local: timeFunctions(prepared, opts), global: globalFeatures(p) };
  // Whatever slipped through (coordinates near the float limit overflow the spreads): never a template that scores NaN.
  if (![template.local.values, template.global].every((values) => values.every(Number.isFinite))) {
    throw new SignatureAcquisitionError('invalid_sample', 'the signature gives features that are not finite numbers (are its coordinates plausible?)');
  }
  return template;
}

const MAGIC = 0x47534642; // "BFSG" little-endian
const VERSION = 1;
const HEADER_BYTES = 16;

/** Versioned binary form: magic, version, frame count, frame dims, global dims, then float32 data. */
export function encodeSignatureTemplate(t: SignatureTemplate): Uint8Array {
  const body = t.local.values.length + t.global.length;
  const out = new Uint8Array(HEADER_BYTES + body * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint16(4, VERSION, true);
  view.setUint16(6, t.local.dims, true);
  view.setUint32(8, t.local.length, true);
  view.setUint32(12, t.global.length, true);
  const floats = new Float32Array(out.buffer, HEADER_BYTES, body);
  floats.set(t.local.values, 0);
  floats.set(t.global, t.local.values.length);
  return out;
}

export function decodeSignatureTemplate(bytes: Uint8Array): SignatureTemplate {
  if (bytes.length < HEADER_BYTES) throw new TemplateFormatError(`signature template: ${bytes.length} bytes is shorter than its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new TemplateFormatError('not a biofuse signature template (bad magic)');
  const version = view.getUint16(4, true);
  if (version > VERSION) throw new TemplateFormatError(`signature template format version ${version} is newer than this build of biofuse reads (${VERSION}); upgrade @biofuse/signature`);
  if (version < 1) throw new TemplateFormatError(`signature template version ${version} is not valid`);
  const dims = view.getUint16(6, true);
  const length = view.getUint32(8, true);
  const globalDims = view.getUint32(12, true);
  // No frames would make every DTW distance infinite and a user model's normalisation NaN.
  if (dims === 0 || length === 0) throw new TemplateFormatError(`signature template: ${length} frames of ${dims} time functions, nothing to compare (corrupt)`);
  const expected = HEADER_BYTES + (dims * length + globalDims) * 4;
  if (bytes.length !== expected) throw new TemplateFormatError(`signature template: ${bytes.length} bytes, expected ${expected} (truncated or corrupt)`);
  if (globalDims !== GLOBAL_FEATURES.length) {
    throw new TemplateFormatError(`signature template: ${globalDims} global features, this build makes ${GLOBAL_FEATURES.length} (made by another version?)`);
  }
  const floats = new Float32Array(bytes.slice(HEADER_BYTES).buffer);
  // Corrupt bytes can still decode as floats: a NaN or infinity would make every score NaN.
  for (let k = 0; k < floats.length; k++) {
    if (!Number.isFinite(floats[k])) throw new TemplateFormatError(`signature template: value ${k} is ${floats[k]}, not a finite number (corrupt)`);
  }
  return { local: { length, dims, values: floats.slice(0, dims * length) }, global: floats.slice(dims * length) };
}
