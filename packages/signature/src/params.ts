import { ConfigError, describeNumber, describeValue } from '@biofuse/core';
import { FRAME_DISTANCES, type FrameDistance } from './compare/dtw';
import { DEFAULT_TIME_FUNCTIONS, TIME_FUNCTIONS, type TimeFunction } from './features/time-functions';
import { MAX_SAMPLES } from './pen-trajectory';

/** Fewest points resampling may ask for. */
const MIN_RESAMPLE_POINTS = 10;
/** Widest smoothing, sigma in samples. */
const MAX_SMOOTHING_SAMPLES = 20;

export const LOCAL_COMBINATIONS = ['min', 'mean', 'min-mean'] as const;
export type LocalCombination = (typeof LOCAL_COMBINATIONS)[number];

/** Every tuned constant of the signature recogniser, in one frozen object. */
export interface SignatureParams {
  /** Time functions compared by DTW. */
  readonly functions: readonly TimeFunction[];
  /** Use hovering (pen-up) samples too. */
  readonly keepPenUp: boolean;
  /** Sakoe-Chiba band half-width, as a share of the longer signature. */
  readonly dtwBand: number;
  /** Cost of aligning two frames in DTW: Euclidean or city-block distance. */
  readonly frameDistance: FrameDistance;
  /**
   * How a probe's DTW distances to the enrolment signatures combine: the nearest, their mean,
   * or the geometric mean of those two (a fixed product rule over both).
   */
  readonly localCombination: LocalCombination;
  /**
   * How that distance is made comparable across users, from the distances among the
   * enrolment signatures: divided by their mean, by the mean of each one's nearest other, or
   * z-scored against them. Each scale is floored (see distanceNormalisation): near-copies among
   * the references would otherwise shrink it and reject genuine probes.
   */
  readonly localNormalisation: 'mean-pairwise' | 'mean-nearest' | 'z-score';
  /**
   * How strongly that normalisation applies: the distance is divided by the user's scale
   * raised to this power (1 = fully relative to the user's own variability, 0 = the raw
   * distance). Five enrolment signatures give a noisy scale, so a partial division can
   * separate forgeries better with one threshold for all users.
   */
  readonly localScaleExponent: number;
  /**
   * Weight of the global-feature distance (the mean over the features of the probe's distance
   * from the user's mean, in units of the user's spread floored by the within-writer spread)
   * next to the (normalised) DTW distance.
   */
  readonly globalWeight: number;
  /** Floor of a global feature's enrolment spread, as a share of its within-writer spread (see pooledWithinUserSpread). */
  readonly globalSpreadFloor: number;
  /** Gaussian smoothing of position and pressure before features, sigma in samples (0 = none). */
  readonly smoothingSamples: number;
  /** Resample every signature to this many points evenly spaced in time (0 = keep the device's sampling; else 10 to MAX_SAMPLES). */
  readonly resamplePoints: number;
}

/**
 * Chosen by the selections on SVC2004 users 1-20 and on users 21-40, each reported on the
 * other half (bench/svc2004-features.bench.ts, bench/svc2004.bench.ts), keeping what both
 * support: the first round's time functions plus azimuth (the first move of the feature search
 * on either half; the search on 21-40 went on to add altitude and drop y, which failed on
 * 1-20); city-block frames (both); the geometric mean of the nearest and the mean distance
 * (chosen on 21-40, within 0.02 points of the best on 1-20); the user's scale to the power 0.6
 * (chosen on 1-20; 21-40 chose 0.4 with its larger set). A global-feature weight of 0.1, the
 * user's spread of each global feature floored by the within-writer spread
 * (SVC2004_GLOBAL_WITHIN_SPREAD, which SignatureModality uses by default). With that spread
 * fitted on the tuning half, the skilled EER by weight 0 / 0.05 / 0.1 / 0.15 / 0.2 / 0.3 is
 * 6.81 / 6.53 / 6.55 / 6.85 / 7.39 / 8.34 % on U1-U20 and 5.95 / 5.61 / 5.35 / 5.25 / 5.24 /
 * 5.24 % on U21-U40: both halves support 0.05-0.1, and 0.1 is the largest that both do (a grid
 * on U21-U40 alone picks 0.3, which raises U1-U20 to 9 %). Figures on all 40 users with these
 * are not held out.
 */
export const DEFAULT_SIGNATURE_PARAMS: SignatureParams = Object.freeze({
  functions: DEFAULT_TIME_FUNCTIONS,
  keepPenUp: true,
  dtwBand: 0.15,
  frameDistance: 'manhattan',
  localCombination: 'min-mean',
  localNormalisation: 'mean-nearest',
  localScaleExponent: 0.6,
  globalWeight: 0.1,
  globalSpreadFloor: 1,
  smoothingSamples: 0,
  resamplePoints: 0,
});

/** Validates parameters from a config (unknown input), filling defaults; throws ConfigError. */
export function parseSignatureParams(raw: unknown): SignatureParams {
  if (raw === undefined || raw === null) return DEFAULT_SIGNATURE_PARAMS;
  // An array is an object too: [] passed as parameters and gave the defaults.
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`signature parameters must be an object, got ${describeValue(raw)}`);
  const r = raw as Record<string, unknown>;
  const known = new Set<string>(Object.keys(DEFAULT_SIGNATURE_PARAMS));
  for (const k of Object.keys(r)) if (!known.has(k)) throw new ConfigError(`unknown signature parameter "${k}" (known: ${[...known].join(', ')})`);
  const out = { ...DEFAULT_SIGNATURE_PARAMS, ...r } as SignatureParams;
  checkTemplateOptions(out, true);
  if (!(typeof out.dtwBand === 'number' && out.dtwBand > 0 && out.dtwBand <= 1)) throw new ConfigError('dtwBand must be in (0, 1]');
  if (!FRAME_DISTANCES.includes(out.frameDistance)) throw new ConfigError(`frameDistance must be ${FRAME_DISTANCES.join(' or ')}`);
  if (!(typeof out.localScaleExponent === 'number' && out.localScaleExponent >= 0 && out.localScaleExponent <= 2)) throw new ConfigError('localScaleExponent must be in [0, 2]');
  if (!LOCAL_COMBINATIONS.includes(out.localCombination)) throw new ConfigError(`localCombination must be ${LOCAL_COMBINATIONS.join(', ')}`);
  if (!['mean-pairwise', 'mean-nearest', 'z-score'].includes(out.localNormalisation)) throw new ConfigError('localNormalisation must be mean-pairwise, mean-nearest or z-score');
  if (!(typeof out.globalWeight === 'number' && Number.isFinite(out.globalWeight) && out.globalWeight >= 0)) throw new ConfigError('globalWeight must be a finite number >= 0');
  if (!(typeof out.globalSpreadFloor === 'number' && Number.isFinite(out.globalSpreadFloor) && out.globalSpreadFloor >= 0)) throw new ConfigError('globalSpreadFloor must be a finite number >= 0');
  return Object.freeze({ ...out, functions: Object.freeze([...out.functions]) });
}

type TemplateOptionsInput = { readonly functions?: unknown; readonly keepPenUp?: unknown; readonly smoothingSamples?: unknown; readonly resamplePoints?: unknown };

/** Throws ConfigError for the options' problem (see templateOptionsProblem). */
export function checkTemplateOptions(o: TemplateOptionsInput, required = false): void {
  const problem = templateOptionsProblem(o, required);
  if (problem !== undefined) throw new ConfigError(problem);
}

/**
 * Why the options that make a template (those parseSignatureParams checks, and
 * extractSignatureTemplate takes directly) are not valid, or undefined when they are; a missing
 * one takes its default (with `required`, as from parseSignatureParams, none may be missing).
 * Unchecked, an unknown function or an infinite smoothing crashes untyped, and a resampling to 1
 * point or a NaN smoothing would be skipped while the template's recipe records it.
 */
export function templateOptionsProblem(o: TemplateOptionsInput, required = false): string | undefined {
  const { functions, keepPenUp, smoothingSamples, resamplePoints } = o;
  const given = (v: unknown) => required || v !== undefined;
  if (given(functions)) {
    if (!Array.isArray(functions) || functions.length === 0 || functions.some((f) => !TIME_FUNCTIONS.includes(f))) {
      return `functions must be a non-empty list of ${TIME_FUNCTIONS.join(', ')}`;
    }
    if (new Set(functions).size !== functions.length) return `functions lists a time function twice: ${functions.join(', ')}`;
  }
  if (given(keepPenUp) && typeof keepPenUp !== 'boolean') return 'keepPenUp must be true or false';
  if (given(smoothingSamples) && !(typeof smoothingSamples === 'number' && smoothingSamples >= 0 && smoothingSamples <= MAX_SMOOTHING_SAMPLES)) {
    return `smoothingSamples must be in [0, ${MAX_SMOOTHING_SAMPLES}], got ${describeNumber(smoothingSamples)}`;
  }
  // No more points than a recording may hold (MAX_SAMPLES), so no template has more frames than DTW is sized for.
  if (given(resamplePoints) && !(Number.isInteger(resamplePoints) && (resamplePoints === 0 || ((resamplePoints as number) >= MIN_RESAMPLE_POINTS && (resamplePoints as number) <= MAX_SAMPLES)))) {
    return `resamplePoints must be 0 or an integer in [${MIN_RESAMPLE_POINTS}, ${MAX_SAMPLES}], got ${describeNumber(resamplePoints)}`;
  }
  return undefined;
}
