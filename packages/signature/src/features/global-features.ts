import { meanVariance } from '@biofuse/core';
import { checkUsableTrajectory, type PenTrajectory } from '../pen-trajectory';
import { derivative } from './time-functions';

/**
 * Global (whole-signature) features in the spirit of Richiardi, Ketabdar & Drygajlo (2005):
 * timing, stroke counts, shape ratios, velocity and acceleration statistics, pressure and a
 * histogram of pen directions. Scale-free where possible (ratios, logs), so the tablet's units
 * matter little. Names index the vector that `globalFeatures` returns.
 */
export const GLOBAL_FEATURES = [
  'logDuration', 'penDownRatio', 'penUps', 'logPathToDiagonal', 'logAspect',
  'meanToMaxVelocity', 'logMeanVelocity', 'logMaxVelocity', 'logVxToVy', 'logMeanAcceleration',
  'timeOfMaxVelocity', 'pressureMeanToMax', 'pressureCv', 'positiveVxShare', 'positiveVyShare',
  'xExtremaRate', 'yExtremaRate',
  'direction0', 'direction1', 'direction2', 'direction3', 'direction4', 'direction5', 'direction6', 'direction7',
] as const;

/** Throws SignatureAcquisitionError for a trajectory checkUsableTrajectory refuses: without pen-down samples every feature was NaN. */
export function globalFeatures(p: PenTrajectory): Float32Array {
  return globalFeaturesOfUsable(checkUsableTrajectory(p));
}

/** The global features of a trajectory checkUsableTrajectory has passed (extraction checks it once, for both kinds of feature). */
export function globalFeaturesOfUsable(p: PenTrajectory): Float32Array {
  const n = p.x.length;
  const down: number[] = [];
  for (let k = 0; k < n; k++) if (p.penDown[k]) down.push(k);
  const x = Float64Array.from(down, (k) => p.x[k]);
  const y = Float64Array.from(down, (k) => p.y[k]);
  const pr = Float64Array.from(down, (k) => p.pressure[k]);
  const m = down.length;
  const duration = Math.max(p.t[n - 1] - p.t[0], 1);
  const dt = duration / Math.max(n - 1, 1);
  let penUps = 0;
  for (let k = 1; k < n; k++) if (p.penDown[k - 1] && !p.penDown[k]) penUps++;
  const [xMin, xMax] = range(x);
  const [yMin, yMax] = range(y);
  const width = Math.max(xMax - xMin, 1e-6);
  const height = Math.max(yMax - yMin, 1e-6);
  const diagonal = Math.hypot(width, height);
  const dx = derivative(x);
  const dy = derivative(y);
  let path = 0;
  let vMax = 0;
  let kMax = 0;
  let vSum = 0;
  let posVx = 0;
  let posVy = 0;
  const hist = new Float64Array(8);
  for (let k = 0; k < m; k++) {
    const v = Math.hypot(dx[k], dy[k]);
    vSum += v;
    if (v > vMax) {
      vMax = v;
      kMax = k;
    }
    if (dx[k] > 0) posVx++;
    if (dy[k] > 0) posVy++;
    if (v > 0) hist[Math.min(7, Math.floor(((Math.atan2(dy[k], dx[k]) + Math.PI) / (2 * Math.PI)) * 8))] += v;
    if (k > 0) path += Math.hypot(x[k] - x[k - 1], y[k] - y[k - 1]);
  }
  const vMean = vSum / m;
  const speed = Float64Array.from(dx, (v, k) => Math.hypot(v, dy[k]));
  const acc = derivative(speed);
  let aSum = 0;
  for (const a of acc) aSum += Math.abs(a);
  const sd = (a: Float64Array) => Math.sqrt(meanVariance(a).variance);
  let pMean = 0;
  let pMax = 0;
  for (const v of pr) {
    pMean += v / m;
    if (v > pMax) pMax = v;
  }
  const histTotal = hist.reduce((a, b) => a + b, 0) || 1;
  const perSecond = 1000 / dt;
  const out = [
    Math.log(duration),
    m / n,
    penUps,
    Math.log(path / diagonal + 1e-6),
    Math.log(width / height),
    vMax > 0 ? vMean / vMax : 0,
    Math.log((vMean * perSecond) / diagonal + 1e-6),
    Math.log((vMax * perSecond) / diagonal + 1e-6),
    Math.log((sd(dx) + 1e-6) / (sd(dy) + 1e-6)),
    Math.log(((aSum / m) * perSecond * perSecond) / diagonal + 1e-6),
    kMax / m,
    pMax > 0 ? pMean / pMax : 0,
    pMean > 0 ? sd(pr) / pMean : 0,
    posVx / m,
    posVy / m,
    (extremaCount(x) * 1000) / duration,
    (extremaCount(y) * 1000) / duration,
    ...Array.from(hist, (h) => h / histTotal),
  ];
  return Float32Array.from(out);
}

function range(a: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

function extremaCount(a: Float64Array): number {
  let count = 0;
  for (let k = 1; k + 1 < a.length; k++) if ((a[k] - a[k - 1]) * (a[k + 1] - a[k]) < 0) count++;
  return count;
}
