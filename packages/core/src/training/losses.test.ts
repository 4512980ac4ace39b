import { beforeAll, describe, expect, it } from 'vitest';
import type { Tf } from '../tensor/tfjs-runtime';
import { trainingTensorflow } from './backend';
import {
  binarySiameseLoss,
  contrastiveLoss,
  maskedTripletLoss,
  pairwiseDistance,
  rowDistance,
  tripletLoss,
  tripletLossFromEmbeddings,
  tripletMask,
} from './losses';

// every loss is checked on both backends that can train here (tfjs's ALL_ENVS idea)
describe.each(['cpu', 'wasm'] as const)('losses on the %s backend', (backend) => {
  let tf: Tf;
  beforeAll(async () => {
    tf = await trainingTensorflow(backend);
  });

  const value = (t: { dataSync(): ArrayLike<number> }) => t.dataSync()[0];

  describe('triplet loss', () => {
    it('is max(d(A,P) - d(A,N) + alpha, 0): 0.19 for 0.5 / 0.51, 0 for 0.5 / 0.9', () => {
      expect(value(tripletLoss(tf, tf.tensor1d([0.5]), tf.tensor1d([0.51]), 0.2))).toBeCloseTo(0.19, 6);
      expect(value(tripletLoss(tf, tf.tensor1d([0.5]), tf.tensor1d([0.9]), 0.2))).toBe(0);
      // mean over triplets, or over a given divisor (the active count of batch-all)
      expect(value(tripletLoss(tf, tf.tensor1d([0.5, 0.5]), tf.tensor1d([0.51, 0.9]), 0.2))).toBeCloseTo(0.095, 6);
      expect(value(tripletLoss(tf, tf.tensor1d([0.5, 0.5]), tf.tensor1d([0.51, 0.9]), 0.2, 1))).toBeCloseTo(0.19, 6);
    });

    it('over a distance matrix and a triplet mask gives the same values', () => {
      // D[0,1] = 0.5, D[0,2] = 0.51, D[0,3] = 0.9
      const d = tf.tensor2d([
        [0, 0.5, 0.51, 0.9],
        [0.5, 0, 0, 0],
        [0.51, 0, 0, 0],
        [0.9, 0, 0, 0],
      ]);
      const mask = tripletMask(4, Int32Array.from([0, 0]), Int32Array.from([1, 1]), Int32Array.from([2, 3]));
      expect(value(maskedTripletLoss(tf, d, mask, 0.2))).toBeCloseTo(0.095, 6);
      expect(value(maskedTripletLoss(tf, d, mask, 0.2, 1))).toBeCloseTo(0.19, 6);
    });

    it('works from embeddings with squared L2 and cosine distance', () => {
      const a = tf.tensor2d([[0, 0]]);
      // |A-P|^2 = 0.5, |A-N|^2 = 0.49 + 0.01 = 0.5 -> 0.5 - 0.5 + 0.2
      const sq = tripletLossFromEmbeddings(tf, a, tf.tensor2d([[0.5, 0.5]]), tf.tensor2d([[0.7, 0.1]]), {
        alpha: 0.2,
        distance: 'squared-l2',
      });
      expect(value(sq)).toBeCloseTo(0.2, 6);
      const u = tf.tensor2d([[1, 0]]);
      const p = tf.tensor2d([[0.6, 0.8]]); // cosine distance 0.4
      expect(value(tripletLossFromEmbeddings(tf, u, p, tf.tensor2d([[0, 1]]), { alpha: 0.2, distance: 'cosine' }))).toBe(0);
      // negative at cosine distance 0.2: 0.4 - 0.2 + 0.2
      const cos = tripletLossFromEmbeddings(tf, u, p, tf.tensor2d([[0.8, 0.6]]), { alpha: 0.2, distance: 'cosine' });
      expect(value(cos)).toBeCloseTo(0.4, 6);
    });
  });

  describe('contrastive loss', () => {
    it('is y d^2/2 + (1-y) max(0, m-d)^2/2 with y = 1 for genuine pairs, averaged', () => {
      // 0.5*0.25 = 0.125 (genuine); 0.5*0.7^2 = 0.245 (impostor inside the margin); 0 (impostor outside)
      const loss = contrastiveLoss(tf, tf.tensor1d([0.5, 0.3, 1.5]), tf.tensor1d([1, 0, 0]), 1);
      expect(value(loss)).toBeCloseTo((0.125 + 0.245) / 3, 6);
      // weights drop pairs from the mean
      const weighted = contrastiveLoss(tf, tf.tensor1d([0.5, 0.3, 1.5]), tf.tensor1d([1, 0, 0]), 1, tf.tensor1d([0, 1, 1]));
      expect(value(weighted)).toBeCloseTo(0.245 / 2, 6);
    });
  });

  describe('binary Siamese loss', () => {
    it('is the BCE of sigmoid(w . |f1 - f2| + b)', () => {
      const f1 = tf.tensor2d([[1, 2], [1, 2]]);
      const f2 = tf.tensor2d([[0, 4], [0, 4]]);
      // |diff| = [1, 2], logit = 0.5 - 0.5 + 0.1 = 0.1
      const loss = binarySiameseLoss(tf, f1, f2, tf.tensor1d([1, 0]), tf.tensor1d([0.5, -0.25]), tf.scalar(0.1));
      const expected = (Math.log(1 + Math.exp(-0.1)) + Math.log(1 + Math.exp(0.1))) / 2;
      expect(value(loss)).toBeCloseTo(expected, 5);
    });

    it('stays finite when the unit saturates', () => {
      const loss = binarySiameseLoss(tf, tf.tensor2d([[100]]), tf.tensor2d([[0]]), tf.tensor1d([0]), tf.tensor1d([1]), tf.scalar(0));
      expect(value(loss)).toBeCloseTo(100, 3);
    });

    it('passes gradients to the embeddings and the unit', () => {
      const f1 = tf.tensor2d([[1, 2]]);
      const grads = tf.grads((a: any, w: any) =>
        binarySiameseLoss(tf, a, tf.tensor2d([[0, 4]]), tf.tensor1d([1]), w, tf.scalar(0.1)),
      )([f1, tf.tensor1d([0.5, -0.25])]);
      for (const g of grads) expect(Math.max(...Array.from(g.dataSync(), Math.abs))).toBeGreaterThan(0);
    });
  });

  describe('distances', () => {
    it('pairwise matrices agree with row distances', () => {
      const x = tf.tensor2d([[1, 0], [0.6, 0.8], [0, 2]]);
      const sq = pairwiseDistance(tf, x, 'squared-l2').arraySync();
      expect(sq[0][2]).toBeCloseTo(5, 5);
      expect(sq[1][1]).toBeCloseTo(0, 5);
      const cos = pairwiseDistance(tf, x, 'cosine').arraySync();
      expect(cos[0][1]).toBeCloseTo(0.4, 5);
      expect(cos[0][2]).toBeCloseTo(1, 5);
      const rows = rowDistance(tf, tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 2]]), 'squared-l2');
      expect(value(rows)).toBeCloseTo(5, 5);
    });
  });
});
