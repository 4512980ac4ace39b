import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../tensor/tfjs-runtime';
import { l2Normalize, rowNorm } from './projection-head';

type Tensor1D = tfjs.Tensor1D;
type Tensor2D = tfjs.Tensor2D;
type Scalar = tfjs.Scalar;

/** Distance between embeddings used by the triplet loss and the mining. */
export type EmbeddingDistance = 'squared-l2' | 'cosine';

/**
 * Row-wise distance between two [n, d] batches: squared L2 sum((a - b)^2), or cosine
 * 1 - a.b / (|a| |b|). Differentiable (a tfjs op), so it can sit inside a loss.
 */
export function rowDistance(tf: Tf, a: Tensor2D, b: Tensor2D, distance: EmbeddingDistance): Tensor1D {
  return tf.tidy(() => {
    if (distance === 'squared-l2') return tf.sum(tf.square(tf.sub(a, b)), 1) as Tensor1D;
    const dot = tf.sum(tf.mul(a, b), 1);
    const norms = tf.mul(rowNorm(tf, a), rowNorm(tf, b));
    return tf.sub(1, tf.div(dot, tf.maximum(norms, 1e-12))) as Tensor1D;
  });
}

/**
 * Euclidean distance per row, with a small epsilon under the square root so that the gradient
 * stays finite at d = 0 (identical embeddings).
 */
export function euclideanRowDistance(tf: Tf, a: Tensor2D, b: Tensor2D): Tensor1D {
  return tf.tidy(() => tf.sqrt(tf.add(tf.sum(tf.square(tf.sub(a, b)), 1), 1e-12)) as Tensor1D);
}

/**
 * Pairwise distance matrix [n, n] of a batch [n, d] (squared L2 or cosine), for mining.
 * Squared L2 is clamped at 0 against rounding.
 */
export function pairwiseDistance(tf: Tf, x: Tensor2D, distance: EmbeddingDistance): Tensor2D {
  return tf.tidy(() => {
    if (distance === 'cosine') {
      const unit = l2Normalize(tf, x);
      return tf.sub(1, tf.matMul(unit, unit, false, true)) as Tensor2D;
    }
    const sq = tf.sum(tf.square(x), 1, true);
    const d = tf.add(tf.sub(sq, tf.mul(2, tf.matMul(x, x, false, true))), tf.transpose(sq));
    return tf.relu(d) as Tensor2D;
  });
}

/**
 * Contrastive loss (Hadsell, Chopra & LeCun 2006), averaged over pairs:
 *   L = y * d^2 / 2 + (1 - y) * max(0, margin - d)^2 / 2
 * where d is the Euclidean distance of the pair. Convention: y = 1 for a genuine pair (same
 * identity) and y = 0 for an impostor pair. (Hadsell et al. write Y = 0 for similar pairs; we
 * use the "1 = genuine" label of the metrics.) With `weights`, a weighted mean (0 drops a pair).
 */
export function contrastiveLoss(tf: Tf, distance: Tensor1D, genuine: Tensor1D, margin: number, weights?: Tensor1D): Scalar {
  return tf.tidy(() => {
    const pull = tf.mul(genuine, tf.square(distance));
    const push = tf.mul(tf.sub(1, genuine), tf.square(tf.relu(tf.sub(margin, distance))));
    return weightedMean(tf, tf.mul(0.5, tf.add(pull, push)) as Tensor1D, weights);
  });
}

/**
 * Triplet loss (Schroff et al. 2015, FaceNet) from the anchor-positive and anchor-negative
 * distances: max(d(A,P) - d(A,N) + alpha, 0), summed and divided by `divisor` (default: the
 * number of triplets, i.e. the mean; pass the number of active triplets for the batch-all
 * average of Hermans et al. 2017).
 */
export function tripletLoss(tf: Tf, dAP: Tensor1D, dAN: Tensor1D, alpha: number, divisor?: number): Scalar {
  return tf.tidy(() => {
    const per = tf.relu(tf.add(tf.sub(dAP, dAN), alpha));
    return tf.div(tf.sum(per), Math.max(1, divisor ?? dAP.shape[0])) as Scalar;
  });
}

/** The triplet loss straight from anchor, positive and negative embeddings [n, d]. */
export function tripletLossFromEmbeddings(
  tf: Tf,
  anchor: Tensor2D,
  positive: Tensor2D,
  negative: Tensor2D,
  opts: { alpha: number; distance: EmbeddingDistance; divisor?: number },
): Scalar {
  return tf.tidy(() =>
    tripletLoss(
      tf,
      rowDistance(tf, anchor, positive, opts.distance),
      rowDistance(tf, anchor, negative, opts.distance),
      opts.alpha,
      opts.divisor,
    ),
  );
}

/**
 * The binary Siamese formulation (Koch et al. 2015): the element-wise |f(x1) - f(x2)| goes into
 * one sigmoid unit p = sigmoid(w . |f1 - f2| + b), trained with binary cross-entropy against
 * y (1 = genuine). Returns the mean BCE. Computed from the logit (log-sum-exp form), so it stays
 * finite for saturated units.
 */
export function binarySiameseLoss(
  tf: Tf,
  f1: Tensor2D,
  f2: Tensor2D,
  genuine: Tensor1D,
  weights: Tensor1D,
  bias: Scalar,
): Scalar {
  return tf.tidy(() => binaryCrossEntropyWithLogits(tf, binarySiameseLogit(tf, f1, f2, weights, bias), genuine));
}

/**
 * Mean binary cross-entropy of sigmoid(logit) against y, computed from the logit as
 * max(z, 0) - z y + log(1 + exp(-|z|)); with `weights`, a weighted mean.
 */
export function binaryCrossEntropyWithLogits(tf: Tf, logit: Tensor1D, y: Tensor1D, weights?: Tensor1D): Scalar {
  return tf.tidy(() => {
    const per = tf.add(tf.sub(tf.relu(logit), tf.mul(logit, y)), tf.log1p(tf.exp(tf.neg(tf.abs(logit)))));
    return weightedMean(tf, per as Tensor1D, weights);
  });
}

/** The logit w . |f1 - f2| + b of the binary Siamese unit (sigmoid of it = P(genuine)). */
export function binarySiameseLogit(tf: Tf, f1: Tensor2D, f2: Tensor2D, weights: Tensor1D, bias: Scalar): Tensor1D {
  return tf.tidy(() => tf.add(tf.sum(tf.mul(tf.abs(tf.sub(f1, f2)), weights), 1), bias) as Tensor1D);
}

/**
 * The triplet loss over a batch's [n, n] distance matrix, for the triplets marked in `mask`
 * (n^3 cells, row-major [anchor][positive][negative], each the number of times that triplet was
 * chosen): sum(mask * max(D[a,p] - D[a,n] + alpha, 0)) / divisor (default: the number of
 * triplets). Dense, so its gradient needs no gather/scatter kernel (the wasm backend has no
 * UnsortedSegmentSum) and costs O(n^3) for a batch of n, small for P x K batches.
 */
export function maskedTripletLoss(tf: Tf, distances: Tensor2D, mask: Float32Array, alpha: number, divisor?: number): Scalar {
  const n = distances.shape[0];
  if (mask.length !== n * n * n) throw new RangeError(`triplet mask has ${mask.length} cells, expected ${n}^3`);
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i];
  return tf.tidy(() => {
    const dap = tf.reshape(distances, [n, n, 1]);
    const dan = tf.reshape(distances, [n, 1, n]);
    const per = tf.relu(tf.add(tf.sub(dap, dan), alpha));
    return tf.div(tf.sum(tf.mul(per, tf.tensor3d(mask, [n, n, n]))), Math.max(1, divisor ?? count)) as Scalar;
  });
}

/** The mask of `maskedTripletLoss` from mined index triplets. */
export function tripletMask(n: number, anchors: Int32Array, positives: Int32Array, negatives: Int32Array): Float32Array {
  const mask = new Float32Array(n * n * n);
  for (let t = 0; t < anchors.length; t++) mask[(anchors[t] * n + positives[t]) * n + negatives[t]] += 1;
  return mask;
}

function weightedMean(tf: Tf, values: Tensor1D, weights?: Tensor1D): Scalar {
  if (weights === undefined) return tf.mean(values) as Scalar;
  return tf.div(tf.sum(tf.mul(values, weights)), tf.maximum(tf.sum(weights), 1e-12)) as Scalar;
}
