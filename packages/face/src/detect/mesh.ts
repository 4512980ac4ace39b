import type { Tensor } from '@tensorflow/tfjs';
import { type RasterImage, tensorflow } from '@biofuse/core';
import { invertAffine, type Affine } from '../align/similarity';
import { warpAffine } from '../align/warp';
import type { Landmarks } from '../align/templates';
import { modelFile } from '../runtime/model-files';
import { sharedGraphModel } from '../runtime/shared-tfjs-model';
import type { FaceDetection } from './types';

const INPUT = 192;
const POINTS = 468;

/** Mesh vertices that name the landmarks alignment templates use (MediaPipe's topology). */
const MESH_LANDMARKS = {
  leftEyeOuter: [33],
  leftEyeInner: [133],
  rightEyeInner: [362],
  rightEyeOuter: [263],
  leftEye: [33, 133, 159, 145],
  rightEye: [362, 263, 386, 374],
  nose: [1],
  noseBase: [2],
  mouthLeft: [61],
  mouthRight: [291],
  mouth: [13, 14],
} as const;

export interface MeshOptions {
  /** The crop around the detector's box, as a multiple of its longer side. */
  readonly cropScale?: number;
  /** Faces whose mesh confidence falls below this are reported as not found. */
  readonly minMeshConfidence?: number;
}

/**
 * MediaPipe FaceMesh as a landmark stage: crops the detected face upright (rotated so the
 * detector's eyes are level), regresses 468 points, and maps them back to the image. The
 * named landmarks (eye corners and centres, nose, mouth corners) come from the mesh.
 */
export class MeshLandmarker {
  async refine(image: RasterImage, face: FaceDetection, options: MeshOptions = {}): Promise<FaceDetection | undefined> {
    const tf = await tensorflow();
    const model = await sharedGraphModel(modelFile('@vladmandic/human', 'models/facemesh.json')).model();
    const toCrop = meshCropTransform(face, options.cropScale ?? 1.5);
    const pixels = warpAffine(image, toCrop, INPUT, INPUT);
    for (let i = 0; i < pixels.length; i++) pixels[i] /= 255;
    const [meshT, flagT] = tf.tidy(() => {
      const outputs = model.execute(tf.tensor4d(pixels, [1, INPUT, INPUT, 3])) as Tensor[];
      const mesh = outputs.find((t) => t.shape[t.shape.length - 1] === POINTS * 3);
      const flag = outputs.find((t) => t.shape[t.shape.length - 1] === 1);
      if (!mesh || !flag) throw new Error('facemesh model: unexpected outputs');
      return [mesh.clone(), flag.clone()];
    });
    const raw = (await meshT.data()) as Float32Array;
    const flag = (await flagT.data())[0];
    tf.dispose([meshT, flagT]);
    // The face-flag head ends in a sigmoid: `flag` is already a probability.
    const confidence = flag;
    if (confidence < (options.minMeshConfidence ?? 0.5)) return undefined;

    const back = invertAffine(toCrop);
    const mesh = new Float32Array(POINTS * 2);
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < POINTS; i++) {
      const x = raw[3 * i];
      const y = raw[3 * i + 1];
      const ix = back[0] * x + back[1] * y + back[2];
      const iy = back[3] * x + back[4] * y + back[5];
      mesh[2 * i] = ix;
      mesh[2 * i + 1] = iy;
      if (ix < minX) minX = ix;
      if (ix > maxX) maxX = ix;
      if (iy < minY) minY = iy;
      if (iy > maxY) maxY = iy;
    }
    const landmarks: Landmarks = {};
    for (const [name, indices] of Object.entries(MESH_LANDMARKS) as [keyof typeof MESH_LANDMARKS, readonly number[]][]) {
      let x = 0;
      let y = 0;
      for (const i of indices) {
        x += mesh[2 * i];
        y += mesh[2 * i + 1];
      }
      landmarks[name] = [x / indices.length, y / indices.length];
    }
    return {
      box: { x: minX, y: minY, width: maxX - minX, height: maxY - minY },
      confidence: face.confidence * confidence,
      landmarks,
      mesh,
      detector: `${face.detector}+mesh`,
    };
  }
}

/** Square crop centred on the box, rotated so that the eyes are level, scaled to 192 px. */
function meshCropTransform(face: FaceDetection, cropScale: number): Affine {
  const { box, landmarks } = face;
  const side = Math.max(box.width, box.height) * cropScale;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const left = landmarks.leftEye;
  const right = landmarks.rightEye;
  const angle = left && right ? Math.atan2(right[1] - left[1], right[0] - left[0]) : 0;
  const s = INPUT / side;
  const cos = Math.cos(-angle) * s;
  const sin = Math.sin(-angle) * s;
  // Rotate by -angle about the box centre, scale, and put the centre in the middle of the crop.
  return [cos, -sin, INPUT / 2 - cos * cx + sin * cy, sin, cos, INPUT / 2 - sin * cx - cos * cy];
}
