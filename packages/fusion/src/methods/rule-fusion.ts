import { equalErrorRate, errorRateCurve, scoreSet } from '@biofuse/core';
import { FusionError } from '../errors';
import type { FittedFusion, FusionMethod } from '../fusion-method';
import { column, type MultiScores } from '../multi-scores';
import { fitNormaliser, type FittedNormaliser, type NormaliserKind } from '../normalise/normalisers';
import { finiteValues } from '../statistics';
import { storedModalities, storedNormalisers, storedNumbers } from './stored-fusion';

export type FixedRule = 'sum' | 'weighted-sum' | 'product' | 'max' | 'min';

export interface RuleFusionOptions {
  readonly rule: FixedRule;
  readonly normaliser?: NormaliserKind;
  /**
   * Weights of `weighted-sum`, one per modality. When omitted they are fitted: each modality's
   * weight is proportional to 1 / EER on the training scores (matcher weighting).
   */
  readonly weights?: readonly number[];
  /**
   * sum and weighted-sum only: multiply each modality's weight by the comparison's sample
   * quality for it, so a poor sample counts less (a missing quality counts as 1).
   */
  readonly qualityWeighted?: boolean;
}

/**
 * Fixed combination rules over normalised scores. A missing modality is left out, not taken
 * as zero: sum and weighted sum average the present scores (with their weights), product takes
 * their geometric mean, max and min range over the present ones.
 */
export class RuleFusion implements FusionMethod {
  readonly name: string;
  constructor(readonly opts: RuleFusionOptions) {
    this.name = `${opts.rule}/${opts.normaliser ?? 'min-max'}${opts.qualityWeighted ? '/quality' : ''}`;
    if (opts.qualityWeighted && opts.rule !== 'sum' && opts.rule !== 'weighted-sum') {
      throw new FusionError(`quality weighting applies to sum and weighted-sum, not ${opts.rule}`);
    }
  }

  fit(train: MultiScores): FittedFusion {
    const kind = this.opts.normaliser ?? 'min-max';
    const normalisers = train.modalities.map((_, j) => fitNormaliser(kind, column(train, j), train.labels));
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
  if (!(typeof json?.rule === 'string' && json.rule in COMBINERS)) throw new FusionError(`${what}: unknown rule ${JSON.stringify(json?.rule)} (known: ${Object.keys(COMBINERS).join(', ')})`);
  const modalities = storedModalities(json, what);
  return fittedRule(json.rule, modalities, storedNormalisers(json.normalisers, modalities.length, what), storedNumbers(json.weights, modalities.length, 'weights', what), json.qualityWeighted === true);
}

function fittedRule(rule: FixedRule, modalities: readonly string[], normalisers: readonly FittedNormaliser[], weights: readonly number[], qualityWeighted: boolean): FittedFusion {
  const combine = COMBINERS[rule];
  const effective = new Float64Array(weights.length);
  return {
    method: `${rule}/${normalisers[0]?.kind ?? 'none'}${qualityWeighted ? '/quality' : ''}`,
    modalities,
    score(row, quality) {
      if (!qualityWeighted || !quality) return combine(row, normalisers, weights);
      for (let j = 0; j < weights.length; j++) effective[j] = weights[j] * (Number.isNaN(quality[j]) ? 1 : quality[j]);
      return combine(row, normalisers, effective);
    },
    toJSON: () => ({ method: 'rule', rule, modalities, normalisers: normalisers.map((n) => ({ kind: n.kind, params: n.params })), weights, qualityWeighted }),
  };
}

type Combiner = (row: ArrayLike<number>, n: readonly FittedNormaliser[], w: ArrayLike<number>) => number;

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
  min: (row, n) => extreme(row, n, -1),
};

function weightedMean(row: ArrayLike<number>, n: readonly FittedNormaliser[], w: ArrayLike<number>): number {
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

/** Weights proportional to 1 / EER of each modality on the training scores (floored at one error). */
export function eerWeights(train: MultiScores): number[] {
  const raw = train.modalities.map((_, j) => {
    const c = column(train, j);
    const g = finiteValues(c, train.labels, 1);
    const i = finiteValues(c, train.labels, 0);
    if (g.length === 0 || i.length === 0) throw new FusionError(`weighted-sum: ${train.modalities[j]} has no genuine or no impostor training scores`);
    const eer = equalErrorRate(errorRateCurve(scoreSet({ genuine: g, impostor: i }))).value;
    return 1 / Math.max(eer, 1 / g.length);
  });
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => r / total);
}
