import { ConfigError } from '@biofuse/core';
import { FusionError } from '../errors';
import { refuseUnknownOptions } from '../methods/options';
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
   * Output dimensions of the projection (PCA, LDA; CCA and DCA: per view). DCA's default, every
   * direction (subjects - 1 at most), whitens noise too: fewer usually verify better.
   */
  readonly dims?: number;
  /** LDA and CCA: ridge on the scatter matrices they whiten, as a share of their mean variance (default 1e-3). */
  readonly regularization?: number;
}

export interface FittedFeatureFusion {
  readonly modalities: readonly string[];
  readonly outputDims: number;
  /** The fused vector of one sample, from one vector per modality (finite values only). */
  transform(sample: readonly ArrayLike<number>[]): Float64Array;
  /** Cosine similarity of two fused vectors (0 when either is all zeros). */
  similarity(a: Float64Array, b: Float64Array): number;
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
      if (!(Number.isInteger(dims) && dims >= 1)) throw new ConfigError(`feature fusion: dims must be a whole number >= 1, got ${dims}`);
    }
    if (regularization !== undefined) {
      if (projection !== 'lda' && projection !== 'cca') throw new ConfigError(`feature fusion: "regularization" is read by lda and cca only, not by ${projection}`);
      if (!(Number.isFinite(regularization) && regularization >= 0)) throw new ConfigError(`feature fusion: regularization must be a finite number >= 0, got ${regularization}`);
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
      if (!(Number.isInteger(d) && d >= 1)) throw new FusionError(`${views.modalities[j]}: dimension must be a whole number >= 1, got ${d}`);
      if (v.length !== n * d) throw new FusionError(`${views.modalities[j]}: ${v.length} values for ${n} samples x ${d} dimensions`);
      checkFinite(v, d, views.modalities[j]);
    });
    const scalers = views.vectors.map((v, j) => fitScaler(v, n, views.dims[j]));
    const scaled = views.vectors.map((v, j) => applyScalerRows(scalers[j], v, n));
    const reg = this.opts.regularization ?? 1e-3;
    if (this.opts.projection === 'cca') {
      if (m !== 2) throw new FusionError(`CCA fuses exactly two modalities, got ${m}`);
      const k = this.opts.dims ?? Math.min(...views.dims);
      const cca = fitCca(scaled[0], views.dims[0], scaled[1], views.dims[1], n, k, reg);
      return fitted(views.modalities, scalers, (parts) => concat([project(cca.x, parts[0]), project(cca.y, parts[1])]), 2 * k);
    }
    if (this.opts.projection === 'dca') {
      if (m !== 2) throw new FusionError(`DCA fuses exactly two modalities, got ${m}`);
      const dca = fitDca(scaled[0], views.dims[0], scaled[1], views.dims[1], views.subjects, this.opts.dims);
      return fitted(views.modalities, scalers, (parts) => concat([project(dca.x, parts[0]), project(dca.y, parts[1])]), 2 * dca.x.outputDims);
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
    if (this.opts.projection === 'pca') projection = fitPca(joined, n, total, this.opts.dims ?? Math.min(total, 32));
    if (this.opts.projection === 'lda') {
      const classes = new Set(views.subjects).size;
      if (classes < 2) throw new FusionError(`LDA separates subjects: it needs at least 2, got ${classes}`);
      projection = fitLda(joined, n, total, views.subjects, this.opts.dims ?? Math.min(total, classes - 1), reg);
    }
    const p = projection;
    return fitted(views.modalities, scalers, (parts) => (p ? project(p, concat(parts)) : concat(parts)), p ? p.outputDims : total);
  }
}

interface Scaler {
  readonly dims: number;
  readonly mean: Float64Array;
  readonly scale: Float64Array;
}

function checkFinite(v: ArrayLike<number>, d: number, modality: string): void {
  for (let q = 0; q < v.length; q++) {
    if (!Number.isFinite(v[q])) throw new FusionError(`${modality}: value ${q % d} of sample ${Math.floor(q / d)} is ${v[q]}; feature fusion takes finite numbers only`);
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

function fitted(modalities: readonly string[], scalers: readonly Scaler[], combine: (parts: Float64Array[]) => Float64Array, outputDims: number): FittedFeatureFusion {
  return {
    modalities,
    outputDims,
    transform(sample) {
      if (sample.length !== scalers.length) throw new FusionError(`${sample.length} vectors for ${scalers.length} modalities`);
      // NaN came out as a vector of NaN, whose similarity to anything was 0: a score, not a refusal.
      sample.forEach((x, j) => checkFinite(x, scalers[j].dims, modalities[j]));
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
      return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
    },
  };
}
