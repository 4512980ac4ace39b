import { boxBlur } from './blur';
import { sobel } from './gradient';

/** Ridge orientation per pixel, in [0, pi) (y down, counter-clockwise as seen on screen), with its reliability. */
export interface OrientationField {
  readonly width: number;
  readonly height: number;
  /** Ridge direction (not the gradient): angle of the ridge flow, modulo pi. */
  readonly orientation: Float32Array;
  /** 0 (isotropic, no ridge flow) .. 1 (perfectly parallel ridges), from the structure tensor. */
  readonly coherence: Float32Array;
  /** Mean squared gradient magnitude in the neighbourhood: contrast of the ridge pattern. */
  readonly energy: Float32Array;
}

export interface OrientationOptions {
  /** Radius of the structure-tensor window (about one and a half ridge periods). */
  readonly tensorRadius: number;
  /** Radius of the second smoothing of the doubled-angle field, which bridges creases and noise. */
  readonly smoothingRadius: number;
}

/**
 * Orientation by the averaged squared gradient (Kass & Witkin; Bazen & Gerez): the structure
 * tensor is averaged over a window, its dominant axis is the gradient direction, and the ridges
 * run across it. The doubled-angle vector field is then smoothed again, weighted by coherence,
 * so that noisy areas inherit the flow of their reliable surroundings.
 */
export function orientationField(pixels: Float32Array, width: number, height: number, opts: OrientationOptions): OrientationField {
  const { gx, gy } = sobel(pixels, width, height);
  const n = pixels.length;
  const gxx = new Float32Array(n);
  const gyy = new Float32Array(n);
  const gxy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    gxx[i] = gx[i] * gx[i];
    gyy[i] = gy[i] * gy[i];
    gxy[i] = gx[i] * gy[i];
  }
  const sxx = boxBlur(gxx, width, height, opts.tensorRadius, 2);
  const syy = boxBlur(gyy, width, height, opts.tensorRadius, 2);
  const sxy = boxBlur(gxy, width, height, opts.tensorRadius, 2);

  const coherence = new Float32Array(n);
  const energy = new Float32Array(n);
  // Doubled-angle vector of the gradient direction, length = coherence.
  const vx = new Float32Array(n);
  const vy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const a = sxx[i] - syy[i];
    const b = 2 * sxy[i];
    const e = sxx[i] + syy[i];
    const c = e > 1e-6 ? Math.sqrt(a * a + b * b) / e : 0;
    coherence[i] = c;
    energy[i] = e;
    // Image y points down; the gradient angle on screen is atan2(-gy, gx), so sxy changes sign.
    const norm = Math.sqrt(a * a + b * b);
    if (norm > 1e-9) {
      vx[i] = (a / norm) * c;
      vy[i] = (-b / norm) * c;
    }
  }
  const wx = boxBlur(vx, width, height, opts.smoothingRadius, 2);
  const wy = boxBlur(vy, width, height, opts.smoothingRadius, 2);
  const orientation = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let theta = 0.5 * Math.atan2(wy[i], wx[i]) + Math.PI / 2;
    if (theta >= Math.PI) theta -= Math.PI;
    if (theta < 0) theta += Math.PI;
    orientation[i] = theta;
  }
  return { width, height, orientation, coherence, energy };
}
