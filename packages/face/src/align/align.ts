import { type RasterImage, AcquisitionError } from '@biofuse/core';
import { similarityTransform, type Affine } from './similarity';
import type { LandmarkName, Landmarks, LandmarkTemplate } from './templates';
import { warpAffine, type WarpOptions } from './warp';

/** A face resampled for one model: interleaved RGB floats 0..255 and the map that made it. */
export interface FaceCrop {
  readonly width: number;
  readonly height: number;
  readonly pixels: Float32Array;
  /** Image coordinates -> crop coordinates. */
  readonly transform: Affine;
}

/**
 * The similarity transform that takes a face's landmarks onto a template, over the landmarks
 * both know (at least two). Fewer shared points give a coarser but still valid alignment.
 */
export function alignmentTransform(landmarks: Landmarks, template: LandmarkTemplate): Affine {
  const from: number[] = [];
  const to: number[] = [];
  const use = (set: Readonly<Partial<Record<LandmarkName, readonly [number, number]>>>) => {
    for (const [name, target] of Object.entries(set) as [LandmarkName, readonly [number, number]][]) {
      const source = landmarks[name];
      if (!source) continue;
      from.push(source[0], source[1]);
      to.push(target[0], target[1]);
    }
  };
  use(template.points);
  // Coarse stand-ins only when some of the template's own landmarks are missing.
  if (template.coarse && from.length < 2 * Object.keys(template.points).length) use(template.coarse);
  if (from.length < 4) {
    throw new AcquisitionError('landmarks_missing', `alignment to ${template.name} needs two of its landmarks (${Object.keys(template.points).join(', ')}); the face has ${Object.keys(landmarks).join(', ') || 'none'}`);
  }
  return similarityTransform(from, to);
}

/** Warps the face onto the template: rotation, scale and translation, bilinear, borders padded. */
export function alignFace(image: RasterImage, landmarks: Landmarks, template: LandmarkTemplate, options?: WarpOptions): FaceCrop {
  const transform = alignmentTransform(landmarks, template);
  return { width: template.width, height: template.height, pixels: warpAffine(image, transform, template.width, template.height, options), transform };
}

/**
 * An upright crop (no rotation) of the box around the face, expanded by `expandPercentage`
 * and squared, resized to `width x height`: the `align: false` path.
 */
export function uprightCrop(
  image: RasterImage,
  box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number },
  width: number,
  height: number,
  expandPercentage = 0,
  options?: WarpOptions,
): FaceCrop {
  const side = Math.max(box.width, box.height) * (1 + expandPercentage / 100);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const sx = width / side;
  const sy = height / side;
  const transform: Affine = [sx, 0, width / 2 - sx * cx, 0, sy, height / 2 - sy * cy];
  return { width, height, pixels: warpAffine(image, transform, width, height, options), transform };
}
