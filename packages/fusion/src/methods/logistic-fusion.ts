import { FusionError } from '../errors';
import { checkedScore, type FittedFusion, type FusionMethod } from '../fusion-method';
import type { MultiScores } from '../multi-scores';
import { fitLogistic, type LogisticModel } from './logistic';
import { checkFiniteNonNegative, refuseUnknownOptions } from './options';
import { storedModalities, storedNumbers } from './stored-fusion';

export interface LogisticFusionOptions {
  /** L2 penalty on the standardised weights (default 1). */
  readonly l2?: number;
}

/**
 * Logistic-regression score fusion: the fused score is the log-odds of "genuine". A comparison
 * with missing modalities is scored by a model fitted on the modalities it has (one model per
 * subset, all fitted up front), never by filling the gap with a number.
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
    for (let mask = 1; mask < 1 << m; mask++) models[mask] = fitSubset(train, mask, this.opts.l2);
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
  // one modality fewer has those rows too: it has a model as well. A null there is damage, and
  // every comparison of that pattern scored NaN, "not scored".
  models.forEach((model, mask) => {
    for (let j = 0; model && j < modalities.length; j++) {
      const fewer = mask & ~(1 << j);
      if (fewer !== mask && fewer !== 0 && !models[fewer]) throw new FusionError(`${what}: "models.${fewer}" is null, but "models.${mask}" (the same modalities and ${modalities[j]}) has a model`);
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

/** Fits the model of one subset of modalities on the training rows where all of them are present. */
function fitSubset(train: MultiScores, mask: number, l2: number | undefined): LogisticModel | undefined {
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
  // A subset with no genuine or no impostor rows cannot be fitted: such comparisons score NaN.
  if (pos === 0 || pos === y.length) return undefined;
  return fitLogistic(x, y, d, { l2 });
}
