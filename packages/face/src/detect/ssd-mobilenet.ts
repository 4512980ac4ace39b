import type { NamedTensorMap, Tensor, Tensor1D, Tensor4D } from '@tensorflow/tfjs';
import { type RasterImage, tensorflow, type Tf } from '@biofuse/core';
import { modelFile } from '../runtime/model-files';
import { sharedWeights } from '../runtime/shared-tfjs-model';
import type { DetectOptions, FaceDetection, FaceDetector } from './types';
import { boxFromInput, squareInput } from './square-input';
import { weightedNms } from './weighted-nms';

const INPUT = 512;
const ROW = 5;

/**
 * face-api's SSD-MobileNetV1 face detector, rebuilt from its named weights: a MobileNetV1
 * backbone (depthwise / pointwise pairs, ReLU6), four extra feature maps, six box predictors
 * over 5,118 anchors (stored with the weights), decoded the TF Object Detection way
 * (offsets / 10, log-sizes / 5). Boxes only; the mesh stage supplies landmarks.
 */
export class SsdMobilenetDetector implements FaceDetector {
  readonly name = 'ssd-mobilenet';

  async detect(image: RasterImage, options: DetectOptions = {}): Promise<FaceDetection[]> {
    const tf = await tensorflow();
    const w = await sharedWeights(modelFile('@vladmandic/face-api', 'model/ssd_mobilenetv1_model-weights_manifest.json')).model();
    const { pixels, fromInput } = squareInput(image, INPUT, 'top-left', (v) => v / 127.5 - 1);
    const [boxesT, scoresT] = tf.tidy(() => forward(tf, w, tf.tensor4d(pixels, [1, INPUT, INPUT, 3])));
    const encodings = (await boxesT.data()) as Float32Array;
    const logits = (await scoresT.data()) as Float32Array;
    const anchors = (await (w['Output/extra_dim'] as Tensor).data()) as Float32Array;
    tf.dispose([boxesT, scoresT]);

    // Low by default: its scores on real faces are often 0.2-0.5, and the mesh stage confirms faces.
    const minConfidence = options.minConfidence ?? 0.2;
    const count = anchors.length / 4;
    const candidates = new Float32Array(count * ROW);
    let kept = 0;
    for (let i = 0; i < count; i++) {
      // Class 0 is background; class 1 is "face".
      const score = 1 / (1 + Math.exp(-logits[i * 3 + 1]));
      if (score < minConfidence) continue;
      const [ay0, ax0, ay1, ax1] = anchors.subarray(i * 4, i * 4 + 4);
      const ah = ay1 - ay0;
      const aw = ax1 - ax0;
      const cy = (encodings[i * 4] / 10) * ah + ay0 + ah / 2;
      const cx = (encodings[i * 4 + 1] / 10) * aw + ax0 + aw / 2;
      const h = Math.exp(encodings[i * 4 + 2] / 5) * ah;
      const bw = Math.exp(encodings[i * 4 + 3] / 5) * aw;
      candidates.set([score, (cx - bw / 2) * INPUT, (cy - h / 2) * INPUT, (cx + bw / 2) * INPUT, (cy + h / 2) * INPUT], kept++ * ROW);
    }
    return weightedNms({ rows: candidates, stride: ROW, count: kept }, 0.5).map((r) => ({
      box: boxFromInput(r, fromInput),
      confidence: r[0],
      landmarks: {},
      detector: this.name,
    }));
  }
}

function forward(tf: Tf, w: NamedTensorMap, input: Tensor4D): [Tensor, Tensor] {
  const relu6 = (x: Tensor4D) => tf.clipByValue(x, 0, 6) as Tensor4D;
  const pointwise = (x: Tensor4D, name: string, stride: 1 | 2): Tensor4D =>
    relu6(tf.add(tf.conv2d(x, w[`${name}/weights`] as Tensor4D, stride, 'same'), w[`${name}/convolution_bn_offset`] as Tensor1D));
  const depthwise = (x: Tensor4D, name: string, stride: 1 | 2): Tensor4D => {
    const out = tf.depthwiseConv2d(x, w[`${name}/depthwise_weights`] as Tensor4D, stride, 'same');
    const bn = (p: string) => w[`${name}/BatchNorm/${p}`] as Tensor1D;
    return relu6(tf.batchNorm(out, bn('moving_mean'), bn('moving_variance'), bn('beta'), bn('gamma'), 0.0010000000474974513));
  };
  let x = pointwise(input, 'MobilenetV1/Conv2d_0_pointwise', 2);
  let conv11: Tensor4D | undefined;
  for (let i = 1; i <= 13; i++) {
    x = depthwise(x, `MobilenetV1/Conv2d_${i}_depthwise`, [2, 4, 6, 12].includes(i) ? 2 : 1);
    x = pointwise(x, `MobilenetV1/Conv2d_${i}_pointwise`, 1);
    if (i === 11) conv11 = x;
  }
  const extra: Tensor4D[] = [];
  let y = x;
  for (let i = 0; i < 8; i++) {
    y = pointwise(y, `Prediction/Conv2d_${i}_pointwise`, i % 2 === 1 ? 2 : 1);
    if (i % 2 === 1) extra.push(y);
  }
  const maps = [conv11!, x, ...extra];
  const boxes: Tensor[] = [];
  const classes: Tensor[] = [];
  maps.forEach((map, i) => {
    const head = (kind: string) =>
      tf.add(tf.conv2d(map, w[`Prediction/BoxPredictor_${i}/${kind}/weights`] as Tensor4D, 1, 'same'), w[`Prediction/BoxPredictor_${i}/${kind}/biases`] as Tensor1D);
    boxes.push(tf.reshape(head('BoxEncodingPredictor'), [-1, 4]));
    classes.push(tf.reshape(head('ClassPredictor'), [-1, 3]));
  });
  return [tf.concat(boxes, 0), tf.concat(classes, 0)];
}
