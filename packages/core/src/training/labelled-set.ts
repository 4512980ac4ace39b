import { ConfigError } from '../errors';

/** Embeddings as rows of one Float32Array (n x dim, row-major), with an identity label per row. */
export interface LabelledEmbeddings {
  readonly embeddings: Float32Array;
  readonly labels: Int32Array;
  readonly dim: number;
}

/** Checks that the rows and labels agree; throws ConfigError naming the mismatch. */
export function checkLabelledSet(set: LabelledEmbeddings, what = 'embedding set'): number {
  const { embeddings, labels, dim } = set;
  if (!Number.isInteger(dim) || dim < 1) throw new ConfigError(`${what}: dim must be a positive integer, got ${dim}`);
  if (embeddings.length !== labels.length * dim) {
    throw new ConfigError(`${what}: ${embeddings.length} values are not ${labels.length} labels x dim ${dim}`);
  }
  for (let i = 0; i < embeddings.length; i++) {
    if (!Number.isFinite(embeddings[i])) throw new ConfigError(`${what}: row ${Math.floor(i / dim)} has a non-finite value`);
  }
  return labels.length;
}

/** The rows at `indices`, in that order. */
export function takeRows(set: LabelledEmbeddings, indices: Int32Array): LabelledEmbeddings {
  const { dim } = set;
  const embeddings = new Float32Array(indices.length * dim);
  const labels = new Int32Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    embeddings.set(set.embeddings.subarray(i * dim, (i + 1) * dim), r * dim);
    labels[r] = set.labels[i];
  }
  return { embeddings, labels, dim };
}

/** Rows scaled to unit L2 norm (a zero row stays zero), as a new array. */
export function unitRows(embeddings: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(embeddings.length);
  for (let r = 0; r * dim < embeddings.length; r++) {
    let s = 0;
    const o = r * dim;
    for (let j = 0; j < dim; j++) s += embeddings[o + j] * embeddings[o + j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < dim; j++) out[o + j] = embeddings[o + j] * inv;
  }
  return out;
}

/** Dot product of row a of `x` with row b of `y` (both dim wide). */
export function rowDot(x: Float32Array, a: number, y: Float32Array, b: number, dim: number): number {
  let s = 0;
  const oa = a * dim;
  const ob = b * dim;
  for (let j = 0; j < dim; j++) s += x[oa + j] * y[ob + j];
  return s;
}

/**
 * Cosine similarities of all pairs i < j of a set, split into genuine (same label) and
 * impostor pairs: the input of every verification metric.
 */
export function allPairCosine(set: LabelledEmbeddings): { genuine: Float64Array; impostor: Float64Array } {
  const n = set.labels.length;
  const unit = unitRows(set.embeddings, set.dim);
  let nGen = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (set.labels[i] === set.labels[j]) nGen++;
  const genuine = new Float64Array(nGen);
  const impostor = new Float64Array((n * (n - 1)) / 2 - nGen);
  let g = 0;
  let m = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = rowDot(unit, i, unit, j, set.dim);
      if (set.labels[i] === set.labels[j]) genuine[g++] = s;
      else impostor[m++] = s;
    }
  }
  return { genuine, impostor };
}
