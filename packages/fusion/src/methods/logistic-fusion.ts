import { FusionError } from '../errors';
import { checkedScore, type FittedFusion, type FusionMethod } from '../fusion-method';
import type { MultiScores } from '../multi-scores';
import { featureSpread, fitLogistic, type LogisticModel } from './logistic';
import { checkFiniteNonNegative, refuseUnknownOptions } from './options';
import { storedModalities, storedNumbers } from './stored-fusion';

export interface LogisticFusionOptions {
  /** L2 penalty on the standardised weights (default 1). */
  readonly l2?: number;
}

/**
 * Logistic-regression score fusion: the fused score is the log-odds of "genuine". A comparison
 * with missing modalities is scored by a model fitted on the modalities it has (one model per
 * subset, all fitted up front), never by filling the gap with a number. Scores are similarities,
 * so every weight is kept >= 0: a better match in one modality never lowers the fused score (a
 * subset with few genuine comparisons, or two correlated matchers, fitted negative ones). Where
 * the training comparisons with a subset's modalities all present lack a class, or one of those
 * modalities scores them all alike, the subset has nothing to learn from: it takes the model of a
 * subset with one modality fewer, weighing the modality left out at 0: the one whose model was
 * fitted on the most modalities, then on the most comparisons of its scarcer class.
 */
export class LogisticFusion implements FusionMethod {
  readonly name = 'logistic';
  constructor(readonly opts: LogisticFusionOptions = {}) {
    refuseUnknownOptions(opts, ['l2'], 'logistic fusion', { normaliser: 'logistic regression standardises its inputs itself' });
    // Infinity fitted every weight to 0 (each row scored the prior log-odds); NaN or a negative
    // one failed later as a singular Hessian.
    checkFiniteNonNegative(opts.l2, 'l2', 'logistic fusion');
  }

  fit(train: MultiScores): FittedFusion {
    const m = train.modalities.length;
    if (m > 12) throw new FusionError('logistic fusion fits one model per subset of modalities: at most 12 modalities');
    const models: (LogisticModel | undefined)[] = new Array(1 << m).fill(undefined);
    // Per pattern, the pattern its model was fitted on, and that pattern's comparisons of its scarcer class.
    const source = new Int32Array(1 << m);
    const support = new Float64Array(1 << m);
    // Every subset of a mask is a smaller number: a fallback finds its subsets' models made.
    for (let mask = 1; mask < 1 << m; mask++) {
      const fitted = fitSubset(train, mask, this.opts.l2);
      if (fitted) {
        models[mask] = fitted.model;
        source[mask] = mask;
        support[mask] = fitted.support;
        continue;
      }
      // Where b was never on a genuine comparison, a beside b scored NaN (not scored) and a alone 7.8.
      const fewer = bestSubsetModel(mask, models, source, support, m);
      if (fewer === undefined) continue;
      models[mask] = withZeroWeights(models[fewer]!, fewer, mask, m);
      source[mask] = source[fewer];
      support[mask] = support[fewer];
    }
    return fittedLogistic(train.modalities, models);
  }
}

export function logisticFusionFromJSON(json: { modalities: string[]; models: ({ weights: number[]; bias: number } | null)[] }): FittedFusion {
  const what = 'stored logistic fusion';
  const modalities = storedModalities(json, what);
  // One model per pattern of present modalities (a bit mask), or null where none was fitted.
  const patterns = 2 ** modalities.length;
  if (!Array.isArray(json.models) || json.models.length !== patterns) throw new FusionError(`${what}: "models" must hold ${patterns} entries, one per pattern of present modalities`);
  // Pattern 0 has no modality present: a model there scored such a row its bias instead of NaN.
  if (json.models[0] !== null) throw new FusionError(`${what}: "models.0" must be null: no model scores a comparison with no modality present`);
  const models = json.models.map((m, mask) => {
    if (m === null) return undefined;
    const present = [...Array(modalities.length).keys()].filter((j) => mask & (1 << j)).length;
    return { weights: Float64Array.from(storedNumbers(m?.weights, present, `models.${mask}.weights`, what, 'coefficient')), bias: storedNumbers([m.bias], 1, `models.${mask}.bias`, what, 'coefficient')[0] };
  });
  // A pattern's model is fitted on the rows that have all its modalities, and each pattern with
  // one modality fewer has those rows too: it has a model as well, unless the model weighs all
  // that pattern's modalities at 0 (taken over from a pattern without them). A null there is
  // damage, and every comparison of that pattern scored NaN, "not scored".
  models.forEach((model, mask) => {
    for (let j = 0; model && j < modalities.length; j++) {
      const fewer = mask & ~(1 << j);
      if (fewer !== mask && fewer !== 0 && !models[fewer] && weighsAny(model, mask, fewer)) throw new FusionError(`${what}: "models.${fewer}" is null, but "models.${mask}" (the same modalities and ${modalities[j]}) has a model`);
    }
  });
  return fittedLogistic(modalities, models);
}

function fittedLogistic(modalities: readonly string[], models: readonly (LogisticModel | undefined)[]): FittedFusion {
  return {
    method: 'logistic',
    modalities,
    score: checkedScore(modalities, (row) => {
      let mask = 0;
      for (let j = 0; j < row.length; j++) if (!Number.isNaN(row[j])) mask |= 1 << j;
      const model = models[mask];
      if (!model) return Number.NaN;
      let eta = model.bias;
      let k = 0;
      for (let j = 0; j < row.length; j++) if (mask & (1 << j)) eta += model.weights[k++] * row[j];
      return eta;
    }),
    toJSON: () => ({
      method: 'logistic',
      modalities,
      models: models.map((m) => (m ? { weights: Array.from(m.weights), bias: m.bias } : null)),
    }),
  };
}

/** Whether the model of pattern `mask` gives a weight other than 0 to any modality of its sub-pattern `sub`. */
function weighsAny(model: LogisticModel, mask: number, sub: number): boolean {
  let k = 0;
  for (let j = 0; 1 << j <= mask; j++) {
    if (!(mask & (1 << j))) continue;
    if (sub & (1 << j) && model.weights[k] !== 0) return true;
    k++;
  }
  return false;
}

/**
 * Of the patterns with one modality of `mask` fewer, the one whose model was fitted on the most
 * modalities, then on the most comparisons of its scarcer class (then: the lowest modality left out).
 */
function bestSubsetModel(mask: number, models: readonly (LogisticModel | undefined)[], source: Int32Array, support: Float64Array, m: number): number | undefined {
  let best: number | undefined;
  let bestKey: [number, number] = [-1, -1];
  for (let j = 0; j < m; j++) {
    const fewer = mask & ~(1 << j);
    if (fewer === mask || fewer === 0 || !models[fewer]) continue;
    const key: [number, number] = [modalityCount(source[fewer]), support[fewer]];
    if (key[0] > bestKey[0] || (key[0] === bestKey[0] && key[1] > bestKey[1])) {
      best = fewer;
      bestKey = key;
    }
  }
  return best;
}

/** The number of modalities in a pattern (its set bits). */
function modalityCount(mask: number): number {
  let count = 0;
  for (let v = mask; v; v &= v - 1) count++;
  return count;
}

/** The model of pattern `sub` as one of pattern `mask` (a superset), weighing the modalities `sub` lacks at 0. */
function withZeroWeights(model: LogisticModel, sub: number, mask: number, m: number): LogisticModel {
  const weights: number[] = [];
  let k = 0;
  for (let j = 0; j < m; j++) {
    if (!(mask & (1 << j))) continue;
    weights.push(sub & (1 << j) ? model.weights[k++] : 0);
  }
  return { weights: Float64Array.from(weights), bias: model.bias };
}

/**
 * Fits the model of one subset of modalities on the training rows where all of them are
 * present, with the count of the scarcer class there; undefined where those rows lack a class.
 */
function fitSubset(train: MultiScores, mask: number, l2: number | undefined): { model: LogisticModel; support: number } | undefined {
  const m = train.modalities.length;
  const dims: number[] = [];
  for (let j = 0; j < m; j++) if (mask & (1 << j)) dims.push(j);
  const rows: number[] = [];
  for (let i = 0; i < train.labels.length; i++) {
    if (dims.every((j) => !Number.isNaN(train.scores[i * m + j]))) rows.push(i);
  }
  const d = dims.length;
  const x = new Float64Array(rows.length * d);
  const y = new Uint8Array(rows.length);
  rows.forEach((i, r) => {
    for (let k = 0; k < d; k++) x[r * d + k] = train.scores[i * m + dims[k]];
    y[r] = train.labels[i];
  });
  let pos = 0;
  for (const v of y) pos += v;
  // A class missing, or a modality that scored these rows alike (no spread to standardise by): nothing to learn (the fit refused the whole fusion).
  if (pos === 0 || pos === y.length || featureSpread(x, d).sd.some((v) => !(v > 0))) return undefined;
  return { model: fitLogistic(x, y, d, { l2, nonNegative: true }), support: Math.min(pos, y.length - pos) };
}

