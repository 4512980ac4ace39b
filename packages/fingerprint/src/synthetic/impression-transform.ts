import { distort, undistort, type ElasticDistortion } from './elastic-distortion';

/**
 * Everything that places a master print on the sensor for one impression, as recorded in the
 * dataset's ground truth. Coordinates are pixels with pixel (i, j)'s centre at (i, j).
 */
export interface ImpressionPose {
  /** Master point that lands on `imageAnchor` (the centre of the fingerprint area). */
  readonly masterAnchor: readonly [number, number];
  /** Where it lands in the impression: the image centre plus the translation. */
  readonly imageAnchor: readonly [number, number];
  /** Rotation of the print on the sensor, counter-clockwise on screen (rad). */
  readonly rotationRad: number;
  readonly distortion: ElasticDistortion;
}

/** The master point seen at impression pixel (x, y): undo translation and rotation, then the skin distortion. */
export function impressionToMaster(pose: ImpressionPose, x: number, y: number, out: [number, number] = [0, 0]): [number, number] {
  return impressionToMasterMap(pose)(x, y, out);
}

/** `impressionToMaster` with the pose's trigonometry done once, for mapping every pixel. */
export function impressionToMasterMap(pose: ImpressionPose): (x: number, y: number, out: [number, number]) => [number, number] {
  const c = Math.cos(pose.rotationRad);
  const s = Math.sin(pose.rotationRad);
  const [ix, iy] = pose.imageAnchor;
  const [mx, my] = pose.masterAnchor;
  const d = pose.distortion;
  return (x, y, out) => {
    const dx = x - ix;
    const dy = y - iy;
    return distort(d, c * dx - s * dy + mx, s * dx + c * dy + my, out);
  };
}

/** Where master point (x, y) appears in the impression (the inverse of `impressionToMaster`). */
export function masterToImpression(pose: ImpressionPose, x: number, y: number, out: [number, number] = [0, 0]): [number, number] {
  undistort(pose.distortion, x, y, out);
  const c = Math.cos(pose.rotationRad);
  const s = Math.sin(pose.rotationRad);
  const dx = out[0] - pose.masterAnchor[0];
  const dy = out[1] - pose.masterAnchor[1];
  out[0] = c * dx + s * dy + pose.imageAnchor[0];
  out[1] = -s * dx + c * dy + pose.imageAnchor[1];
  return out;
}
