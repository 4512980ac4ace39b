import type { Random } from '@biofuse/core';
import type { FingerprintArea } from './fingerprint-area';
import type { FingerprintClass } from './fingerprint-class';
import { clampedNormal, type SingularPoint } from './singular-points';

/**
 * Nodes of a regular grid over the master: node (i, j) sits on master pixel (i step, j step).
 * The fields are evaluated where they are needed: at half resolution for the ridge growth.
 */
export interface SamplingGrid {
  readonly width: number;
  readonly height: number;
  readonly step: number;
}

/**
 * Ridge orientation at every grid node, in radians in [0, pi), measured in image coordinates
 * (x right, y down, so a ridge direction (cos t, sin t) on screen).
 */
export interface OrientationField extends SamplingGrid {
  readonly theta: Float32Array;
}

/** Number of sectors of the Vizcaya-Gerhardt piecewise-linear correction. */
const VG_SECTORS = 8;

/**
 * The orientation model of a class. Classes with singular points use Sherlock & Monro's
 * zero-pole model: in the plane with y up, theta(z) = theta0 + 1/2 [sum_c g_c(arg(z - c)) -
 * sum_d g_d(arg(z - d))] over cores c and deltas d (each core turns the ridges by +pi around
 * it, each delta by -pi). Each g is a Vizcaya & Gerhardt piecewise-linear correction of the
 * argument: seeded small offsets at eight knots, plus, for cores, a stretch that rounds the
 * head of the loop. Arches have no singular point: their ridges cross the finger with a hump
 * that grows towards the tip. A slow seeded waviness of a few degrees is added to every class.
 */
export function orientationField(
  cls: FingerprintClass,
  area: FingerprintArea,
  points: readonly SingularPoint[],
  grid: SamplingGrid,
  rng: Random,
): OrientationField {
  const theta = new Float32Array(grid.width * grid.height);
  const theta0 = 0.06 * clampedNormal(rng);
  if (cls === 'arch') archField(theta, area, grid, theta0, rng);
  else zeroPoleField(theta, cls, points, grid, theta0, rng);
  waviness(theta, grid, rng);
  return { ...grid, theta };
}

/**
 * Real ridges are never ruler-straight: a smooth seeded perturbation of a few degrees (a sum
 * of slow plane waves), which keeps every singular point where it is.
 */
function waviness(theta: Float32Array, { width, height, step }: SamplingGrid, rng: Random): void {
  const amplitude = 0.05 + 0.05 * rng.next();
  const waves = Array.from({ length: 3 }, () => {
    const wavelength = 90 + 160 * rng.next();
    const dir = 2 * Math.PI * rng.next();
    return { kx: (2 * Math.PI * Math.cos(dir)) / wavelength, ky: (2 * Math.PI * Math.sin(dir)) / wavelength, phase: 2 * Math.PI * rng.next() };
  });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let w = 0;
      for (const v of waves) w += Math.sin(v.kx * x * step + v.ky * y * step + v.phase);
      const i = y * width + x;
      theta[i] = wrapPi(theta[i] + (amplitude / 1.7) * w);
    }
  }
}

function zeroPoleField(
  theta: Float32Array,
  cls: FingerprintClass,
  points: readonly SingularPoint[],
  { width, height, step }: SamplingGrid,
  theta0: number,
  rng: Random,
): void {
  const sx = Float64Array.from(points, (p) => p.x);
  const sy = Float64Array.from(points, (p) => p.y);
  const sign = Float64Array.from(points, (p) => (p.kind === 'delta' ? -0.5 : 0.5));
  const plain = (a: number) => a;
  const corrections = points.map((p, k) => {
    if (p.kind === 'delta') return vgCorrection(rng, plain, 0.1);
    // Rounder loop heads: stretch the angles on the head side of each core, compress them on
    // its tail side (where the loop's ridges run out).
    const tail = tailDirection(points, k, theta0);
    const roundness = cls === 'whorl' ? 0.15 + 0.2 * rng.next() : 0.35 + 0.3 * rng.next();
    return vgCorrection(rng, headStretch(tail, roundness), 0.1);
  });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let t = theta0;
      for (let k = 0; k < sx.length; k++) {
        // Argument measured with y up, as in the complex plane of the model.
        const a = Math.atan2(sy[k] - y * step, x * step - sx[k]);
        t += sign[k] * corrections[k](a);
      }
      // Back to image coordinates (y down) and into [0, pi).
      theta[y * width + x] = wrapPi(-t);
    }
  }
}

/**
 * g(alpha) for alpha in [-pi, pi]: a base shape plus a piecewise-linear offset, linear between
 * knots alpha_i = -pi + 2 pi i / L, eps_i seeded and eps_L = eps_0, so g(-pi) and g(pi) still
 * differ by 2 pi.
 */
function vgCorrection(rng: Random, base: (a: number) => number, spread: number): (a: number) => number {
  const eps = new Float64Array(VG_SECTORS + 1);
  for (let i = 0; i < VG_SECTORS; i++) eps[i] = spread * clampedNormal(rng);
  eps[VG_SECTORS] = eps[0];
  const step = (2 * Math.PI) / VG_SECTORS;
  return (a) => {
    const u = (a + Math.PI) / step;
    const i = Math.min(VG_SECTORS - 1, Math.max(0, Math.floor(u)));
    const f = u - i;
    return base(a) + eps[i] + f * (eps[i + 1] - eps[i]);
  };
}

/**
 * A monotone g with g(tail) = tail: slope 1 - r over the half-turn centred on the tail
 * direction and 1 + r over the half-turn of the loop's head, so ridges round the head of the
 * loop more like circles and leave along its tail more nearly parallel.
 */
function headStretch(tail: number, r: number): (a: number) => number {
  return (a) => {
    const b = wrapSigned(a - tail);
    const m = Math.abs(b);
    const h = m <= Math.PI / 2 ? (1 - r) * m : (1 - r) * (Math.PI / 2) + (1 + r) * (m - Math.PI / 2);
    return a + (b < 0 ? -h : h) - b;
  };
}

/**
 * The direction (model angle, y up) in which the ridges leave core k of the plain zero-pole
 * model: the one ray around the core along which the ridge orientation is radial.
 */
function tailDirection(points: readonly SingularPoint[], k: number, theta0: number): number {
  let best = 0;
  let bestErr = Infinity;
  for (let i = 0; i < 720; i++) {
    const a = -Math.PI + (i * Math.PI) / 360;
    const x = points[k].x + 4 * Math.cos(a);
    const y = points[k].y - 4 * Math.sin(a);
    let t = theta0;
    for (const p of points) t += (p.kind === 'delta' ? -0.5 : 0.5) * Math.atan2(p.y - y, x - p.x);
    // t is the ridge direction in model angles; radial where t = a (mod pi).
    const err = Math.abs(Math.sin(t - a));
    if (err < bestErr) {
      bestErr = err;
      best = a;
    }
  }
  return best;
}

function wrapSigned(a: number): number {
  let r = a % (2 * Math.PI);
  if (r > Math.PI) r -= 2 * Math.PI;
  if (r <= -Math.PI) r += 2 * Math.PI;
  return r;
}

/** Plain arch: each ridge y(x) = y0 - A(y0) exp(-(x - c)^2 / 2 s^2), humps growing towards the tip. */
function archField(theta: Float32Array, area: FingerprintArea, { width, height, step }: SamplingGrid, theta0: number, rng: Random): void {
  const s = 55 + 30 * rng.next();
  const peak = 35 + 35 * rng.next();
  const centre = area.cx + 15 * clampedNormal(rng);
  const base = area.cy + area.band / 2 + 0.4 * area.bottom;
  const crest = area.cy - 0.2 * area.top;
  for (let y = 0; y < height; y++) {
    const rise = Math.min(1, Math.max(0, (base - y * step) / (base - crest)));
    const amp = peak * (0.15 + 0.85 * rise * rise * (3 - 2 * rise));
    for (let x = 0; x < width; x++) {
      const d = (x * step - centre) / s;
      const slope = (amp / s) * d * Math.exp(-0.5 * d * d);
      theta[y * width + x] = wrapPi(Math.atan(slope) - theta0);
    }
  }
}

export function wrapPi(a: number): number {
  const r = a % Math.PI;
  return r < 0 ? r + Math.PI : r;
}
