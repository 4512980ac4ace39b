import { seededRandom } from '@biofuse/core';
import { FusionError } from '../errors';
import type { FittedFusion, FusionMethod } from '../fusion-method';
import { column, type MultiScores } from '../multi-scores';
import { fitNormaliser, type FittedNormaliser, type NormaliserKind } from '../normalise/normalisers';
import {
  fitGaussianMixtureBic,
  mixtureLogDensity,
  prepareComponents,
  type GaussianMixture,
  type PreparedComponent,
} from './gaussian-mixture';
import { storedModalities, storedNormalisers, storedNumbers } from './stored-fusion';

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
 * densities, never imputed.
 */
export class LikelihoodRatioFusion implements FusionMethod {
  readonly name: string;
  constructor(readonly opts: LikelihoodRatioFusionOptions = {}) {
    this.name = `likelihood-ratio/${opts.normaliser ?? 'none'}`;
  }

  fit(train: MultiScores): FittedFusion {
    const m = train.modalities.length;
    const kind = this.opts.normaliser ?? 'none';
    const normalisers = train.modalities.map((_, j) => fitNormaliser(kind, column(train, j), train.labels));
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
    const opts = { seed: this.opts.seed ?? 0, maxComponents: this.opts.maxComponents ?? 6, regularization: this.opts.regularization };
    if (genuineRows.length < m + 1) throw new FusionError(`likelihood-ratio fusion needs at least ${m + 1} complete genuine training rows, got ${genuineRows.length}`);
    if (impostorRows.length < m + 1) throw new FusionError(`likelihood-ratio fusion needs at least ${m + 1} complete impostor training rows, got ${impostorRows.length}`);
    const genuine = fitGaussianMixtureBic(matrix(genuineRows), m, opts);
    const impostor = fitGaussianMixtureBic(matrix(impostorRows), m, opts);
    return fittedLikelihoodRatio(train.modalities, normalisers, genuine.model, impostor.model, {
      genuineComponents: genuine.components,
      impostorComponents: impostor.components,
    });
  }
}

export function likelihoodRatioFusionFromJSON(json: {
  modalities: string[];
  normalisers: { kind: NormaliserKind; params: Record<string, number> }[];
  genuine: SerializedMixture;
  impostor: SerializedMixture;
}): FittedFusion {
  const what = 'stored likelihood-ratio fusion';
  const modalities = storedModalities(json, what);
  const d = modalities.length;
  const mixture = (s: SerializedMixture | undefined, name: string): GaussianMixture => {
    const k = Array.isArray(s?.weights) ? s.weights.length : 0;
    if (s?.dims !== d || k === 0) throw new FusionError(`${what}: "${name}" must be a mixture in ${d} dimensions`);
    return mixtureFromJSON({ dims: d, weights: storedNumbers(s.weights, k, `${name}.weights`, what), means: storedNumbers(s.means, k * d, `${name}.means`, what), covariances: storedNumbers(s.covariances, k * d * d, `${name}.covariances`, what) });
  };
  const genuine = mixture(json.genuine, 'genuine');
  const impostor = mixture(json.impostor, 'impostor');
  return fittedLikelihoodRatio(modalities, storedNormalisers(json.normalisers, d, what), genuine, impostor, { genuineComponents: genuine.weights.length, impostorComponents: impostor.weights.length });
}

interface SerializedMixture {
  dims: number;
  weights: number[];
  means: number[];
  covariances: number[];
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
    score(row) {
      let mask = 0;
      for (let j = 0; j < m; j++) {
        normalised[j] = normalisers[j].apply(row[j]);
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
    },
    toJSON: () => ({
      method: 'likelihood-ratio',
      modalities,
      normalisers: normalisers.map((n) => ({ kind: n.kind, params: n.params })),
      genuine: mixtureToJSON(genuine),
      impostor: mixtureToJSON(impostor),
      components: info,
    }),
  };
}
