import { ConfigError } from '@biofuse/core';

/**
 * How far one writer's genuine signatures spread on each global feature, pooled over many
 * writers: the square root of the mean, over the writers, of the variance of their own
 * signatures around their own mean. This is the scale a user's few enrolment signatures
 * cannot estimate well (five signatures give a noisy, often tiny spread), so it floors the
 * user's spread when a probe's global features are compared with the user's mean. It is the
 * within-writer spread, not the spread of the whole population: the latter mixes in how
 * writers differ from each other, which is far larger and left the global features useless
 * against skilled forgeries on SVC2004.
 *
 * `referenceSets` holds one entry per writer: the global vectors of that writer's genuine
 * (enrolment) signatures; writers with fewer than two signatures are skipped.
 */
export function pooledWithinUserSpread(referenceSets: readonly (readonly Float32Array[])[]): Float64Array {
  const sets = referenceSets.filter((s) => s.length >= 2);
  if (sets.length === 0) throw new ConfigError('pooledWithinUserSpread needs at least one writer with two signatures');
  const g = sets[0][0].length;
  for (const set of sets) for (const v of set) if (v.length !== g) throw new ConfigError(`pooledWithinUserSpread: global vectors of ${v.length} and ${g} features`);
  const variance = new Float64Array(g);
  for (const set of sets) {
    const mean = new Float64Array(g);
    for (const v of set) for (let k = 0; k < g; k++) mean[k] += v[k] / set.length;
    for (const v of set) for (let k = 0; k < g; k++) variance[k] += (v[k] - mean[k]) ** 2 / set.length / sets.length;
  }
  return variance.map(Math.sqrt);
}

/**
 * `pooledWithinUserSpread` of the SVC2004 Task 2 signatures S1-S10 (the enrolment pool) of all
 * 40 users, in GLOBAL_FEATURES order (bench/fit-global-spread.ts prints it; a test checks it
 * still matches the features). A modality built from a config has no cohort to measure this
 * on, so it uses these; the held-out figures of bench/svc2004.bench.ts instead fit the spread
 * on the tuning half only. Most features are ratios or logs, so the values carry over to other
 * tablets roughly; a deployment with its own enrolled population should pass its own
 * (SignatureModality's second argument).
 */
export const SVC2004_GLOBAL_WITHIN_SPREAD: readonly number[] = Object.freeze([
  0.09621, // logDuration
  0.004737, // penDownRatio
  0.695, // penUps
  0.04627, // logPathToDiagonal
  0.09381, // logAspect
  0.03062, // meanToMaxVelocity
  0.09632, // logMeanVelocity
  0.1365, // logMaxVelocity
  0.08088, // logVxToVy
  0.1728, // logMeanAcceleration
  0.121, // timeOfMaxVelocity
  0.03477, // pressureMeanToMax
  0.03271, // pressureCv
  0.02686, // positiveVxShare
  0.02087, // positiveVyShare
  1.094, // xExtremaRate
  0.947, // yExtremaRate
  0.01601, // direction0
  0.03021, // direction1
  0.02957, // direction2
  0.01392, // direction3
  0.02895, // direction4
  0.02666, // direction5
  0.01757, // direction6
  0.01162, // direction7
]);
