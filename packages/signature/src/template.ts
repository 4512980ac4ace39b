import { checkedSealLength, sealTemplate, TEMPLATE_CHECKSUM_BYTES, TemplateFormatError } from '@biofuse/core';
import { SignatureAcquisitionError } from './errors';
import { GLOBAL_FEATURES, globalFeaturesOfUsable } from './features/global-features';
import { DEFAULT_TIME_FUNCTIONS, TIME_FUNCTIONS, timeFunctions, type TimeFunction, type TimeFunctionMatrix, type TimeFunctionOptions } from './features/time-functions';
import { checkTemplateOptions, templateOptionsProblem } from './params';
import { checkUsableTrajectory, MAX_SAMPLES, penDownCount, type PenTrajectory } from './pen-trajectory';
import { resampleTrajectory, smoothTrajectory } from './preprocess';

/**
 * How a template's time functions were made. Two templates compare only when they were made
 * alike: DTW over the same number of columns would run on different functions (pressure
 * against azimuth) or differently prepared trajectories and return a plausible, meaningless
 * distance.
 */
export interface SignatureRecipe {
  readonly functions: readonly TimeFunction[];
  readonly keepPenUp: boolean;
  readonly smoothingSamples: number;
  readonly resamplePoints: number;
}

/** What biofuse keeps of a signature: its time functions (for DTW) and global feature vector, and how they were made. */
export interface SignatureTemplate {
  readonly local: TimeFunctionMatrix;
  readonly global: Float32Array;
  readonly recipe: SignatureRecipe;
}

export interface TemplateOptions extends TimeFunctionOptions {
  readonly smoothingSamples?: number;
  readonly resamplePoints?: number;
}

/** The recipe that `extractSignatureTemplate` follows for these options (their defaults filled in). */
export function signatureRecipe(opts: TemplateOptions = {}): SignatureRecipe {
  return {
    functions: Object.freeze([...(opts.functions ?? DEFAULT_TIME_FUNCTIONS)]),
    keepPenUp: opts.keepPenUp ?? false,
    // As the encoding stores it (float32): a smoothing of 0.7 must still match its own template read back.
    smoothingSamples: Math.fround(opts.smoothingSamples ?? 0),
    resamplePoints: opts.resamplePoints ?? 0,
  };
}

/** How two recipes differ, in words; undefined when they are the same. */
export function recipeDifference(a: SignatureRecipe, b: SignatureRecipe): string | undefined {
  if (a === b) return undefined;
  // A template built by hand (or parsed from JSON) without one is not a template of this version.
  if (!a || !b) return 'a template records no recipe';
  if (a.functions.length !== b.functions.length || a.functions.some((f, k) => f !== b.functions[k])) return `time functions ${a.functions.join(',')} vs ${b.functions.join(',')}`;
  if (a.keepPenUp !== b.keepPenUp) return `pen-up samples ${a.keepPenUp ? 'kept' : 'dropped'} vs ${b.keepPenUp ? 'kept' : 'dropped'}`;
  if (a.smoothingSamples !== b.smoothingSamples) return `smoothing ${a.smoothingSamples} vs ${b.smoothingSamples} samples`;
  if (a.resamplePoints !== b.resamplePoints) return `resampling to ${a.resamplePoints} vs ${b.resamplePoints} points (0 = none)`;
  return undefined;
}

/** Refuses to compare templates that were made differently (see SignatureRecipe). */
export function checkSameRecipe(a: SignatureRecipe, b: SignatureRecipe, what = 'signature templates'): void {
  const difference = recipeDifference(a, b);
  if (difference !== undefined) {
    throw new TemplateFormatError(`${what} differ in how they were made (${difference}): signatures compare only with templates made with the same parameters`);
  }
}

/** Fewest frames a template keeps (resampling may leave fewer than checkUsableTrajectory's pen-down samples): none made every distance infinite and the user's scale NaN. */
const MIN_FRAMES = 2;

/**
 * The least share of pen-down samples when pen-up ones are kept, which the time functions then
 * take as ink: a trajectory that mostly hovers over a signature's path compared as that
 * signature (SVC2004's genuine files are at least 90 % pen-down, U1S6.TXT).
 */
const MIN_PEN_DOWN_SHARE_KEEPING_PEN_UP = 0.5;

/**
 * Time functions of the preprocessed trajectory (optional resampling, then smoothing) and
 * global features of the trajectory as recorded (its timing and speed statistics are what
 * resampling would blur). Throws ConfigError for options parseSignatureParams would refuse, and
 * SignatureAcquisitionError for a trajectory that cannot make a template (see
 * checkUsableTrajectory), that is mostly pen-up while pen-up samples are kept, or that keeps
 * fewer than two frames once prepared.
 */
export function extractSignatureTemplate(p: PenTrajectory, opts: TemplateOptions = {}): SignatureTemplate {
  checkTemplateOptions(opts);
  checkUsableTrajectory(p);
  if (opts.keepPenUp) checkMostlyInk(p);
  const resampled = opts.resamplePoints ? resampleTrajectory(p, opts.resamplePoints) : p;
  const prepared = smoothTrajectory(resampled, opts.smoothingSamples ?? 0);
  const template = { local: timeFunctions(prepared, opts), global: globalFeaturesOfUsable(p), recipe: signatureRecipe(opts) };
  // Resampling picks each point's pen state from the nearest sample, so a few pen-down samples
  // among many pen-up ones can all fall between the points; without pen-up samples nothing is left.
  if (template.local.length < MIN_FRAMES) {
    throw new SignatureAcquisitionError(
      'too_short',
      `the signature keeps ${template.local.length} frame(s) after ${opts.resamplePoints ? `resampling to ${opts.resamplePoints} points and ` : ''}dropping pen-up samples; at least ${MIN_FRAMES} are needed`,
    );
  }
  // Whatever slipped through (coordinates near the float limit overflow the spreads): never a template that scores NaN.
  if (![template.local.values, template.global].every((values) => values.every(Number.isFinite))) {
    throw new SignatureAcquisitionError('invalid_sample', 'the signature gives features that are not finite numbers (are its coordinates plausible?)');
  }
  return template;
}

/** Throws SignatureAcquisitionError when under MIN_PEN_DOWN_SHARE_KEEPING_PEN_UP of the samples have the pen down. */
function checkMostlyInk(p: PenTrajectory): void {
  const down = penDownCount(p);
  if (down < MIN_PEN_DOWN_SHARE_KEEPING_PEN_UP * p.x.length) {
    throw new SignatureAcquisitionError(
      'too_short',
      `the signature has the pen down on ${down} of its ${p.x.length} samples; pen-up samples are kept (keepPenUp) and compared as ink, so at least ${MIN_PEN_DOWN_SHARE_KEEPING_PEN_UP * 100} % must be pen-down`,
    );
  }
}

const MAGIC = 0x47534642; // "BFSG" little-endian
/**
 * Version 3 is version 2 sealed with a CRC-32 (a flipped bit in a value decoded as another
 * signature); version 2 is still read. Version 2 records the recipe; version 1 did not, so its
 * templates cannot be checked and are refused.
 */
const VERSION = 3;
const HEADER_BYTES = 16;
/** After the header: resample points (u32), smoothing (f32), pen-up flag (u8), one u8 per time function (its index in TIME_FUNCTIONS), zero padding to 4 bytes. */
const RECIPE_FIXED_BYTES = 9;
const recipeBytes = (dims: number) => Math.ceil((RECIPE_FIXED_BYTES + dims) / 4) * 4;

/** Versioned binary form: magic, version, frame dims, frame count, global dims, the recipe, float32 data, then the CRC-32 of all that. */
export function encodeSignatureTemplate(t: SignatureTemplate): Uint8Array {
  const { recipe } = t;
  const refuse = (what: string) => new TemplateFormatError(`cannot encode a signature template with ${what}`);
  if (!(Number.isInteger(t.local.dims) && t.local.dims >= 1 && t.local.dims <= 0xffff && Number.isInteger(t.local.length) && t.local.length >= 1 && t.local.length <= MAX_SAMPLES)) {
    throw refuse(`${t.local.length} frames of ${t.local.dims} time functions`);
  }
  if (t.local.values.length !== t.local.dims * t.local.length) throw refuse(`${t.local.values.length} values for ${t.local.length} frames of ${t.local.dims} time functions`);
  if (t.global.length !== GLOBAL_FEATURES.length) throw refuse(`${t.global.length} global features (this build makes ${GLOBAL_FEATURES.length})`);
  if (recipe.functions.length !== t.local.dims) throw refuse(`${t.local.dims} time-function columns but a recipe of ${recipe.functions.length} functions`);
  const ids = recipe.functions.map((f) => TIME_FUNCTIONS.indexOf(f));
  if (ids.some((id) => id < 0)) throw refuse(`an unknown time function in ${recipe.functions.join(', ')}`);
  if (new Set(ids).size !== ids.length) throw refuse(`a time function named twice (${recipe.functions.join(', ')})`);
  // What decoding would refuse is refused here, so that nothing stores a template it cannot read back.
  const unsupported = unsupportedOptions(recipe);
  if (unsupported.length > 0) throw refuse(`options this build does not support (${unsupported.join('; ')})`);
  const problem = valueProblem(Float32Array.from(t.local.values), Float32Array.from(t.global), t.local.length);
  if (problem) throw refuse(problem);
  const offset = HEADER_BYTES + recipeBytes(t.local.dims);
  const body = t.local.values.length + t.global.length;
  const out = new Uint8Array(offset + body * 4 + TEMPLATE_CHECKSUM_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint16(4, VERSION, true);
  view.setUint16(6, t.local.dims, true);
  view.setUint32(8, t.local.length, true);
  view.setUint32(12, t.global.length, true);
  view.setUint32(HEADER_BYTES, recipe.resamplePoints, true);
  view.setFloat32(HEADER_BYTES + 4, recipe.smoothingSamples, true);
  view.setUint8(HEADER_BYTES + 8, recipe.keepPenUp ? 1 : 0);
  out.set(ids, HEADER_BYTES + RECIPE_FIXED_BYTES);
  const floats = new Float32Array(out.buffer, offset, body);
  floats.set(t.local.values, 0);
  floats.set(t.global, t.local.values.length);
  return sealTemplate(out);
}

export function decodeSignatureTemplate(bytes: Uint8Array): SignatureTemplate {
  if (bytes.length < HEADER_BYTES) throw new TemplateFormatError(`signature template: ${bytes.length} bytes is shorter than its header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new TemplateFormatError('not a biofuse signature template (bad magic)');
  const version = view.getUint16(4, true);
  if (version > VERSION) throw new TemplateFormatError(`signature template format version ${version} is newer than this build of biofuse reads (${VERSION}); upgrade @biofuse/signature`);
  if (version === 1) throw new TemplateFormatError('signature template format version 1 does not record how it was made (time functions, pen-up samples); extract it again from the signature');
  if (version < 1) throw new TemplateFormatError(`signature template version ${version} is not valid`);
  const checksumBytes = checkedSealLength(bytes, version >= 3, 'signature template');
  const dims = view.getUint16(6, true);
  const length = view.getUint32(8, true);
  const globalDims = view.getUint32(12, true);
  // No frames would make every DTW distance infinite and a user model's normalisation NaN.
  if (dims === 0 || length === 0) throw new TemplateFormatError(`signature template: ${length} frames of ${dims} time functions, nothing to compare (corrupt)`);
  const offset = HEADER_BYTES + recipeBytes(dims);
  const expected = offset + (dims * length + globalDims) * 4 + checksumBytes;
  if (bytes.length !== expected) throw new TemplateFormatError(`signature template: ${bytes.length} bytes, expected ${expected} (truncated or corrupt)`);
  if (globalDims !== GLOBAL_FEATURES.length) {
    throw new TemplateFormatError(`signature template: ${globalDims} global features, this build makes ${GLOBAL_FEATURES.length} (made by another version?)`);
  }
  // Before the frame count: resampling to more than MAX_SAMPLES points made longer templates, and its recipe says so.
  const recipe = decodeRecipe(view, dims);
  // Extraction makes no more otherwise (see MAX_SAMPLES), and DTW over a million frames would run for hours.
  if (length > MAX_SAMPLES) throw new TemplateFormatError(`signature template: ${length} frames, more than a signature has (${MAX_SAMPLES}) (corrupt)`);
  // A copy of its own: a Node Buffer (read from a file or database) is a view into a shared pool, whose .buffer starts elsewhere.
  const floats = new Float32Array(new Uint8Array(bytes.subarray(offset, bytes.length - checksumBytes)).buffer);
  const local = floats.slice(0, dims * length);
  const global = floats.slice(dims * length);
  const problem = valueProblem(local, global, length);
  if (problem) throw new TemplateFormatError(`signature template: ${problem} (corrupt)`);
  return { local: { length, dims, values: local }, global, recipe };
}

/**
 * Why these values cannot be a template's, or undefined. Corrupt bytes still decode as
 * floats: a NaN or infinity would make every score NaN, and a time-function value of 1e38
 * (one flipped exponent bit) scored -1.5e36 where the same signature scored -1.5. Every
 * column is z-normalised over its `length` frames, so no value can exceed sqrt(length).
 */
function valueProblem(local: Float32Array, global: Float32Array, length: number): string | undefined {
  const bound = Math.sqrt(length) + 1e-3;
  for (let k = 0; k < local.length; k++) {
    if (!Number.isFinite(local[k])) return `time-function value ${k} is ${local[k]}, not a finite number`;
    if (Math.abs(local[k]) > bound) return `time-function value ${k} is ${local[k]}, beyond what z-normalising ${length} frames gives (|z| <= ${Math.sqrt(length).toFixed(2)})`;
  }
  for (let k = 0; k < global.length; k++) {
    if (!Number.isFinite(global[k])) return `global feature ${k} is ${global[k]}, not a finite number`;
  }
  return undefined;
}

/** What is wrong with each of the recipe's numbers that extraction does not take (templateOptionsProblem's words), one entry each; empty when it takes them all. */
function unsupportedOptions(recipe: Pick<SignatureRecipe, 'smoothingSamples' | 'resamplePoints'>): string[] {
  return [templateOptionsProblem({ smoothingSamples: recipe.smoothingSamples }), templateOptionsProblem({ resamplePoints: recipe.resamplePoints })].filter((p) => p !== undefined);
}

function decodeRecipe(view: DataView, dims: number): SignatureRecipe {
  const resamplePoints = view.getUint32(HEADER_BYTES, true);
  const smoothingSamples = view.getFloat32(HEADER_BYTES + 4, true);
  const penUp = view.getUint8(HEADER_BYTES + 8);
  // No build wrote these (the encoder has always refused a smoothing that is not finite): the bytes are damaged.
  if (!Number.isFinite(smoothingSamples) || penUp > 1) {
    throw new TemplateFormatError(`signature template: recipe of smoothing ${smoothingSamples}, pen-up flag ${penUp} is not valid (corrupt)`);
  }
  // A readable recipe this build does not make (resamplePoints above MAX_SAMPLES, smoothing 25 or -1 passed in code): no modality
  // could compare the template, but the signature it came from still makes one.
  const unsupported = unsupportedOptions({ smoothingSamples, resamplePoints });
  if (unsupported.length > 0) {
    throw new TemplateFormatError(`signature template: made with options this build does not support (${unsupported.join('; ')}); extract it again from the signature`);
  }
  const functions: TimeFunction[] = [];
  for (let k = 0; k < dims; k++) {
    const id = view.getUint8(HEADER_BYTES + RECIPE_FIXED_BYTES + k);
    const name = TIME_FUNCTIONS[id];
    if (name === undefined) throw new TemplateFormatError(`signature template: time function number ${id} is unknown to this build (made by a newer version, or corrupt)`);
    functions.push(name);
  }
  if (new Set(functions).size !== dims) throw new TemplateFormatError(`signature template: time functions ${functions.join(', ')} name one twice (corrupt)`);
  return { functions: Object.freeze(functions), keepPenUp: penUp === 1, smoothingSamples, resamplePoints };
}
