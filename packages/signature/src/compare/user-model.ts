import type { Score } from '@biofuse/core';
import { SignatureAcquisitionError } from '../errors';
import type { SignatureParams } from '../params';
import type { SignatureTemplate } from '../template';
import { dtwDistance } from './dtw';

/**
 * A user enrolled from several genuine signatures: the signatures themselves, how far they
 * lie from each other (the user's own variability, which scales every probe's distance), and
 * the mean and spread of their global features.
 */
export interface SignatureUserModel {
  readonly references: readonly SignatureTemplate[];
  /** Centre and scale of the DTW distances among the enrolment signatures (0 and 1 with a single signature). */
  readonly localCentre: number;
  readonly localScale: number;
  readonly globalMean: Float64Array;
  readonly globalSpread: Float64Array;
}

/**
 * Population spread of each global feature, measured once on a development set, floors the
 * spread of a user's few enrolment signatures; `globalSpreadFloor` scales it.
 */
export type PopulationSpread = Float64Array | undefined;

export function enrolUser(references: readonly SignatureTemplate[], params: SignatureParams, population?: PopulationSpread): SignatureUserModel {
  if (references.length === 0) throw new SignatureAcquisitionError('no_enrolment', 'a user model needs at least one enrolment signature');
  const r = references.length;
  const d = new Float64Array(r * r);
  const pairwise: number[] = [];
  for (let i = 0; i < r; i++) {
    for (let j = i + 1; j < r; j++) {
      d[i * r + j] = d[j * r + i] = dtwDistance(references[i].local, references[j].local, { band: params.dtwBand });
      pairwise.push(d[i * r + j]);
    }
  }
  const { localCentre, localScale } = distanceNormalisation(d, r, pairwise, params.localNormalisation);
  const g = references[0].global.length;
  const globalMean = new Float64Array(g);
  const globalSpread = new Float64Array(g);
  for (const r of references) for (let k = 0; k < g; k++) globalMean[k] += r.global[k] / references.length;
  for (const r of references) for (let k = 0; k < g; k++) globalSpread[k] += (r.global[k] - globalMean[k]) ** 2 / references.length;
  for (let k = 0; k < g; k++) {
    const floor = population ? params.globalSpreadFloor * population[k] : params.globalSpreadFloor * (Math.abs(globalMean[k]) + 1e-3);
    globalSpread[k] = Math.max(Math.sqrt(globalSpread[k]), floor, 1e-6);
  }
  return { references, localCentre, localScale, globalMean, globalSpread };
}

function distanceNormalisation(
  d: Float64Array,
  r: number,
  pairwise: readonly number[],
  how: SignatureParams['localNormalisation'],
): { localCentre: number; localScale: number } {
  if (pairwise.length === 0) return { localCentre: 0, localScale: 1 };
  const mean = pairwise.reduce((a, b) => a + b, 0) / pairwise.length;
  if (how === 'mean-nearest') {
    let s = 0;
    for (let i = 0; i < r; i++) {
      let nearest = Number.POSITIVE_INFINITY;
      for (let j = 0; j < r; j++) if (j !== i) nearest = Math.min(nearest, d[i * r + j]);
      s += nearest / r;
    }
    return { localCentre: 0, localScale: s > 0 ? s : 1 };
  }
  if (how === 'z-score') {
    const sd = Math.sqrt(pairwise.reduce((a, b) => a + (b - mean) ** 2, 0) / pairwise.length);
    // Five signatures give ten distances: floor the spread so one lucky set does not explode the scores.
    return { localCentre: mean, localScale: Math.max(sd, 0.1 * mean, 1e-9) };
  }
  return { localCentre: 0, localScale: mean > 0 ? mean : 1 };
}

/** Similarity of a probe to an enrolled user: minus the user-normalised DTW and global distances. */
export function scoreAgainstUser(model: SignatureUserModel, probe: SignatureTemplate, params: SignatureParams): Score {
  const d = model.references.map((r) => dtwDistance(r.local, probe.local, { band: params.dtwBand }));
  const combined = params.localCombination === 'min' ? Math.min(...d) : d.reduce((a, b) => a + b, 0) / d.length;
  const local = (combined - model.localCentre) / model.localScale;
  let global = 0;
  const g = model.globalMean.length;
  for (let k = 0; k < g; k++) global += Math.abs(probe.global[k] - model.globalMean[k]) / model.globalSpread[k];
  global /= g;
  const distance = local + params.globalWeight * global;
  return { similarity: -distance, distance, details: { local, global } };
}
