/**
 * Cappelli, Maio & Maltoni's model of the plastic distortion of skin pressed on a flat
 * sensor: a rigid zone where the finger first touches (an ellipse), a transition ring of width
 * `transitionPx`, and outside it a full rigid displacement (a small rotation about the zone's
 * centre plus a shift), blended by brake(d) = (1 - cos(pi d / k)) / 2 with d the distance
 * beyond the rigid zone:
 *
 *   distort(v) = v + Delta(v) brake(d(v)),  Delta(v) = Rot(rotation)(v - c) + c + shift - v.
 *
 * Here it maps impression-frame points (after undoing the global pose) back onto the master.
 */
export interface ElasticDistortion {
  /** Centre of the rigid zone, master pixels. */
  readonly centre: readonly [number, number];
  /** Semi-axes of the rigid zone (px). */
  readonly radii: readonly [number, number];
  /** Width of the transition ring (px). */
  readonly transitionPx: number;
  /** Displacement of the skin beyond the ring: rotation (rad) about the centre and shift (px). */
  readonly rotationRad: number;
  readonly shiftPx: readonly [number, number];
}

/** Applies the distortion to (x, y); writes the result into `out`. */
export function distort(d: ElasticDistortion, x: number, y: number, out: [number, number]): [number, number] {
  const rx = x - d.centre[0];
  const ry = y - d.centre[1];
  const b = brake(d, rx, ry);
  if (b === 0) {
    out[0] = x;
    out[1] = y;
    return out;
  }
  // Rot(a) v - v, with cos a - 1 = -2 sin^2(a / 2) and sin a, exact for small angles too.
  const h = Math.sin(d.rotationRad / 2);
  const cm1 = -2 * h * h;
  const s = 2 * h * Math.sqrt(1 - h * h);
  const dx = cm1 * rx - s * ry + d.shiftPx[0];
  const dy = s * rx + cm1 * ry + d.shiftPx[1];
  out[0] = x + b * dx;
  out[1] = y + b * dy;
  return out;
}

/** The inverse of `distort`, by fixed-point iteration (the displacement field is smooth and small). */
export function undistort(d: ElasticDistortion, x: number, y: number, out: [number, number]): [number, number] {
  let px = x;
  let py = y;
  const tmp: [number, number] = [0, 0];
  for (let it = 0; it < 30; it++) {
    distort(d, px, py, tmp);
    const ex = tmp[0] - x;
    const ey = tmp[1] - y;
    px -= ex;
    py -= ey;
    if (ex * ex + ey * ey < 1e-8) break;
  }
  out[0] = px;
  out[1] = py;
  return out;
}

/** 0 in the rigid zone, rising smoothly to 1 across the transition ring. */
function brake(d: ElasticDistortion, rx: number, ry: number): number {
  const ex = rx / d.radii[0];
  const ey = ry / d.radii[1];
  const e = Math.sqrt(ex * ex + ey * ey);
  if (e <= 1) return 0;
  // Distance beyond the ellipse, measured along the ray from the centre.
  const beyond = Math.sqrt(rx * rx + ry * ry) * (1 - 1 / e);
  if (beyond >= d.transitionPx) return 1;
  return 0.5 * (1 - Math.cos((Math.PI * beyond) / d.transitionPx));
}
