import { ConfigError } from '@biofuse/core';
import { checkDetectorChoice } from './detect/cascade';
import { chosenModels, type ModelChoice } from './ensemble';

/**
 * How far a face region may be widened, in percent (deepface's expand_percentage): up to three
 * times the box. The recogniser's `expandPercentage` and the command line's `--expand` share it.
 */
export const EXPAND_PERCENT_RANGE: readonly [number, number] = [0, 200];

/**
 * Checks the recogniser's options, for FaceRecognizer.create and an experiment's face params
 * alike. `where` prefixes each message. A value of the wrong kind was no error before: a
 * minConfidence of 5 found no face anywhere, NaN let every candidate through, maxFaces 1.5 kept
 * two faces, an unknown detector was a TypeError on first use.
 */
export function checkRecognizerOptions(options: Readonly<Record<string, unknown>>, where: string): void {
  const fail = (message: string): never => {
    throw new ConfigError(`${where}: ${message}`);
  };
  const got = (v: unknown) => `, got ${typeof v === 'number' ? String(v) : JSON.stringify(v)}`;
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  checkDetectorChoice(options, where);
  // "false" in a YAML file is a string that would switch a flag on.
  for (const key of ['flip', 'align', 'enforceDetection'] as const) {
    const v = options[key];
    if (v !== undefined && typeof v !== 'boolean') fail(`${key} must be true or false${got(v)}`);
  }
  const { expandPercentage, minConfidence, minFaceSize, maxFaces, maxPixels } = options;
  const [minExpand, maxExpand] = EXPAND_PERCENT_RANGE;
  if (expandPercentage !== undefined && !(isNumber(expandPercentage) && expandPercentage >= minExpand && expandPercentage <= maxExpand)) {
    fail(`expandPercentage must be a percentage in ${minExpand}-${maxExpand}${got(expandPercentage)}`);
  }
  // Detector scores are probabilities: above 1 nothing is ever found, below 0 every candidate passes.
  if (minConfidence !== undefined && !(isNumber(minConfidence) && minConfidence >= 0 && minConfidence <= 1)) fail(`minConfidence must be a number in [0, 1]${got(minConfidence)}`);
  if (minFaceSize !== undefined && !(isNumber(minFaceSize) && minFaceSize >= 0)) fail(`minFaceSize must be >= 0 (pixels)${got(minFaceSize)}`);
  if (maxFaces !== undefined && !(Number.isInteger(maxFaces) && (maxFaces as number) >= 1)) fail(`maxFaces must be a whole number >= 1${got(maxFaces)}`);
  // The decoder's pixel limit takes whole numbers only (sharp refuses 1000.5 and Infinity).
  if (maxPixels !== undefined && !(Number.isSafeInteger(maxPixels) && (maxPixels as number) > 0)) fail(`maxPixels must be > 0 (a whole number of pixels)${got(maxPixels)}`);
  const models = options.models;
  const listed = 'models must be a model name, a card path or a list of names or { model, weight }';
  if (models !== undefined && typeof models !== 'string' && !Array.isArray(models)) fail(listed);
  // Each entry too: { model: 5 } or null was a TypeError deep in model loading.
  if (Array.isArray(models)) {
    if (models.length === 0) fail(`${listed}, not an empty list`);
    models.forEach((m: unknown, i) => {
      const entry = m as { model?: unknown; weight?: unknown } | null;
      const ok = typeof m === 'string' || (typeof entry === 'object' && entry !== null && typeof entry.model === 'string' && (entry.weight === undefined || typeof entry.weight === 'number'));
      if (!ok) fail(`${listed}; entry ${i} is ${JSON.stringify(m)}`);
    });
    // The weights' values by the rule resolveModels applies (a list all of weight 0 passed here,
    // to be refused only once models were being set up).
    chosenModels(models as readonly ModelChoice[], `${where}: models`);
  }
}
