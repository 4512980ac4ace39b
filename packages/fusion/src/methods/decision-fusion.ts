import { acceptanceThreshold, ConfigError } from '@biofuse/core';
import { FusionError } from '../errors';
import { checkedScore, checkRow, type FittedFusion, type FusionMethod } from '../fusion-method';
import { column, type MultiScores } from '../multi-scores';
import { finiteValues } from '../statistics';
import { refuseUnknownOptions } from './options';
import { storedModalities, storedNumbers } from './stored-fusion';

const DECISION_RULES: readonly DecisionRule[] = ['and', 'or', 'majority'];

export type DecisionRule = 'and' | 'or' | 'majority';

export interface DecisionFusionOptions {
  readonly rule: DecisionRule;
  /** Each modality decides at the threshold that reaches this FMR on the training impostors (default 1e-3). */
  readonly targetFmr?: number;
}

/** A fitted decision-level fusion: each modality votes at its own threshold. */
export interface FittedDecisionFusion extends FittedFusion {
  readonly thresholds: readonly number[];
  /** The rule's decision: AND = every modality present and accepting, OR = any present one accepts, majority = more than half of the present ones. */
  accepts(row: ArrayLike<number>): boolean;
}

/**
 * Decision-level fusion. The fused score is a share of accepting votes, so the rule's decision
 * is a threshold on it: 1 for AND, any value above 0 for OR, above one half for majority. Its
 * DET curve has one point per vote count. Missing modalities (NaN):
 * - AND: a missing modality votes reject (the share is over all modalities): a failure to
 *   acquire is never an accept (ISO/IEC 19795-1), so one accepting modality cannot pass AND;
 * - OR: missing ones do not vote, which decides as a reject vote would (any accept passes);
 * - majority: the share is over the present modalities (missing ones do not vote).
 * A row with no modality present is NaN (no system scored it) and is never accepted.
 */
export class DecisionFusion implements FusionMethod {
  readonly name: string;
  constructor(readonly opts: DecisionFusionOptions) {
    refuseUnknownOptions(opts, ['rule', 'targetFmr'], 'decision fusion', { normaliser: 'decision rules threshold the raw scores' });
    // An unknown rule was fitted and then voted as majority.
    if (!DECISION_RULES.includes(opts.rule)) throw new ConfigError(`decision fusion: unknown rule ${JSON.stringify(opts.rule)} (known: ${DECISION_RULES.join(', ')})`);
    const t = opts.targetFmr;
    // acceptanceThreshold would throw at fit with a message that does not name the option.
    if (t !== undefined && !(t >= 0 && t <= 1)) throw new ConfigError(`decision fusion: targetFmr must be a share in [0, 1], got ${t}`);
    this.name = `decision-${opts.rule}`;
  }

  fit(train: MultiScores): FittedDecisionFusion {
    const target = this.opts.targetFmr ?? 1e-3;
    const thresholds = train.modalities.map((name, j) => {
      const c = column(train, j);
      const impostors = finiteValues(c, train.labels, 0).sort();
      if (impostors.length === 0) throw new FusionError(`decision fusion: ${name} has no impostor training scores`);
      return acceptanceThreshold(impostors, target);
    });
    return fittedDecision(this.opts.rule, train.modalities, thresholds);
  }
}

export function decisionFusionFromJSON(json: { rule: DecisionRule; modalities: string[]; thresholds: (number | string)[] }): FittedDecisionFusion {
  const what = 'stored decision fusion';
  if (!DECISION_RULES.includes(json?.rule)) throw new FusionError(`${what}: unknown rule ${JSON.stringify(json?.rule)} (known: ${DECISION_RULES.join(', ')})`);
  const modalities = storedModalities(json, what);
  // A missing threshold was NaN: no vote from that modality ever, and a score of 0.5 for everyone under "and".
  return fittedDecision(json.rule, modalities, storedNumbers(json.thresholds, modalities.length, 'thresholds', what, 'location', { infinite: true }));
}

function fittedDecision(rule: DecisionRule, modalities: readonly string[], thresholds: readonly number[]): FittedDecisionFusion {
  const share = (row: ArrayLike<number>) => {
    let present = 0;
    let votes = 0;
    for (let j = 0; j < row.length; j++) {
      if (Number.isNaN(row[j])) continue;
      present++;
      if (row[j] >= thresholds[j]) votes++;
    }
    if (present === 0) return Number.NaN;
    return votes / (rule === 'and' ? row.length : present);
  };
  return {
    method: `decision-${rule}`,
    modalities,
    thresholds,
    score: checkedScore(modalities, share),
    accepts(row) {
      checkRow(row, undefined, modalities);
      const s = share(row);
      if (Number.isNaN(s)) return false;
      return rule === 'and' ? s === 1 : rule === 'or' ? s > 0 : s > 0.5;
    },
    toJSON: () => ({ method: 'decision', rule, modalities, thresholds: thresholds.map((t) => (Number.isFinite(t) ? t : String(t))) }),
  };
}
