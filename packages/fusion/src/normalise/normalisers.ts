import { equalErrorRate, errorRateCurve, meanVariance, scoreSet } from '@biofuse/core';
import { FusionError } from '../errors';
import { finiteValues, quantileSorted } from '../statistics';
import { fitLogistic } from '../methods/logistic';

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

interface NormaliserDefinition {
  fit(scores: Float64Array, labels: Uint8Array): Record<string, number>;
  apply(p: Readonly<Record<string, number>>, s: number): number;
}

const DEFINITIONS: Record<NormaliserKind, NormaliserDefinition> = {
  none: { fit: () => ({}), apply: (_p, s) => s },

  'min-max': {
    fit(scores) {
      const v = finiteValues(scores);
      let min = Infinity;
      let max = -Infinity;
      for (const x of v) {
        if (x < min) min = x;
        if (x > max) max = x;
      }
      if (!(max > min)) throw new FusionError('min-max: the training scores are constant');
      return { min, max };
    },
    apply: (p, s) => (s - p.min) / (p.max - p.min),
  },

  'z-score': {
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
    fit(scores) {
      const v = finiteValues(scores).sort();
      const median = quantileSorted(v, 0.5);
      const dev = v.map((x) => Math.abs(x - median)).sort();
      const mad = quantileSorted(dev, 0.5);
      if (!(mad > 0)) throw new FusionError('median-MAD: more than half the training scores are equal');
      return { median, mad };
    },
    apply: (p, s) => (s - p.median) / p.mad,
  },

  // 0.5 (tanh(0.01 (s - mu) / sigma) + 1) with mu, sigma the Hampel estimates over genuine scores.
  tanh: {
    fit(scores, labels) {
      const g = finiteValues(scores, labels, 1);
      if (g.length < 2) throw new FusionError('tanh: needs at least 2 genuine training scores');
      const { location, scale } = hampelEstimates(g);
      if (!(scale > 0)) throw new FusionError('tanh: the genuine training scores are constant');
      return { location, scale };
    },
    apply: (p, s) => 0.5 * (Math.tanh((0.01 * (s - p.location)) / p.scale) + 1),
  },

  // Two sigmoids joined at the EER threshold t, each linear over the class overlap on its side.
  'double-sigmoid': {
    fit(scores, labels) {
      const g = finiteValues(scores, labels, 1).sort();
      const i = finiteValues(scores, labels, 0).sort();
      if (g.length === 0 || i.length === 0) throw new FusionError('double-sigmoid: needs genuine and impostor training scores');
      const t = equalErrorRate(errorRateCurve(scoreSet({ genuine: g, impostor: i }))).threshold;
      const spread = Math.sqrt(meanVariance(finiteValues(scores)).variance) || 1;
      const left = t - quantileSorted(g, 0.01);
      const right = quantileSorted(i, 0.999) - t;
      return { t, left: left > 0 ? left : spread, right: right > 0 ? right : spread };
    },
    apply: (p, s) => 1 / (1 + Math.exp((-2 * (s - p.t)) / (s < p.t ? p.left : p.right))),
  },

  // log(s - min + 1): spreads the long right tails of count-like matcher scores (minutiae
  // pairings) so that a density model sees them at a useful scale. A transform for
  // likelihood-ratio fusion, not a range normaliser for the fixed rules. Scores below the
  // training minimum map to the log of a small positive number, never NaN.
  log: {
    fit(scores) {
      const v = finiteValues(scores);
      if (v.length === 0) throw new FusionError('log: no training scores');
      let min = Infinity;
      for (const x of v) if (x < min) min = x;
      return { offset: 1 - min };
    },
    apply: (p, s) => Math.log(Math.max(s + p.offset, 1e-6)),
  },

  // A calibrated log-likelihood ratio: logistic regression on the score, minus the training prior log-odds.
  llr: {
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

export function fitNormaliser(kind: NormaliserKind, scores: Float64Array, labels: Uint8Array): FittedNormaliser {
  const def = DEFINITIONS[kind];
  if (!def) throw new FusionError(`unknown normaliser "${kind}" (known: ${NORMALISER_KINDS.join(', ')})`);
  return normaliserFromParams(kind, def.fit(scores, labels));
}

/** Rebuilds a fitted normaliser from its serialised parameters. */
export function normaliserFromParams(kind: NormaliserKind, params: Readonly<Record<string, number>>): FittedNormaliser {
  const def = DEFINITIONS[kind];
  if (!def) throw new FusionError(`unknown normaliser "${kind}" (known: ${NORMALISER_KINDS.join(', ')})`);
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
