import { ConfigError, meanVariance, seededRandom } from '@biofuse/core';
import { FusionError } from '../errors';
import { checkedScore, type FittedFusion, type FusionMethod } from '../fusion-method';
import { MAX_SCORE_MAGNITUDE, type MultiScores } from '../multi-scores';
import { fitNormalisers, isNormaliserKind, NORMALISER_KINDS, type FittedNormaliser, type NormaliserKind } from '../normalise/normalisers';
import {
  fitGaussianMixtureBic,
  mixtureLogDensity,
  prepareComponents,
  type GaussianMixture,
  type PreparedComponent,
} from './gaussian-mixture';
import { checkFiniteNonNegative, checkWholeNumber, refuseUnknownOptions } from './options';
import { storedModalities, storedNormalisers, storedNumbers, storedWeights } from './stored-fusion';
import { clampToRange, storedRange, trainingRange, type TrainingRange } from './training-range';

export interface LikelihoodRatioFusionOptions {
  readonly seed?: number;
  /** Largest component count tried for each class; BIC picks the count (default 6). */
  readonly maxComponents?: number;
  /** Per-modality transform before density estimation (default 'none'). */
  readonly normaliser?: NormaliserKind;
  /** Impostor rows used to fit the impostor density, drawn at random when there are more (default 50,000). */
  readonly maxImpostorRows?: number;
  readonly regularization?: number;
}

/**
 * Likelihood-ratio score fusion (Nandakumar, Chen, Dass & Jain 2008): the genuine and impostor
 * score vectors are each modelled by a Gaussian mixture whose component count BIC chooses, and
 * the fused score is log p(s | genuine) - log p(s | impostor), the Neyman-Pearson optimal
 * statistic when the densities are right. A missing modality is marginalised out of both
 * densities, never imputed. Each score is first clamped into the range the densities were
 * fitted on (TrainingRange): beyond the data the ratio of Gaussian tails is not evidence.
 */
export class LikelihoodRatioFusion implements FusionMethod {
  readonly name: string;
  constructor(readonly opts: LikelihoodRatioFusionOptions = {}) {
    refuseUnknownOptions(opts, ['seed', 'maxComponents', 'normaliser', 'maxImpostorRows', 'regularization'], 'likelihood-ratio fusion');
    if (opts.normaliser !== undefined && !isNormaliserKind(opts.normaliser)) throw new ConfigError(`likelihood-ratio fusion: unknown normaliser ${JSON.stringify(opts.normaliser)} (known: ${NORMALISER_KINDS.join(', ')})`);
    checkOptions(opts);
    this.name = `likelihood-ratio/${opts.normaliser ?? 'none'}`;
  }

  fit(train: MultiScores): FittedFusion {
    const m = train.modalities.length;
    checkModalityCount(m, 'likelihood-ratio fusion');
    const normalisers = fitNormalisers(this.opts.normaliser ?? 'none', train);
    const rng = seededRandom(this.opts.seed ?? 0);
    const complete = (label: number) => {
      const rows: number[] = [];
      for (let i = 0; i < train.labels.length; i++) {
        if (train.labels[i] !== label) continue;
        let ok = true;
        for (let j = 0; j < m; j++) if (Number.isNaN(train.scores[i * m + j])) ok = false;
        if (ok) rows.push(i);
      }
      return rows;
    };
    const genuineRows = complete(1);
    let impostorRows = complete(0);
    const cap = this.opts.maxImpostorRows ?? 50_000;
    if (impostorRows.length > cap) impostorRows = rng.shuffle(impostorRows).slice(0, cap).sort((a, b) => a - b);
    const matrix = (rows: number[]) => {
      const x = new Float64Array(rows.length * m);
      rows.forEach((i, r) => {
        for (let j = 0; j < m; j++) x[r * m + j] = normalisers[j].apply(train.scores[i * m + j]);
      });
      return x;
    };
    if (genuineRows.length < m + 1) throw new FusionError(`likelihood-ratio fusion needs at least ${m + 1} complete genuine training rows, got ${genuineRows.length}`);
    if (impostorRows.length < m + 1) throw new FusionError(`likelihood-ratio fusion needs at least ${m + 1} complete impostor training rows, got ${impostorRows.length}`);
    const genuineX = matrix(genuineRows);
    const impostorX = matrix(impostorRows);
    const range = trainingRange([genuineX, impostorX], m);
    // The densities model scores, normalised or not, within the ±1e100 that scores may reach: the
    // stored means and range are locations (STORED_BOUNDS). Only a tiny spread (a median-MAD of
    // 1e-120) takes normalised training scores past it, and its model was stored but not loaded.
    train.modalities.forEach((name, j) => {
      const far = Math.max(-range.low[j], range.high[j]);
      if (far > MAX_SCORE_MAGNITUDE) throw new FusionError(`likelihood-ratio fusion: ${name}'s ${normalisers[j].kind}-normalised training scores reach ±${far}, beyond the ±${MAX_SCORE_MAGNITUDE} densities are fitted to: choose another normaliser`);
    });
    const referenceVariance = pooledVariance([genuineX, impostorX], m);
    referenceVariance.forEach((v, j) => {
      // A constant has no density: its floor would be 1e-15 and every likelihood rounding noise.
      if (!(v > 0)) throw new FusionError(`likelihood-ratio fusion: ${train.modalities[j]} is constant over the complete training rows; leave it out`);
    });
    // Each class's covariance floor is a share of the variance over both classes, so a class
    // that is constant in one modality (every genuine score capped at 1) keeps a floor on the
    // data's scale and a bounded likelihood.
    const opts = { seed: this.opts.seed ?? 0, maxComponents: this.opts.maxComponents ?? 6, regularization: this.opts.regularization, referenceVariance };
    const genuine = fitGaussianMixtureBic(genuineX, m, opts);
    const impostor = fitGaussianMixtureBic(impostorX, m, opts);
    return fittedLikelihoodRatio(train.modalities, normalisers, range, genuine.model, impostor.model, {
      genuineComponents: genuine.components,
      impostorComponents: impostor.components,
    });
  }
}

/** Refuses counts and floors the fit would misread: a NaN cap meant no cap, a NaN floor a NaN covariance. */
function checkOptions(opts: LikelihoodRatioFusionOptions): void {
  const { maxComponents: k, maxImpostorRows: rows, regularization: r } = opts;
  const what = 'likelihood-ratio fusion';
  checkWholeNumber(k, 'maxComponents', what);
  // Infinity is an explicit "no cap".
  if (rows !== undefined && !((Number.isInteger(rows) && rows >= 1) || rows === Number.POSITIVE_INFINITY)) {
    throw new ConfigError(`${what}: maxImpostorRows must be a whole number >= 1 (or Infinity for no cap), got ${rows}`);
  }
  checkFiniteNonNegative(r, 'regularization', what);
}

export function likelihoodRatioFusionFromJSON(json: {
  modalities: string[];
  normalisers: { kind: NormaliserKind; params: Record<string, number> }[];
  range: TrainingRange;
  genuine: SerializedMixture;
  impostor: SerializedMixture;
}): FittedFusion {
  const what = 'stored likelihood-ratio fusion';
  const modalities = storedModalities(json, what);
  const d = modalities.length;
  checkModalityCount(d, what);
  const mixture = (s: SerializedMixture | undefined, name: string): GaussianMixture => {
    const k = Array.isArray(s?.weights) ? s.weights.length : 0;
    if (s?.dims !== d || k === 0) throw new FusionError(`${what}: "${name}" must be a mixture in ${d} dimensions`);
    const weights = storedWeights(s.weights, k, `${name}.weights`, what);
    // Mixture weights are probabilities: a total off 1 shifts every log-density by its log.
    const total = weights.reduce((a, b) => a + b, 0);
    if (Math.abs(total - 1) > 1e-6) throw new FusionError(`${what}: "${name}.weights" sum to ${total}, not 1`);
    const model = mixtureFromJSON({ dims: d, weights, means: storedNumbers(s.means, k * d, `${name}.means`, what, 'location'), covariances: storedNumbers(s.covariances, k * d * d, `${name}.covariances`, what, 'covariance') });
    // Factorised now, so a covariance that is not positive definite fails the load, not the first score.
    try {
      prepareComponents(model, [...Array(d).keys()]);
    } catch (err) {
      if (err instanceof FusionError) throw new FusionError(`${what}: "${name}.covariances": ${err.message}`);
      throw err;
    }
    return model;
  };
  const genuine = mixture(json.genuine, 'genuine');
  const impostor = mixture(json.impostor, 'impostor');
  return fittedLikelihoodRatio(modalities, storedNormalisers(json.normalisers, d, what), storedRange(json.range, modalities, what), genuine, impostor, { genuineComponents: genuine.weights.length, impostorComponents: impostor.weights.length });
}

/**
 * Scoring keys its marginal densities by a 32-bit mask of the present modalities: from the 33rd
 * on, 1 << j wraps around onto modality j - 32, and a row missing modality 0 was scored NaN.
 */
const MAX_MODALITIES = 31;

function checkModalityCount(m: number, what: string): void {
  if (m > MAX_MODALITIES) throw new FusionError(`${what}: at most ${MAX_MODALITIES} modalities, got ${m}`);
}

interface SerializedMixture {
  dims: number;
  weights: number[];
  means: number[];
  covariances: number[];
}

/** Per column, the variance of the rows of all the row-major matrices together (exactly 0 for a constant column). */
function pooledVariance(matrices: readonly Float64Array[], m: number): Float64Array {
  const rows = matrices.reduce((n, x) => n + x.length / m, 0);
  return Float64Array.from({ length: m }, (_, j) => {
    const values = new Float64Array(rows);
    let r = 0;
    for (const x of matrices) for (let k = j; k < x.length; k += m) values[r++] = x[k];
    return meanVariance(values).variance;
  });
}

function mixtureFromJSON(s: SerializedMixture): GaussianMixture {
  return { dims: s.dims, weights: Float64Array.from(s.weights), means: Float64Array.from(s.means), covariances: Float64Array.from(s.covariances) };
}

function mixtureToJSON(g: GaussianMixture): SerializedMixture {
  return { dims: g.dims, weights: Array.from(g.weights), means: Array.from(g.means), covariances: Array.from(g.covariances) };
}

function fittedLikelihoodRatio(
  modalities: readonly string[],
  normalisers: readonly FittedNormaliser[],
  range: TrainingRange,
  genuine: GaussianMixture,
  impostor: GaussianMixture,
  info: { genuineComponents: number; impostorComponents: number },
): FittedFusion {
  const m = modalities.length;
  // Marginal densities per pattern of present modalities, prepared on first use.
  const cache = new Map<number, { g: PreparedComponent[]; i: PreparedComponent[] }>();
  const normalised = new Float64Array(m);
  return {
    method: `likelihood-ratio/${normalisers[0]?.kind ?? 'none'}`,
    modalities,
    score: checkedScore(modalities, (row) => {
      let mask = 0;
      for (let j = 0; j < m; j++) {
        normalised[j] = clampToRange(range, j, normalisers[j].apply(row[j]));
        if (!Number.isNaN(row[j])) mask |= 1 << j;
      }
      if (mask === 0) return Number.NaN;
      let prepared = cache.get(mask);
      if (!prepared) {
        const observed = modalities.map((_, j) => j).filter((j) => mask & (1 << j));
        prepared = { g: prepareComponents(genuine, observed), i: prepareComponents(impostor, observed) };
        cache.set(mask, prepared);
      }
      return mixtureLogDensity(prepared.g, normalised) - mixtureLogDensity(prepared.i, normalised);
    }),
    toJSON: () => ({
      method: 'likelihood-ratio',
      modalities,
      normalisers: normalisers.map((n) => ({ kind: n.kind, params: n.params })),
      range: { low: [...range.low], high: [...range.high] },
      genuine: mixtureToJSON(genuine),
      impostor: mixtureToJSON(impostor),
      components: info,
    }),
  };
}
