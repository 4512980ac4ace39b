import { describeNumber, equalErrorRate, errorRateCurve, meanVariance, scoreSet } from '@biofuse/core';
import { FusionError } from '../errors';
import { column, type MultiScores } from '../multi-scores';
import { finiteValues, quantileSorted } from '../statistics';
import { fitLogistic } from '../methods/logistic';
import { MIN_SPREAD, storedBoundProblem, type StoredKind } from '../stored-bounds';

/**
 * Score normalisers (Jain, Nandakumar & Ross 2005): each is fitted on training scores and
 * labels, then maps any new score with its fitted parameters only. Missing scores (NaN) stay
 * missing and are ignored when fitting.
 */
export type NormaliserKind = 'none' | 'min-max' | 'z-score' | 'tanh' | 'median-mad' | 'double-sigmoid' | 'llr' | 'log';

export const NORMALISER_KINDS: readonly NormaliserKind[] = ['none', 'min-max', 'z-score', 'tanh', 'median-mad', 'double-sigmoid', 'llr', 'log'];

export interface FittedNormaliser {
  readonly kind: NormaliserKind;
  readonly params: Readonly<Record<string, number>>;
  apply(score: number): number;
}

/** What a parameter is, which says what values it may take (STORED_BOUNDS). */
type ParamKind = Extract<StoredKind, 'location' | 'spread' | 'coefficient'>;

interface NormaliserDefinition {
  /**
   * The parameters apply() reads, each of its kind; checked whenever a normaliser is built,
   * fitted or stored, so a stored one cannot score NaN or Infinity where a fitted one would not.
   */
  readonly params: Readonly<Record<string, ParamKind>>;
  /**
   * Whether the product rule may average the logs of its outputs: tanh and the double sigmoid
   * lie in (0, 1) everywhere, min-max in [0, 1] over the training range (below it the product's
   * floor ranks scores alike). The others are 0 or negative for ordinary scores.
   */
  readonly positive: boolean;
  fit(scores: Float64Array, labels: Uint8Array): Record<string, number>;
  apply(p: Readonly<Record<string, number>>, s: number): number;
}

const DEFINITIONS: Record<NormaliserKind, NormaliserDefinition> = {
  none: { params: {}, positive: false, fit: () => ({}), apply: (_p, s) => s },

  'min-max': {
    params: { min: 'location', max: 'location' },
    positive: true,
    fit(scores) {
      const v = finiteValues(scores);
      let min = Infinity;
      let max = -Infinity;
      for (const x of v) {
        if (x < min) min = x;
        if (x > max) max = x;
      }
      if (!(max > min)) throw new FusionError('min-max: the training scores are constant');
      // A span of 1e-300 turned a score of 1 into 1e300, and one of 1e100 into Infinity.
      if (!(max - min >= MIN_SPREAD)) throw new FusionError(`min-max: the training scores span ${max - min} only, less than the least spread a normaliser divides by (${MIN_SPREAD}): rescale them`);
      return { min, max };
    },
    apply: (p, s) => (s - p.min) / (p.max - p.min),
  },

  'z-score': {
    params: { mean: 'location', sd: 'spread' },
    positive: false,
    fit(scores) {
      const v = finiteValues(scores);
      const { mean, variance } = meanVariance(v);
      const sd = Math.sqrt(variance);
      if (!(sd > 0)) throw new FusionError('z-score: the training scores are constant');
      return { mean, sd };
    },
    apply: (p, s) => (s - p.mean) / p.sd,
  },

  'median-mad': {
    params: { median: 'location', mad: 'spread' },
    positive: false,
    fit(scores) {
      const v = finiteValues(scores).sort();
      const median = quantileSorted(v, 0.5);
      const dev = v.map((x) => Math.abs(x - median)).sort();
      const mad = quantileSorted(dev, 0.5);
      if (!(mad > 0)) throw new FusionError('median-MAD: more than half the training scores are equal');
      if (!(mad >= MIN_SPREAD)) throw new FusionError(`median-MAD: the training scores' median absolute deviation is ${mad} only, less than the least spread a normaliser divides by (${MIN_SPREAD}): rescale them`);
      return { median, mad };
    },
    apply: (p, s) => (s - p.median) / p.mad,
  },

  // 0.5 (tanh(0.01 (s - mu) / sigma) + 1) with mu, sigma the Hampel estimates over genuine scores.
  tanh: {
    params: { location: 'location', scale: 'spread' },
    positive: true,
    fit(scores, labels) {
      const g = finiteValues(scores, labels, 1);
      if (g.length < 2) throw new FusionError('tanh: needs at least 2 genuine training scores');
      const { location, scale } = hampelEstimates(g);
      if (scale > 0) return { location, scale };
      // Hampel's scale is 0 when most genuine scores tie (a discrete matcher's capped score) and it
      // weighs the rest out as outliers. Their standard deviation is the spread there is; the
      // 0.01 factor keeps tanh nearly linear anyway, so the scale only sets the units.
      const sd = Math.sqrt(meanVariance(g).variance);
      if (!(sd > 0)) throw new FusionError('tanh: the genuine training scores are constant');
      return { location, scale: sd };
    },
    apply: (p, s) => 0.5 * (Math.tanh((0.01 * (s - p.location)) / p.scale) + 1),
  },

  // Two sigmoids joined at the EER threshold t, each linear over the class overlap on its side.
  'double-sigmoid': {
    params: { t: 'location', left: 'spread', right: 'spread' },
    positive: true,
    fit(scores, labels) {
      const g = finiteValues(scores, labels, 1).sort();
      const i = finiteValues(scores, labels, 0).sort();
      if (g.length === 0 || i.length === 0) throw new FusionError('double-sigmoid: needs genuine and impostor training scores');
      const t = equalErrorRate(errorRateCurve(scoreSet({ genuine: g, impostor: i }))).threshold;
      // A standard deviation: 0 or at least MIN_SPREAD. A width below that (quantiles within 1e-300
      // of t) is taken as one of 0: it is no spread a stored model may hold (STORED_BOUNDS).
      const spread = Math.sqrt(meanVariance(finiteValues(scores)).variance) || 1;
      // The edges are the overlap's ends, the lowest genuine and the highest impostor score (Jain,
      // Nandakumar & Ross 2005), each trimmed of outliers; the impostor share is smaller as an
      // all-against-all set has n - 1 impostor scores per genuine one (a BSSR1 training fold: 1 %
      // of ~414 genuine scores is 4, 0.1 % of ~170,000 impostor ones 170).
      const left = t - quantileSorted(g, 0.01);
      const right = quantileSorted(i, 0.999) - t;
      return { t, left: left >= MIN_SPREAD ? left : spread, right: right >= MIN_SPREAD ? right : spread };
    },
    apply: (p, s) => 1 / (1 + Math.exp((-2 * (s - p.t)) / (s < p.t ? p.left : p.right))),
  },

  // log(s - min + 1): spreads the long right tails of count-like matcher scores (minutiae
  // pairings) so that a density model sees them at a useful scale. A transform for
  // likelihood-ratio fusion, not a range normaliser for the fixed rules. Scores below the
  // training minimum stay finite and in order (logBelowFloor), never NaN.
  log: {
    params: { offset: 'location' },
    // log(1) = 0 at the training minimum, negative below it.
    positive: false,
    fit(scores) {
      const v = finiteValues(scores);
      if (v.length === 0) throw new FusionError('log: no training scores');
      let min = Infinity;
      for (const x of v) if (x < min) min = x;
      return { offset: 1 - min };
    },
    apply: (p, s) => logBelowFloor(s + p.offset),
  },

  // A calibrated log-likelihood ratio: logistic regression on the score, minus the training prior log-odds.
  llr: {
    params: { slope: 'coefficient', offset: 'coefficient' },
    positive: false,
    fit(scores, labels) {
      const v: number[] = [];
      const y: number[] = [];
      scores.forEach((s, k) => {
        if (!Number.isNaN(s)) {
          v.push(s);
          y.push(labels[k]);
        }
      });
      const nG = y.filter((l) => l === 1).length;
      const nI = y.length - nG;
      if (nG === 0 || nI === 0) throw new FusionError('llr: needs genuine and impostor training scores');
      const model = fitLogistic(Float64Array.from(v), Uint8Array.from(y), 1);
      return { slope: model.weights[0], offset: model.bias - Math.log(nG / nI) };
    },
    apply: (p, s) => p.slope * s + p.offset,
  },
};

/** The normalisers whose outputs are all positive: the ones the product rule accepts. */
export const POSITIVE_NORMALISER_KINDS: readonly NormaliserKind[] = NORMALISER_KINDS.filter((k) => DEFINITIONS[k].positive);

const LOG_FLOOR = 1e-6;
const LOG_AT_FLOOR = Math.log(LOG_FLOOR);

/**
 * log(x) down to LOG_FLOOR, then a line of slope 1 below it: clamping there tied every score
 * more than 1 below the training minimum. Slope 1 (not the log's 1e6) keeps such scores near
 * log(LOG_FLOOR) instead of dwarfing the other modalities in a sum.
 */
function logBelowFloor(x: number): number {
  return x >= LOG_FLOOR ? Math.log(x) : LOG_AT_FLOOR + (x - LOG_FLOOR);
}

/** Whether `kind` names a normaliser (an own key: "toString" or "constructor" from a config must not pass). */
export function isNormaliserKind(kind: unknown): kind is NormaliserKind {
  return typeof kind === 'string' && Object.hasOwn(DEFINITIONS, kind);
}

function definition(kind: NormaliserKind): NormaliserDefinition {
  if (!isNormaliserKind(kind)) throw new FusionError(`unknown normaliser ${JSON.stringify(kind)} (known: ${NORMALISER_KINDS.join(', ')})`);
  return DEFINITIONS[kind];
}

export function fitNormaliser(kind: NormaliserKind, scores: Float64Array, labels: Uint8Array): FittedNormaliser {
  return normaliserFromParams(kind, definition(kind).fit(scores, labels));
}

/** One normaliser per modality of `train`, fitted on its column; a failure names the modality. */
export function fitNormalisers(kind: NormaliserKind, train: MultiScores): FittedNormaliser[] {
  return train.modalities.map((name, j) => {
    const scores = column(train, j);
    // A modality missing from every training row was reported as "the training scores are constant".
    if (kind !== 'none' && finiteValues(scores).length === 0) throw new FusionError(`${name}: no training scores (missing in every row) to fit the ${kind} normaliser on`);
    try {
      return fitNormaliser(kind, scores, train.labels);
    } catch (err) {
      if (err instanceof FusionError) throw new FusionError(`${name}: ${err.message}`);
      throw err;
    }
  });
}

/**
 * Rebuilds a fitted normaliser from its serialised parameters. Each parameter the kind reads
 * must be a finite number, spreads above 0, and each within what a fit gives its kind
 * (STORED_BOUNDS): an empty or zero z-score once scored NaN and Infinity for everyone, and an sd
 * of 1e-300 or a slope of 1e300 Infinity still.
 */
export function normaliserFromParams(kind: NormaliserKind, params: Readonly<Record<string, number>>): FittedNormaliser {
  const def = definition(kind);
  if (typeof params !== 'object' || params === null) throw new FusionError(`${kind} normaliser: params must be an object`);
  for (const [name, paramKind] of Object.entries(def.params)) {
    const v: unknown = Object.hasOwn(params, name) ? params[name] : undefined;
    const spread = paramKind === 'spread';
    const ok = typeof v === 'number' && Number.isFinite(v) && (!spread || v > 0);
    if (!ok) throw new FusionError(`${kind} normaliser: "${name}" must be a ${spread ? 'finite number above 0' : 'finite number'}, got ${describeNumber(v)}`);
    const problem = storedBoundProblem(paramKind, v);
    if (problem) throw new FusionError(`${kind} normaliser: "${name}" is ${v}; ${problem}`);
  }
  // min-max divides by max - min: a spread.
  if (kind === 'min-max') {
    if (!(params.max > params.min)) throw new FusionError(`min-max normaliser: "max" (${params.max}) must be above "min" (${params.min})`);
    const problem = storedBoundProblem('spread', params.max - params.min);
    if (problem) throw new FusionError(`min-max normaliser: "max" - "min" is ${params.max - params.min}; ${problem}`);
  }
  const frozen = Object.freeze({ ...params });
  return { kind, params: frozen, apply: (s) => (Number.isNaN(s) ? s : def.apply(frozen, s)) };
}

/**
 * Hampel's three-part redescending M-estimator of location and scale: full weight within a of
 * the location, falling weight to c, none beyond; a, b, c at the 70th, 85th and 95th
 * percentiles of the absolute deviations, re-estimated until the location settles.
 */
export function hampelEstimates(values: Float64Array): { location: number; scale: number } {
  const sorted = values.slice().sort();
  let location = quantileSorted(sorted, 0.5);
  let scale = 0;
  const dev = new Float64Array(values.length);
  for (let iter = 0; iter < 50; iter++) {
    for (let k = 0; k < values.length; k++) dev[k] = Math.abs(values[k] - location);
    const d = dev.slice().sort();
    const a = quantileSorted(d, 0.7);
    const b = quantileSorted(d, 0.85);
    const c = quantileSorted(d, 0.95);
    let sw = 0;
    let sx = 0;
    for (let k = 0; k < values.length; k++) {
      const w = hampelWeight(dev[k], a, b, c);
      sw += w;
      sx += w * values[k];
    }
    const next = sw > 0 ? sx / sw : location;
    let sv = 0;
    for (let k = 0; k < values.length; k++) sv += hampelWeight(dev[k], a, b, c) * (values[k] - next) ** 2;
    scale = sw > 0 ? Math.sqrt(sv / sw) : 0;
    const moved = Math.abs(next - location);
    location = next;
    if (moved <= 1e-12 * (1 + Math.abs(location))) break;
  }
  return { location, scale };
}

function hampelWeight(r: number, a: number, b: number, c: number): number {
  if (r <= a || r === 0) return 1;
  if (r <= b) return a / r;
  if (r < c && c > b) return (a * (c - r)) / ((c - b) * r);
  return 0;
}
