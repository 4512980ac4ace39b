import { ConfigError } from '@biofuse/core';
import { FusionError } from '../errors';
import { checkFiniteNonNegative, checkWholeNumber, refuseUnknownOptions } from '../methods/options';
import { storedModalities, storedNumbers } from '../methods/stored-fusion';
import { MAX_SCORE_MAGNITUDE } from '../multi-scores';
import { checkFiniteRows } from '../statistics';
import { columnMeans, fitCca, fitDca, fitLda, fitPca, project, type LinearProjection } from './projections';

/** Fixed-length vectors of several modalities for the same samples (each modality's `embed()`). */
export interface FeatureViews {
  readonly modalities: readonly string[];
  readonly dims: readonly number[];
  /** Per modality, row-major samples x dims. */
  readonly vectors: readonly Float64Array[];
  /** The identity of each sample (for LDA). */
  readonly subjects: Int32Array;
}

export type FeatureProjection = 'none' | 'pca' | 'lda' | 'cca' | 'dca';

const PROJECTIONS: readonly FeatureProjection[] = ['none', 'pca', 'lda', 'cca', 'dca'];

export interface FeatureFusionOptions {
  readonly projection: FeatureProjection;
  /**
   * Output dimensions of the projection (PCA, LDA; CCA and DCA: per view). Defaults: PCA
   * min(32, dims, samples - 1); LDA min(dims, subjects - 1); CCA min(each view's dims,
   * samples - 1); DCA every direction (subjects - 1 at most), which whitens noise too: fewer
   * usually verify better. A `dims` beyond what the training data gives (samples - 1 for PCA
   * and CCA, subjects - 1 for LDA and DCA) is refused, not cut down.
   */
  readonly dims?: number;
  /** LDA and CCA: ridge on the scatter matrices they whiten, as a share of their mean variance (default 1e-3). */
  readonly regularization?: number;
}

export interface FittedFeatureFusion {
  readonly projection: FeatureProjection;
  readonly modalities: readonly string[];
  readonly outputDims: number;
  /** The fused vector of one sample, from one vector per modality (finite values only). */
  transform(sample: readonly ArrayLike<number>[]): Float64Array;
  /** Cosine similarity of two fused vectors (0 when either is all zeros). */
  similarity(a: Float64Array, b: Float64Array): number;
  /** Everything the fit learned, as plain JSON; `featureFusionFromJSON` rebuilds the same transform. */
  toJSON(): SerializedFeatureFusion;
}

/** Layout version of a stored feature fusion; `featureFusionFromJSON` refuses others. */
export const FEATURE_FUSION_VERSION = 1;

/**
 * A fitted feature fusion as plain JSON: each modality's standardisation (per dimension, mean
 * and scale, 0 for a dropped constant dimension), then its projections: none for plain
 * concatenation, one over the concatenated vector for PCA and LDA, one per modality for CCA and
 * DCA (row-major inputDims x outputDims weights, as `LinearProjection`). A loaded fusion
 * transforms bit for bit as the fitted one, JSON numbers giving back the same float64 values.
 */
export interface SerializedFeatureFusion {
  readonly method: 'feature-fusion';
  readonly version: number;
  readonly projection: FeatureProjection;
  readonly modalities: readonly string[];
  readonly outputDims: number;
  readonly scalers: readonly { readonly dims: number; readonly mean: readonly number[]; readonly scale: readonly number[] }[];
  readonly projections: readonly { readonly inputDims: number; readonly outputDims: number; readonly mean: readonly number[]; readonly weights: readonly number[] }[];
}

/**
 * Feature-level fusion: each modality's vector is standardised per dimension and scaled by
 * 1/sqrt(its dimension), so every modality carries the same total variance; the vectors are
 * concatenated and optionally projected (PCA, LDA on subjects) or, for two modalities, each
 * projected onto its canonical directions (CCA) or its discriminant correlation directions
 * (DCA, supervised by subject) and the two concatenated.
 */
export class FeatureFusion {
  constructor(readonly opts: FeatureFusionOptions) {
    // An unknown projection ('LDA') fell through to plain concatenation, and options the projection
    // does not read were taken without a word.
    refuseUnknownOptions(opts, ['projection', 'dims', 'regularization'], 'feature fusion');
    const { projection, dims, regularization } = opts;
    if (!PROJECTIONS.includes(projection)) throw new ConfigError(`feature fusion: unknown projection ${JSON.stringify(projection)} (known: ${PROJECTIONS.join(', ')})`);
    if (dims !== undefined) {
      if (projection === 'none') throw new ConfigError('feature fusion: "dims" needs a projection (pca, lda, cca, dca); plain concatenation keeps every dimension');
      checkWholeNumber(dims, 'dims', 'feature fusion');
    }
    if (regularization !== undefined) {
      if (projection !== 'lda' && projection !== 'cca') throw new ConfigError(`feature fusion: "regularization" is read by lda and cca only, not by ${projection}`);
      checkFiniteNonNegative(regularization, 'regularization', 'feature fusion');
    }
  }

  fit(views: FeatureViews): FittedFeatureFusion {
    const n = views.subjects.length;
    const m = views.modalities.length;
    if (m === 0) throw new FusionError('feature fusion needs at least one modality');
    if (views.dims.length !== m || views.vectors.length !== m) throw new FusionError(`${m} modalities need ${m} dims and ${m} vector arrays, got ${views.dims.length} and ${views.vectors.length}`);
    if (n < 2) throw new FusionError(`feature fusion needs at least 2 samples to standardise, got ${n}`);
    views.vectors.forEach((v, j) => {
      const d = views.dims[j];
      checkWholeNumber(d, 'dimension', views.modalities[j], (msg) => new FusionError(msg));
      if (v.length !== n * d) throw new FusionError(`${views.modalities[j]}: ${v.length} values for ${n} samples x ${d} dimensions`);
      checkFiniteRows(v, d, views.modalities[j]);
      checkFeatureMagnitudes(v, d, views.modalities[j]);
    });
    const scalers = views.vectors.map((v, j) => fitScaler(v, n, views.dims[j]));
    const scaled = views.vectors.map((v, j) => applyScalerRows(scalers[j], v, n));
    const reg = this.opts.regularization ?? 1e-3;
    if (this.opts.projection === 'cca') {
      if (m !== 2) throw new FusionError(`CCA fuses exactly two modalities, got ${m}`);
      const k = this.opts.dims ?? Math.min(...views.dims, n - 1);
      const cca = fitCca(scaled[0], views.dims[0], scaled[1], views.dims[1], n, k, reg);
      return fitted('cca', views.modalities, scalers, [cca.x, cca.y]);
    }
    if (this.opts.projection === 'dca') {
      if (m !== 2) throw new FusionError(`DCA fuses exactly two modalities, got ${m}`);
      const dca = fitDca(scaled[0], views.dims[0], scaled[1], views.dims[1], views.subjects, this.opts.dims);
      return fitted('dca', views.modalities, scalers, [dca.x, dca.y]);
    }
    const total = views.dims.reduce((a, b) => a + b, 0);
    const joined = new Float64Array(n * total);
    for (let i = 0; i < n; i++) {
      let o = 0;
      scaled.forEach((v, j) => {
        const d = views.dims[j];
        joined.set(v.subarray(i * d, (i + 1) * d), i * total + o);
        o += d;
      });
    }
    let projection: LinearProjection | undefined;
    if (this.opts.projection === 'pca') projection = fitPca(joined, n, total, this.opts.dims ?? Math.min(total, 32, n - 1));
    if (this.opts.projection === 'lda') {
      const classes = new Set(views.subjects).size;
      if (classes < 2) throw new FusionError(`LDA separates subjects: it needs at least 2, got ${classes}`);
      projection = fitLda(joined, n, total, views.subjects, this.opts.dims ?? Math.min(total, classes - 1), reg);
    }
    return fitted(this.opts.projection, views.modalities, scalers, projection ? [projection] : []);
  }
}

interface Scaler {
  readonly dims: number;
  readonly mean: Float64Array;
  readonly scale: Float64Array;
}

/**
 * Refuses feature values beyond ±MAX_SCORE_MAGNITUDE, as fusion refuses such scores: their squares
 * overflowed the variance to Infinity, and the dimension was dropped as constant without a word;
 * a mean beyond it is no stored location (STORED_BOUNDS).
 */
function checkFeatureMagnitudes(x: Float64Array, d: number, what: string): void {
  for (let q = 0; q < x.length; q++) {
    if (Math.abs(x[q]) > MAX_SCORE_MAGNITUDE) throw new FusionError(`${what}: value ${q % d} of row ${Math.floor(q / d)} is ${x[q]}; feature values beyond ±${MAX_SCORE_MAGNITUDE} overflow the variances feature fusion standardises by: rescale them`);
  }
}

function fitScaler(v: Float64Array, n: number, d: number): Scaler {
  const mean = columnMeans(v, n, d);
  const variance = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) variance[a] += (v[i * d + a] - mean[a]) ** 2 / n;
  // Each modality ends with unit total variance; a constant dimension is dropped (scale 0). Constant
  // means a variance within the rounding error of computing it (the bound scikit-learn's
  // StandardScaler uses): an absolute 1e-24 dropped every feature of size 1e-13, and blew a constant
  // 142857.14... (its one-pass mean off by rounding) up to a shared component of unit size.
  const eps = Number.EPSILON;
  const scale = Float64Array.from(variance, (s, a) => (s > n * eps * s + (n * Math.abs(mean[a]) * eps) ** 2 ? 1 / Math.sqrt(s) / Math.sqrt(d) : 0));
  return { dims: d, mean, scale };
}

function applyScaler(s: Scaler, x: ArrayLike<number>): Float64Array {
  if (x.length !== s.dims) throw new FusionError(`a vector of ${x.length} values where ${s.dims} were fitted`);
  return Float64Array.from({ length: s.dims }, (_, a) => (x[a] - s.mean[a]) * s.scale[a]);
}

function applyScalerRows(s: Scaler, v: Float64Array, n: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < n; i++) out.set(applyScaler(s, v.subarray(i * s.dims, (i + 1) * s.dims)), i * s.dims);
  return out;
}

function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** CCA and DCA project each of their two views on its own directions; PCA and LDA the concatenated vector. */
const PER_VIEW: readonly FeatureProjection[] = ['cca', 'dca'];

function fitted(projection: FeatureProjection, modalities: readonly string[], scalers: readonly Scaler[], projections: readonly LinearProjection[]): FittedFeatureFusion {
  const perView = PER_VIEW.includes(projection);
  const combine = (parts: Float64Array[]): Float64Array =>
    projections.length === 0 ? concat(parts) : perView ? concat(parts.map((x, j) => project(projections[j], x))) : project(projections[0], concat(parts));
  const outputDims = projections.length === 0 ? scalers.reduce((a, sc) => a + sc.dims, 0) : perView ? projections.reduce((a, p) => a + p.outputDims, 0) : projections[0].outputDims;
  return {
    projection,
    modalities,
    outputDims,
    transform(sample) {
      if (sample.length !== scalers.length) throw new FusionError(`${sample.length} vectors for ${scalers.length} modalities`);
      // NaN came out as a vector of NaN, whose similarity to anything was 0: a score, not a refusal.
      sample.forEach((x, j) => checkFiniteRows(x, scalers[j].dims, modalities[j]));
      return combine(sample.map((x, j) => applyScaler(scalers[j], x)));
    },
    similarity(a, b) {
      if (a.length !== outputDims || b.length !== outputDims) throw new FusionError(`similarity of vectors of ${a.length} and ${b.length} values; fused vectors have ${outputDims}`);
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let i = 0; i < a.length; i++) {
        dot += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
      }
      // A NaN came out as similarity 0: a score, not a refusal. Checked here, not per value in the loop (a third slower).
      if (!Number.isFinite(dot + na + nb)) {
        const i = a.findIndex((v, q) => !(Number.isFinite(v) && Number.isFinite(b[q])));
        throw new FusionError(i >= 0 ? `similarity of vectors holding ${a[i]} and ${b[i]} at ${i}; fused vectors are finite` : `similarity of vectors whose squares sum past the largest number (${na}, ${nb})`);
      }
      return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
    },
    toJSON: () => ({
      method: 'feature-fusion',
      version: FEATURE_FUSION_VERSION,
      projection,
      modalities: [...modalities],
      outputDims,
      scalers: scalers.map((sc) => ({ dims: sc.dims, mean: Array.from(sc.mean), scale: Array.from(sc.scale) })),
      projections: projections.map((p) => ({ inputDims: p.inputDims, outputDims: p.outputDims, mean: Array.from(p.mean), weights: Array.from(p.weights) })),
    }),
  };
}

/**
 * Rebuilds a fitted feature fusion from its JSON (`FittedFeatureFusion.toJSON`), checking every
 * field: a stored model is an untyped file, and a short weight list would have projected onto
 * undefined (NaN) or a missing scale dropped a dimension without a word. Throws FusionError
 * naming the field; a version other than FEATURE_FUSION_VERSION is refused.
 */
export function featureFusionFromJSON(value: unknown): FittedFeatureFusion {
  const what = 'stored feature fusion';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FusionError(`${what}: expected an object, got ${value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value}`);
  const json = value as Record<string, unknown>;
  const version = json.version;
  if (version === undefined) throw new FusionError(`${what}: "version" is missing (not a stored feature fusion?)`);
  if (version !== FEATURE_FUSION_VERSION) {
    const newer = typeof version === 'number' && Number.isInteger(version) && version > FEATURE_FUSION_VERSION;
    throw new FusionError(`${what}: version ${JSON.stringify(version)} ${newer ? `is newer than this biofuse reads (${FEATURE_FUSION_VERSION}); upgrade @biofuse/fusion` : `is not valid (this biofuse reads version ${FEATURE_FUSION_VERSION})`}`);
  }
  if (json.method !== 'feature-fusion') throw new FusionError(`${what}: "method" is ${JSON.stringify(json.method)}, not "feature-fusion"`);
  const projection = json.projection;
  if (!PROJECTIONS.includes(projection as FeatureProjection)) throw new FusionError(`${what}: unknown projection ${JSON.stringify(projection)} (known: ${PROJECTIONS.join(', ')})`);
  const kind = projection as FeatureProjection;
  const modalities = storedModalities(json, what);
  const m = modalities.length;
  const perView = PER_VIEW.includes(kind);
  if (perView && m !== 2) throw new FusionError(`${what}: ${kind} fuses exactly two modalities, "modalities" lists ${m}`);
  if (!Array.isArray(json.scalers) || json.scalers.length !== m) throw new FusionError(`${what}: "scalers" must list one scaler per modality (${m})`);
  const scalers = json.scalers.map((sc: unknown, j): Scaler => {
    const field = `scalers.${j}`;
    const o = record(sc, field, what);
    const d = storedCount(o.dims, `${field}.dims`, what);
    const scale = storedNumbers(o.scale, d, `${field}.scale`, what, 'coefficient');
    scale.forEach((v, a) => {
      if (v < 0) throw new FusionError(`${what}: "${field}.scale" entry ${a} is ${v}; scales are 0 or above`);
    });
    return { dims: d, mean: Float64Array.from(storedNumbers(o.mean, d, `${field}.mean`, what, 'location')), scale: Float64Array.from(scale) };
  });
  const inputs = kind === 'none' ? [] : perView ? scalers.map((sc) => sc.dims) : [scalers.reduce((a, sc) => a + sc.dims, 0)];
  if (!Array.isArray(json.projections) || json.projections.length !== inputs.length) {
    throw new FusionError(`${what}: "projections" must list ${inputs.length} projection${inputs.length === 1 ? '' : 's'} for ${kind}`);
  }
  const projections = json.projections.map((p: unknown, q): LinearProjection => {
    const field = `projections.${q}`;
    const o = record(p, field, what);
    const d = storedCount(o.inputDims, `${field}.inputDims`, what);
    if (d !== inputs[q]) throw new FusionError(`${what}: "${field}.inputDims" is ${d}, but its input has ${inputs[q]} dimensions`);
    const k = storedCount(o.outputDims, `${field}.outputDims`, what);
    if (k > d) throw new FusionError(`${what}: "${field}.outputDims" is ${k}, above its ${d} input dimensions`);
    return { inputDims: d, outputDims: k, mean: Float64Array.from(storedNumbers(o.mean, d, `${field}.mean`, what, 'location')), weights: Float64Array.from(storedNumbers(o.weights, d * k, `${field}.weights`, what, 'coefficient')) };
  });
  if (perView && projections[0].outputDims !== projections[1].outputDims) {
    throw new FusionError(`${what}: ${kind} projects both views onto as many directions, got ${projections[0].outputDims} and ${projections[1].outputDims}`);
  }
  const out = fitted(kind, modalities, scalers, projections);
  if (json.outputDims !== out.outputDims) throw new FusionError(`${what}: "outputDims" is ${JSON.stringify(json.outputDims)}, but its projections give ${out.outputDims}`);
  return out;
}

function record(value: unknown, field: string, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FusionError(`${what}: "${field}" must be an object`);
  return value as Record<string, unknown>;
}

function storedCount(value: unknown, field: string, what: string): number {
  // checkWholeNumber lets undefined (an unset option) through; a stored count must be there.
  if (value === undefined) throw new FusionError(`${what}: "${field}" is missing`);
  checkWholeNumber(value as number, `"${field}"`, what, (m) => new FusionError(m));
  return value as number;
}
