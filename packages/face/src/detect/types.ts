import type { RasterImage } from '@biofuse/core';
import type { Landmarks } from '../align/templates';

/** An axis-aligned box in image pixels. */
export interface FaceBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface FaceDetection {
  readonly box: FaceBox;
  /** The detector's confidence, 0..1. */
  readonly confidence: number;
  /** Named landmarks in image pixels (at least both eyes). */
  readonly landmarks: Landmarks;
  /** Dense landmarks (MediaPipe's 468-point mesh, x/y interleaved) when the mesh stage ran. */
  readonly mesh?: Float32Array;
  /** Which detector (and landmark stage) produced this face. */
  readonly detector: string;
}

export interface DetectOptions {
  /** Candidates below this confidence are dropped. */
  readonly minConfidence?: number;
  /** Faces whose box is smaller than this many pixels on its shorter side are dropped. */
  readonly minFaceSize?: number;
  /** Keep at most this many faces (the largest). */
  readonly maxFaces?: number;
}

/** Finds faces; returns them largest first. An empty array means no face was found. */
export interface FaceDetector {
  readonly name: string;
  /**
   * The image is the face (`skip`): nothing is searched, so the default minimum face size (meant
   * for a detector's tiny boxes) does not apply, and an image under a minimum the caller set is
   * a crop too small rather than no face found.
   */
  readonly wholeImage?: boolean;
  detect(image: RasterImage, options?: DetectOptions): Promise<FaceDetection[]>;
}

/** Largest first, then the `maxFaces` and `minFaceSize` limits. */
export function selectFaces(faces: FaceDetection[], options: DetectOptions): FaceDetection[] {
  const minSize = options.minFaceSize ?? 0;
  const kept = faces.filter((f) => Math.min(f.box.width, f.box.height) >= minSize);
  kept.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
  return options.maxFaces === undefined ? kept : kept.slice(0, options.maxFaces);
}
