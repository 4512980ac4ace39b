import type { RasterImage } from '@biofuse/core';
import { ARCFACE_112 } from '../align/templates';
import type { Landmarks } from '../align/templates';
import { selectFaces, type DetectOptions, type FaceDetection, type FaceDetector } from './types';

/**
 * `skip`: the image already is a face crop. The face is the whole image, with the landmarks
 * where an ArcFace-style crop has them, so alignment reduces to a resize. `minFaceSize` holds
 * for it as for any detector: a crop under it is no face (the recogniser sets no minimum for it
 * unless its caller does).
 */
export class SkipDetector implements FaceDetector {
  readonly name = 'skip';
  readonly wholeImage = true;

  async detect(image: RasterImage, options: DetectOptions = {}): Promise<FaceDetection[]> {
    const sx = image.width / ARCFACE_112.width;
    const sy = image.height / ARCFACE_112.height;
    const landmarks: Landmarks = {};
    for (const [name, [x, y]] of Object.entries(ARCFACE_112.points)) landmarks[name as keyof Landmarks] = [x * sx, y * sy];
    return selectFaces([{ box: { x: 0, y: 0, width: image.width, height: image.height }, confidence: 1, landmarks, detector: this.name }], options);
  }
}
