import type { NamedTensorMap, Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs';
import { type RasterImage, tensorflow, type Tf } from '@biofuse/core';
import { modelFile } from '../runtime/model-files';
import { sharedWeights } from '../runtime/shared-tfjs-model';
import type { DetectOptions, FaceDetection, FaceDetector } from './types';
import { boxFromInput, squareInput } from './square-input';
import { weightedNms } from './weighted-nms';

const INPUT = 416;
const MEAN_RGB = [117.001, 114.697, 97.404] as const;
/** Anchor box sizes in output cells (width, height), from face-api's training of the model. */
const ANCHORS = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
] as const;
const ROW = 5;

/**
 * face-api's Tiny Face Detector: a YOLOv2-style grid (13 x 13 cells x 5 anchors at 416 px) over a
 * MobileNet-like stack of depthwise-separable convolutions, rebuilt here from its named
 * weights. It returns boxes only; the landmark stage (FaceMesh) supplies the landmarks.
 */
export class TinyFaceDetector implements FaceDetector {
  readonly name = 'tiny-face';

  async detect(image: RasterImage, options: DetectOptions = {}): Promise<FaceDetection[]> {
    const tf = await tensorflow();
    const weights = await sharedWeights(modelFile('@vladmandic/face-api', 'model/tiny_face_detector_model-weights_manifest.json')).model();
    // Padded at the bottom / right, as face-api trained it.
    const { pixels, fromInput } = squareInput(image, INPUT, 'top-left', (v, c) => (v - MEAN_RGB[c]) / 255);
    const output = tf.tidy(() => forward(tf, weights, tf.tensor4d(pixels, [1, INPUT, INPUT, 3])));
    const cells = output.shape[1];
    const data = (await output.data()) as Float32Array;
    output.dispose();

    // Low by default: its scores on real faces are often 0.2-0.5, and the mesh stage confirms faces.
    const minConfidence = options.minConfidence ?? 0.2;
    const candidates = new Float32Array(cells * cells * ANCHORS.length * ROW);
    let kept = 0;
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    const cell = INPUT / cells;
    for (let row = 0; row < cells; row++) {
      for (let col = 0; col < cells; col++) {
        for (let a = 0; a < ANCHORS.length; a++) {
          const o = ((row * cells + col) * ANCHORS.length + a) * 5;
          const score = sigmoid(data[o + 4]);
          if (score < minConfidence) continue;
          const cx = (col + sigmoid(data[o])) * cell;
          const cy = (row + sigmoid(data[o + 1])) * cell;
          const w = Math.exp(data[o + 2]) * ANCHORS[a][0] * cell;
          const h = Math.exp(data[o + 3]) * ANCHORS[a][1] * cell;
          candidates.set([score, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], kept++ * ROW);
        }
      }
    }
    return weightedNms({ rows: candidates, stride: ROW, count: kept }, 0.4).map((r) => ({
      box: boxFromInput(r, fromInput),
      confidence: r[0],
      landmarks: {},
      detector: this.name,
    }));
  }
}

function forward(tf: Tf, w: NamedTensorMap, input: Tensor4D): Tensor4D {
  const leaky = (x: Tensor4D): Tensor4D => tf.leakyRelu(x, 0.1);
  const separable = (x: Tensor4D, name: string): Tensor4D => {
    const padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
    const out = tf.separableConv2d(padded, w[`${name}/depthwise_filter`] as Tensor4D, w[`${name}/pointwise_filter`] as Tensor4D, 1, 'valid');
    return leaky(tf.add(out, w[`${name}/bias`] as Tensor1D));
  };
  let x = leaky(tf.add(tf.conv2d(input, w['conv0/filters'] as Tensor4D, 1, 'valid'), w['conv0/bias'] as Tensor1D));
  for (const name of ['conv1', 'conv2', 'conv3', 'conv4', 'conv5']) {
    x = tf.maxPool(x, 2, 2, 'same');
    x = separable(x, name);
  }
  x = tf.maxPool(x, 2, 1, 'same');
  return tf.add(tf.conv2d(x, w['conv8/filters'] as Tensor4D, 1, 'valid'), w['conv8/bias'] as Tensor) as Tensor4D;
}
