import { ConfigError, describeNumber, type Score, TemplateFormatError } from '@biofuse/core';
import { DuplicateEnrolmentError, SignatureAcquisitionError } from '../errors';
import { LOCAL_COMBINATIONS, type SignatureParams } from '../params';
import { checkSameRecipe, type SignatureTemplate } from '../template';
import { distanceNormalisation } from './distance-normalisation';
import { dtwDistance, type DtwOptions } from './dtw';

/** The DTW options the parameters ask for. */
export function dtwOptions(params: SignatureParams): DtwOptions {
  return { band: params.dtwBand, frameDistance: params.frameDistance };
}

/** Distance between the time functions of two signatures; by default DTW as the parameters say. */
export type LocalDistance = (a: SignatureTemplate, b: SignatureTemplate) => number;

export function dtwLocalDistance(params: SignatureParams): LocalDistance {
  const opts = dtwOptions(params);
  return (a, b) => {
    checkSameRecipe(a.recipe, b.recipe);
    return dtwDistance(a.local, b.local, opts);
  };
}

/**
 * A user enrolled from several genuine signatures: the signatures themselves, how far they
 * lie from each other (the user's own variability, which scales every probe's distance), and
 * the mean and spread of their global features.
 */
export interface SignatureUserModel {
  readonly references: readonly SignatureTemplate[];
  /**
   * Centre and scale of the DTW distances among the enrolment signatures (0 and 1 with a
   * single signature); the scale is floored (distanceNormalisation), so always positive.
   */
  readonly localCentre: number;
  readonly localScale: number;
  readonly globalMean: Float64Array;
  readonly globalSpread: Float64Array;
}

/**
 * Spread of each global feature, measured once on a development set or over the enrolled
 * population (see pooledWithinUserSpread: the within-writer spread), floors the spread of a
 * user's few enrolment signatures; `globalSpreadFloor` scales it.
 */
export type PopulationSpread = ArrayLike<number> | undefined;

/** `distance` replaces DTW (a benchmark passes a memoised one); it must be what `params` describe. */
export function enrolUser(
  references: readonly SignatureTemplate[],
  params: SignatureParams,
  population?: PopulationSpread,
  distance: LocalDistance = dtwLocalDistance(params),
): SignatureUserModel {
  if (references.length === 0) throw new SignatureAcquisitionError('no_enrolment', 'a user model needs at least one enrolment signature');
  const r = references.length;
  for (const t of references) {
    checkGlobalLength(t, references[0].global.length);
    checkSameRecipe(references[0].recipe, t.recipe, 'enrolment signatures');
  }
  if (population !== undefined && population.length !== references[0].global.length) {
    throw new TemplateFormatError(`templates with ${references[0].global.length} global features cannot use a population spread of ${population.length}`);
  }
  // Math.max(spread, NaN) is NaN: one NaN in a spread read from a file scored every probe NaN, and an infinite one dropped its feature from every score.
  const badSpread = population === undefined ? -1 : Array.prototype.findIndex.call(population, (v: unknown) => !(typeof v === 'number' && Number.isFinite(v) && v >= 0));
  if (population !== undefined && badSpread >= 0) {
    throw new ConfigError(`the population spread of global feature ${badSpread} is ${describeNumber(population[badSpread])}; every spread must be a finite number >= 0`);
  }
  const d = referenceDistances(references, distance);
  const { localCentre, localScale } = distanceNormalisation(d, r, references[0].local.dims, params);
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

/**
 * The DTW distances among the references (r x r). Refuses a distance that is not finite (it
 * made the user's scale Infinity and every score NaN) and copies of one signature (see
 * DuplicateEnrolmentError), naming the references by their place in the list.
 */
function referenceDistances(references: readonly SignatureTemplate[], distance: LocalDistance): Float64Array {
  const r = references.length;
  const name = (i: number) => `enrolment signature ${i + 1} of ${r}`;
  const d = new Float64Array(r * r);
  const copies: [number, number][] = [];
  for (let i = 0; i < r; i++) {
    for (let j = i + 1; j < r; j++) {
      const v = distance(references[i], references[j]);
      if (!Number.isFinite(v) || v < 0) throw new TemplateFormatError(`${name(i)} and ${name(j)} are at distance ${v}; a user model needs finite, non-negative distances among its references`);
      if (v === 0) copies.push([i, j]);
      d[i * r + j] = d[j * r + i] = v;
    }
  }
  if (copies.length > 0) throw new DuplicateEnrolmentError(copies);
  return d;
}

/** A probe's distances to the enrolment signatures as one number (see SignatureParams.localCombination). */
export function combineDistances(d: readonly number[], how: SignatureParams['localCombination']): number {
  // No distances combined to NaN, a NaN distance went through, and an unknown rule ('median') ran as 'min-mean'.
  if (!LOCAL_COMBINATIONS.includes(how)) throw new ConfigError(`localCombination must be ${LOCAL_COMBINATIONS.join(', ')}, got ${describeNumber(how)}`);
  if (d.length === 0) throw new ConfigError('no distances to combine: a user model has at least one reference');
  if (d.some((v) => !(v >= 0))) throw new ConfigError(`distances to combine must be numbers >= 0, got ${d.join(', ')}`);
  const nearest = Math.min(...d);
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  if (how === 'min') return nearest;
  if (how === 'mean') return mean;
  return Math.sqrt(nearest * mean);
}

/** Similarity of a probe to an enrolled user: minus the user-normalised DTW and global distances. */
export function scoreAgainstUser(
  model: SignatureUserModel,
  probe: SignatureTemplate,
  params: SignatureParams,
  distance: LocalDistance = dtwLocalDistance(params),
): Score {
  return scoreFromDistances(model, probe, model.references.map((r) => distance(r, probe)), params);
}

/**
 * The score of a probe given its local distance to each of the user's references. The total
 * distance never falls when one of them grows, so lower bounds of the DTW distances give a
 * lower bound of the total (see identifySigner).
 */
export function scoreFromDistances(model: SignatureUserModel, probe: SignatureTemplate, d: readonly number[], params: SignatureParams): Score {
  checkGlobalLength(probe, model.globalMean.length);
  checkSameRecipe(model.references[0].recipe, probe.recipe, 'the probe and the enrolment signatures');
  const combined = combineDistances(d, params.localCombination);
  const local = (combined - model.localCentre) / model.localScale ** params.localScaleExponent;
  let global = 0;
  const g = model.globalMean.length;
  for (let k = 0; k < g; k++) global += Math.abs(probe.global[k] - model.globalMean[k]) / model.globalSpread[k];
  global /= g;
  const total = local + params.globalWeight * global;
  return { similarity: -total, distance: total, details: { local, global } };
}

/** Global feature vectors of another length would score NaN, silently: refuse them. */
function checkGlobalLength(t: SignatureTemplate, expected: number): void {
  if (t.global.length !== expected) {
    throw new TemplateFormatError(`a signature template with ${t.global.length} global features cannot be scored against ${expected} (made by another version?)`);
  }
}
