import { ConfigError, equalErrorRate, errorRateCurve, scoreSet } from '@biofuse/core';
import { FusionError } from '../errors';
import { checkedScore, type FittedFusion, type FusionMethod } from '../fusion-method';
import { column, type MultiScores } from '../multi-scores';
import { fitNormalisers, isNormaliserKind, NORMALISER_KINDS, POSITIVE_NORMALISER_KINDS, type FittedNormaliser, type NormaliserKind } from '../normalise/normalisers';
import { finiteValues } from '../statistics';
import { refuseUnknownOptions } from './options';
import { checkedWeights, storedModalities, storedNormalisers, storedWeights } from './stored-fusion';

export type FixedRule = 'sum' | 'weighted-sum' | 'product' | 'max' | 'min';

export interface RuleFusionOptions {
  readonly rule: FixedRule;
  /**
   * Default min-max. product needs one whose outputs are positive (min-max, tanh,
   * double-sigmoid): it averages their logs.
   */
  readonly normaliser?: NormaliserKind;
  /**
   * Weights of `weighted-sum` (only), one per modality, each above 0. When omitted they are
   * fitted: each modality's weight is proportional to 1 / EER on the training scores (matcher
   * weighting).
   */
  readonly weights?: readonly number[];
  /**
   * sum and weighted-sum only: multiply each modality's weight by the comparison's sample
   * quality for it, so a poor sample counts less (a missing quality counts as 1). When every
   * present modality has quality 0 they keep their plain weights: a poor sample counts less,
   * it does not make a scored comparison unscored.
   */
  readonly qualityWeighted?: boolean;
}

/**
 * Fixed combination rules over normalised scores. Missing modalities (NaN), one policy per rule:
 * - sum, weighted sum: the (weighted) mean of the present scores, not a zero filled in;
 * - product: the geometric mean of the present scores;
 * - max: the largest present score, which is what a missing one counted as the lowest gives;
 * - min: -Infinity, the lowest fused value, when any modality is missing: min asks every
 *   modality to vouch, and a failure to acquire is never an accept (ISO/IEC 19795-1), so one
 *   scored modality must not rank above a comparison both scored.
 * A row with no modality present is NaN (no system scored it) under every rule.
 */
export class RuleFusion implements FusionMethod {
  readonly name: string;
  constructor(readonly opts: RuleFusionOptions) {
    refuseUnknownOptions(opts, ['rule', 'normaliser', 'weights', 'qualityWeighted'], 'rule fusion');
    const problem = ruleProblem(opts.rule, [opts.normaliser ?? 'min-max'], opts.qualityWeighted ?? false);
    if (problem) throw new ConfigError(problem);
    if (opts.weights !== undefined) {
      if (opts.rule !== 'weighted-sum') throw new ConfigError(`weights apply to weighted-sum only; ${opts.rule} would ignore them`);
      checkedWeights(opts.weights, 'weights', {}, (m) => new ConfigError(`weighted-sum: ${m}`));
    }
    this.name = `${opts.rule}/${opts.normaliser ?? 'min-max'}${opts.qualityWeighted ? '/quality' : ''}`;
  }

  fit(train: MultiScores): FittedFusion {
    const normalisers = fitNormalisers(this.opts.normaliser ?? 'min-max', train);
    let weights: number[] = train.modalities.map(() => 1);
    if (this.opts.rule === 'weighted-sum') {
      weights = this.opts.weights ? [...this.opts.weights] : eerWeights(train);
      if (weights.length !== train.modalities.length) {
        throw new FusionError(`weighted-sum: ${weights.length} weights for ${train.modalities.length} modalities`);
      }
    }
    return fittedRule(this.opts.rule, train.modalities, normalisers, weights, this.opts.qualityWeighted ?? false);
  }
}

/** Rebuilds a fitted rule fusion from its JSON. */
export function ruleFusionFromJSON(json: {
  rule: FixedRule;
  modalities: string[];
  normalisers: { kind: NormaliserKind; params: Record<string, number> }[];
  weights: number[];
  qualityWeighted?: boolean;
}): FittedFusion {
  const what = 'stored rule fusion';
  if (!isFixedRule(json?.rule)) throw new FusionError(`${what}: ${ruleProblem(json?.rule, [], false)}`);
  const modalities = storedModalities(json, what);
  const normalisers = storedNormalisers(json.normalisers, modalities.length, what);
  const qualityWeighted = json.qualityWeighted === true;
  const problem = ruleProblem(json.rule, normalisers.map((n) => n.kind), qualityWeighted);
  if (problem) throw new FusionError(`${what}: ${problem}`);
  return fittedRule(json.rule, modalities, normalisers, storedWeights(json.weights, modalities.length, 'weights', what), qualityWeighted);
}

function isFixedRule(rule: unknown): rule is FixedRule {
  // An own key only: "toString" or "constructor" from a file must not select Object's methods.
  return typeof rule === 'string' && Object.hasOwn(COMBINERS, rule);
}

/** What is wrong with a rule's settings, if anything: one check for configured (ConfigError) and stored (FusionError) rules. */
function ruleProblem(rule: unknown, kinds: readonly unknown[], qualityWeighted: boolean): string | undefined {
  if (!isFixedRule(rule)) return `unknown rule ${JSON.stringify(rule)} (known: ${Object.keys(COMBINERS).join(', ')})`;
  for (const kind of kinds) {
    if (!isNormaliserKind(kind)) return `unknown normaliser ${JSON.stringify(kind)} (known: ${NORMALISER_KINDS.join(', ')})`;
    // The product averages logs: with outputs of 0 or below floored, every row holding one tied.
    if (rule === 'product' && !POSITIVE_NORMALISER_KINDS.includes(kind)) {
      return `product needs a normaliser whose outputs are positive (${POSITIVE_NORMALISER_KINDS.join(', ')}); ${kind} gives scores of 0 or below, which the product cannot rank`;
    }
  }
  if (qualityWeighted && rule !== 'sum' && rule !== 'weighted-sum') return `quality weighting applies to sum and weighted-sum, not ${rule}`;
  return undefined;
}

function fittedRule(rule: FixedRule, modalities: readonly string[], normalisers: readonly FittedNormaliser[], weights: readonly number[], qualityWeighted: boolean): FittedFusion {
  const combine = COMBINERS[rule];
  const effective = new Float64Array(weights.length);
  return {
    method: `${rule}/${normalisers[0]?.kind ?? 'none'}${qualityWeighted ? '/quality' : ''}`,
    modalities,
    score: checkedScore(modalities, (row, quality) => {
      if (!qualityWeighted || !quality) return combine(row, normalisers, weights);
      let present = 0;
      for (let j = 0; j < weights.length; j++) {
        effective[j] = weights[j] * (Number.isNaN(quality[j]) ? 1 : quality[j]);
        if (!Number.isNaN(row[j])) present += effective[j];
      }
      // Every present sample of quality 0: weighed as without quality, not NaN ("no system scored it").
      return combine(row, normalisers, present > 0 ? effective : weights);
    }),
    toJSON: () => ({ method: 'rule', rule, modalities, normalisers: normalisers.map((n) => ({ kind: n.kind, params: n.params })), weights, qualityWeighted }),
  };
}

type Combiner = (row: ArrayLike<number>, n: readonly FittedNormaliser[], w: ArrayLike<number>) => number;

// Only min-max reaches 0 or below (scores under the training minimum), and tanh and the double
// sigmoid underflow to 0 far out: such scores rank alike at the floor instead of giving log(0).
const PRODUCT_FLOOR = 1e-6;

const COMBINERS: Record<FixedRule, Combiner> = {
  sum: (row, n, w) => weightedMean(row, n, w),
  'weighted-sum': (row, n, w) => weightedMean(row, n, w),
  product: (row, n) => {
    let logSum = 0;
    let k = 0;
    for (let j = 0; j < row.length; j++) {
      if (Number.isNaN(row[j])) continue;
      logSum += Math.log(Math.max(n[j].apply(row[j]), PRODUCT_FLOOR));
      k++;
    }
    return k === 0 ? Number.NaN : Math.exp(logSum / k);
  },
  max: (row, n) => extreme(row, n, 1),
  min: (row, n) => {
    const v = extreme(row, n, -1);
    for (let j = 0; j < row.length; j++) if (Number.isNaN(row[j]) && !Number.isNaN(v)) return Number.NEGATIVE_INFINITY;
    return v;
  },
};

/** Mean of the present modalities' normalised scores under weights `w`; NaN when their weights total 0. */
export function weightedMean(row: ArrayLike<number>, n: readonly FittedNormaliser[], w: ArrayLike<number>): number {
  let s = 0;
  let ws = 0;
  for (let j = 0; j < row.length; j++) {
    if (Number.isNaN(row[j])) continue;
    const wj = w[j];
    s += wj * n[j].apply(row[j]);
    ws += wj;
  }
  return ws === 0 ? Number.NaN : s / ws;
}

function extreme(row: ArrayLike<number>, n: readonly FittedNormaliser[], sign: 1 | -1): number {
  let best = Number.NaN;
  for (let j = 0; j < row.length; j++) {
    if (Number.isNaN(row[j])) continue;
    const v = n[j].apply(row[j]);
    if (Number.isNaN(best) || sign * v > sign * best) best = v;
  }
  return best;
}

/**
 * Weights proportional to 1 / EER of each modality on the training scores. The EER is floored
 * at half an error of the larger class, the EER's resolution: a floor of 1/nGenuine gave a
 * perfect modality and one at EER 0.09 equal weights with 10 genuine rows.
 */
export function eerWeights(train: MultiScores): number[] {
  const raw = train.modalities.map((_, j) => {
    const c = column(train, j);
    const g = finiteValues(c, train.labels, 1);
    const i = finiteValues(c, train.labels, 0);
    if (g.length === 0 || i.length === 0) throw new FusionError(`weighted-sum: ${train.modalities[j]} has no genuine or no impostor training scores`);
    const eer = equalErrorRate(errorRateCurve(scoreSet({ genuine: g, impostor: i }))).value;
    return 1 / Math.max(eer, 1 / (2 * Math.max(g.length, i.length)));
  });
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => r / total);
}
