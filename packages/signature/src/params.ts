import { ConfigError } from '@biofuse/core';
import { DEFAULT_TIME_FUNCTIONS, TIME_FUNCTIONS, type TimeFunction } from './features/time-functions';

/** Every tuned constant of the signature recogniser, in one frozen object. */
export interface SignatureParams {
  /** Time functions compared by DTW. */
  readonly functions: readonly TimeFunction[];
  /** Use hovering (pen-up) samples too. */
  readonly keepPenUp: boolean;
  /** Sakoe-Chiba band half-width, as a share of the longer signature. */
  readonly dtwBand: number;
  /** How a probe's DTW distances to the enrolment signatures combine: the nearest, or their mean. */
  readonly localCombination: 'min' | 'mean';
  /**
   * How that distance is made comparable across users, from the distances among the
   * enrolment signatures: divided by their mean, by the mean of each one's nearest other, or
   * z-scored against them.
   */
  readonly localNormalisation: 'mean-pairwise' | 'mean-nearest' | 'z-score';
  /** Weight of the global-feature distance next to the (normalised) DTW distance. */
  readonly globalWeight: number;
  /** Floor of a global feature's enrolment spread, as a share of its population spread. */
  readonly globalSpreadFloor: number;
  /** Gaussian smoothing of position and pressure before features, sigma in samples (0 = none). */
  readonly smoothingSamples: number;
  /** Resample every signature to this many points evenly spaced in time (0 = keep the device's sampling). */
  readonly resamplePoints: number;
}

/** Chosen on SVC2004 users 1-20 only (bench/svc2004.bench.ts reports users 21-40 too). */
export const DEFAULT_SIGNATURE_PARAMS: SignatureParams = Object.freeze({
  functions: DEFAULT_TIME_FUNCTIONS,
  keepPenUp: true,
  dtwBand: 0.15,
  localCombination: 'min',
  localNormalisation: 'mean-nearest',
  globalWeight: 0,
  globalSpreadFloor: 1,
  smoothingSamples: 0,
  resamplePoints: 0,
});

/** Validates parameters from a config (unknown input), filling defaults; throws ConfigError. */
export function parseSignatureParams(raw: unknown): SignatureParams {
  if (raw === undefined || raw === null) return DEFAULT_SIGNATURE_PARAMS;
  if (typeof raw !== 'object') throw new ConfigError('signature parameters must be an object');
  const r = raw as Record<string, unknown>;
  const known = new Set<string>(Object.keys(DEFAULT_SIGNATURE_PARAMS));
  for (const k of Object.keys(r)) if (!known.has(k)) throw new ConfigError(`unknown signature parameter "${k}" (known: ${[...known].join(', ')})`);
  const out = { ...DEFAULT_SIGNATURE_PARAMS, ...r } as SignatureParams;
  if (!Array.isArray(out.functions) || out.functions.length === 0 || out.functions.some((f) => !TIME_FUNCTIONS.includes(f))) {
    throw new ConfigError(`functions must be a non-empty list of ${TIME_FUNCTIONS.join(', ')}`);
  }
  if (typeof out.keepPenUp !== 'boolean') throw new ConfigError('keepPenUp must be true or false');
  if (!(typeof out.dtwBand === 'number' && out.dtwBand > 0 && out.dtwBand <= 1)) throw new ConfigError('dtwBand must be in (0, 1]');
  if (out.localCombination !== 'min' && out.localCombination !== 'mean') throw new ConfigError('localCombination must be "min" or "mean"');
  if (!['mean-pairwise', 'mean-nearest', 'z-score'].includes(out.localNormalisation)) throw new ConfigError('localNormalisation must be mean-pairwise, mean-nearest or z-score');
  if (!(typeof out.globalWeight === 'number' && out.globalWeight >= 0)) throw new ConfigError('globalWeight must be >= 0');
  if (!(typeof out.globalSpreadFloor === 'number' && out.globalSpreadFloor >= 0)) throw new ConfigError('globalSpreadFloor must be >= 0');
  if (!(typeof out.smoothingSamples === 'number' && out.smoothingSamples >= 0 && out.smoothingSamples <= 20)) throw new ConfigError('smoothingSamples must be in [0, 20]');
  if (!(Number.isInteger(out.resamplePoints) && (out.resamplePoints === 0 || out.resamplePoints >= 10))) throw new ConfigError('resamplePoints must be 0 or an integer >= 10');
  return Object.freeze(out);
}
