import { ConfigError } from '@biofuse/core';
import { FusionError } from '../errors';
import { checkedScore, type FittedFusion, type FusionMethod } from '../fusion-method';
import type { MultiScores } from '../multi-scores';
import { fitNormalisers, isNormaliserKind, NORMALISER_KINDS, type FittedNormaliser, type NormaliserKind } from '../normalise/normalisers';
import { checkFiniteNonNegative, refuseUnknownOptions } from './options';
import { eerWeights, weightedMean } from './rule-fusion';
import { storedModalities, storedNormalisers, storedWeights } from './stored-fusion';

export interface UserWeightedFusionOptions {
  /** Normaliser fitted on all training scores, per modality (default z-score). */
  readonly normaliser?: NormaliserKind;
  /**
   * Relevance factor r of the MAP adaptation: a user's genuine mean counts n / (n + r) against
   * the population's when n of their genuine comparisons are in the training scores (default
   * 0.5, chosen on a simulated development seed by `bench/user-weights.bench.ts`).
   */
  readonly relevance?: number;
}

const DEFAULT_RELEVANCE = 0.5;

/**
 * Weighted sum with weights per enrolled user (after Jain & Ross 2002, with the user's
 * estimates adapted towards the population's as in Fierrez-Aguilar et al. 2005). The
 * population weights are weighted-sum's (1 / EER on the training scores). A user's weight for a
 * modality is the population's times how well that modality separates for this user relative
 * to everyone: (user's genuine mean - impostor mean) / (genuine mean - impostor mean), on the
 * normalised scores, with the user's genuine mean adapted from the population's by their own
 * genuine comparisons (as the reference). A user with no genuine training comparison therefore
 * gets exactly weighted-sum's weights. Impostor means stay the population's: adapting them too
 * changed nothing measurable (simulated development seed 5.93 vs 6.01 % EER, BSSR1 the same),
 * so the simpler rule stays.
 * Fitting needs several genuine comparisons per user to help, so it is evaluated with a split
 * of each user's comparisons (`crossValidate(..., { protocol: 'within-subject' })`), not a
 * subject-disjoint one, where every test user is unseen.
 */
export class UserWeightedFusion implements FusionMethod {
  readonly name: string;
  constructor(readonly opts: UserWeightedFusionOptions = {}) {
    refuseUnknownOptions(opts, ['normaliser', 'relevance'], 'user-weighted-sum');
    // ConfigError, not FusionError: a caller that skips methods which cannot be fitted must not skip a bad setting.
    checkFiniteNonNegative(opts.relevance, 'relevance', 'user-weighted-sum');
    if (opts.normaliser !== undefined && !isNormaliserKind(opts.normaliser)) throw new ConfigError(`user-weighted-sum: unknown normaliser ${JSON.stringify(opts.normaliser)} (known: ${NORMALISER_KINDS.join(', ')})`);
    this.name = `user-weighted-sum/${opts.normaliser ?? 'z-score'}`;
  }

  fit(train: MultiScores): FittedFusion {
    const m = train.modalities.length;
    const relevance = this.opts.relevance ?? DEFAULT_RELEVANCE;
    const normalisers = fitNormalisers(this.opts.normaliser ?? 'z-score', train);
    const population = Float64Array.from(eerWeights(train));
    const stats = new ClassMoments(m);
    const perUser = new Map<number, ClassMoments>();
    const n = train.labels.length;
    for (let i = 0; i < n; i++) {
      const u = train.referenceSubject[i];
      let user = perUser.get(u);
      if (!user) perUser.set(u, (user = new ClassMoments(m)));
      for (let j = 0; j < m; j++) {
        const raw = train.scores[i * m + j];
        if (Number.isNaN(raw)) continue;
        const v = normalisers[j].apply(raw);
        stats.add(train.labels[i], j, v);
        user.add(train.labels[i], j, v);
      }
    }
    const genuine = stats.means(1);
    const impostor = stats.means(0);
    const separation = Float64Array.from(genuine, (g, j) => g - impostor[j]);
    separation.forEach((d, j) => {
      if (!(d > 0)) throw new FusionError(`user-weighted-sum: ${train.modalities[j]}'s genuine training scores are not above its impostor scores on average`);
    });
    const users = new Map<number, Float64Array>();
    for (const [u, moments] of perUser) {
      // Without a genuine comparison of the user there is nothing user-specific to weigh by.
      if (!moments.count[1].some((c) => c > 0)) continue;
      const adapted = moments.adaptedMeans(1, genuine, relevance);
      const w = Float64Array.from(population, (p, j) => p * Math.max(0, (adapted[j] - impostor[j]) / separation[j]));
      let total = 0;
      for (const v of w) total += v;
      if (!(total > 0)) continue;
      for (let j = 0; j < m; j++) w[j] /= total;
      users.set(u, w);
    }
    return fittedUserWeighted(train.modalities, normalisers, population, users);
  }
}

/** Rebuilds a fitted user-weighted fusion from its JSON. */
export function userWeightedFusionFromJSON(json: {
  modalities: string[];
  normalisers: { kind: NormaliserKind; params: Record<string, number> }[];
  populationWeights: number[];
  userWeights: Record<string, number[]>;
}): FittedFusion {
  const what = 'stored user-weighted fusion';
  const modalities = storedModalities(json, what);
  const m = modalities.length;
  if (typeof json.userWeights !== 'object' || json.userWeights === null) throw new FusionError(`${what}: "userWeights" must map users to weights`);
  const users = new Map<number, Float64Array>();
  for (const [u, w] of Object.entries(json.userWeights)) {
    // Keys are subject ids: "abc" was NaN, a user no comparison could ever select.
    if (!/^(0|[1-9][0-9]*)$/.test(u) || !Number.isSafeInteger(Number(u))) throw new FusionError(`${what}: "userWeights" key ${JSON.stringify(u)} is not a subject id (a whole number >= 0)`);
    // A user's weight may be 0 for a modality that does not separate for them, not for all.
    users.set(Number(u), Float64Array.from(storedWeights(w, m, `userWeights.${u}`, what, { zero: true })));
  }
  return fittedUserWeighted(modalities, storedNormalisers(json.normalisers, m, what), Float64Array.from(storedWeights(json.populationWeights, m, 'populationWeights', what)), users);
}

function fittedUserWeighted(
  modalities: readonly string[],
  normalisers: readonly FittedNormaliser[],
  population: Float64Array,
  users: ReadonlyMap<number, Float64Array>,
): FittedFusion {
  return {
    method: `user-weighted-sum/${normalisers[0]?.kind ?? 'none'}`,
    modalities,
    score: checkedScore(modalities, (row, _quality, subject) => {
      const own = subject === undefined ? undefined : users.get(subject);
      const fused = weightedMean(row, normalisers, own ?? population);
      // A user's weights may be 0 on every modality present here: the population's then, not NaN ("not scored").
      return Number.isNaN(fused) && own ? weightedMean(row, normalisers, population) : fused;
    }),
    toJSON: () => ({
      method: 'user-weighted-sum',
      modalities,
      normalisers: normalisers.map((n) => ({ kind: n.kind, params: n.params })),
      populationWeights: Array.from(population),
      userWeights: Object.fromEntries(Array.from(users, ([u, w]) => [String(u), Array.from(w)])),
    }),
  };
}

/** Count and sum of normalised scores per class (0 impostor, 1 genuine) and modality. */
class ClassMoments {
  readonly count: [Float64Array, Float64Array];
  readonly sum: [Float64Array, Float64Array];
  constructor(m: number) {
    this.count = [new Float64Array(m), new Float64Array(m)];
    this.sum = [new Float64Array(m), new Float64Array(m)];
  }

  add(label: number, j: number, v: number): void {
    const c = label ? 1 : 0;
    this.count[c][j]++;
    this.sum[c][j] += v;
  }

  means(label: 0 | 1): Float64Array {
    return Float64Array.from(this.sum[label], (s, j) => s / this.count[label][j]);
  }

  /** MAP estimate of this user's class means, with `prior` (the population's) weighing as `relevance` comparisons. */
  adaptedMeans(label: 0 | 1, prior: Float64Array, relevance: number): Float64Array {
    return Float64Array.from(prior, (p, j) => {
      const n = this.count[label][j];
      return n + relevance === 0 ? p : (this.sum[label][j] + relevance * p) / (n + relevance);
    });
  }
}
