import { checkSeed, seededRandom } from '../random';
import type { LabelledEmbeddings } from './labelled-set';

export interface SyntheticEmbeddingOptions {
  readonly identities: number;
  readonly perIdentity: number;
  readonly dim: number;
  readonly seed: number;
  /** Within-identity noise, per dimension (default 0.4). */
  readonly noise?: number;
  /** Scale of a shared low-rank nuisance (pose, light...) that swamps cosine scores (default 1.5). */
  readonly nuisance?: number;
  /** Rank of the nuisance subspace (default 8). */
  readonly nuisanceRank?: number;
  /** Gain of the fixed random tanh warp applied last (default 1.5). */
  readonly warp?: number;
}

/**
 * A stand-in for a frozen embedding under a domain shift: identity centres plus noise, plus a
 * strong nuisance in a random low-rank subspace, all passed through a fixed random non-linear
 * warp tanh(warp * A x / sqrt(dim)). Cosine scores on the raw rows are poor; a head that learns
 * to undo the warp and ignore the nuisance does better on identities it never saw. Split one
 * generated set by identity (splitIdentities) so that train and test share the warp.
 */
export function syntheticEmbeddings(opts: SyntheticEmbeddingOptions): LabelledEmbeddings {
  const { identities, perIdentity, dim, seed } = opts;
  // The generator keeps 32 bits of a whole seed: 1, 1.9 and 2^32 + 1 gave the same set.
  checkSeed(seed, 'syntheticEmbeddings: seed');
  const noise = opts.noise ?? 0.4;
  const nuisance = opts.nuisance ?? 1.5;
  const rank = opts.nuisanceRank ?? 8;
  const warp = opts.warp ?? 1.5;
  const rng = seededRandom(seed);
  const warpMatrix = new Float64Array(dim * dim);
  for (let i = 0; i < warpMatrix.length; i++) warpMatrix[i] = rng.normal();
  const basis = new Float64Array(dim * rank);
  for (let i = 0; i < basis.length; i++) basis[i] = rng.normal();
  const n = identities * perIdentity;
  const embeddings = new Float32Array(n * dim);
  const labels = new Int32Array(n);
  const centre = new Float64Array(dim);
  const x = new Float64Array(dim);
  const u = new Float64Array(rank);
  const gain = warp / Math.sqrt(dim);
  for (let id = 0; id < identities; id++) {
    for (let j = 0; j < dim; j++) centre[j] = rng.normal();
    for (let s = 0; s < perIdentity; s++) {
      const row = id * perIdentity + s;
      labels[row] = id;
      for (let r = 0; r < rank; r++) u[r] = rng.normal() * nuisance;
      for (let j = 0; j < dim; j++) {
        let v = centre[j] + noise * rng.normal();
        for (let r = 0; r < rank; r++) v += basis[j * rank + r] * u[r];
        x[j] = v;
      }
      for (let i = 0; i < dim; i++) {
        let v = 0;
        for (let j = 0; j < dim; j++) v += warpMatrix[i * dim + j] * x[j];
        embeddings[row * dim + i] = Math.tanh(gain * v);
      }
    }
  }
  return { embeddings, labels, dim };
}
