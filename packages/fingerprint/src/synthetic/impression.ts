import { checkSeed, ConfigError, seededRandom, type Random } from '@biofuse/core';
import { DEFAULT_EXTRACTION_PARAMS } from '../extract/params';
import { MIN_IMAGE_SIDE, type FingerprintImage } from '../image/fingerprint-image';
import { gaussianBlur } from './blur';
import { areaRadius } from './fingerprint-area';
import { impressionToMasterMap, masterToImpression, type ImpressionPose } from './impression-transform';
import type { SyntheticMaster } from './master-print';
import { boxBlur } from '../extract/blur';
import { uniformNoise } from './noise';
import { clampedNormal, type SingularPoint } from './singular-points';

export interface ImpressionOptions {
  /** Image size (px); FVC2002 DB1's 388 x 374 by default. */
  readonly width?: number;
  readonly height?: number;
  /** Largest rotation of the finger on the sensor (degrees, either way). Default 20. */
  readonly maxRotationDeg?: number;
  /** Largest shift of the print's centre from the image centre (px, each axis). Default 30. */
  readonly maxTranslationPx?: number;
  /** Scale of the elastic skin distortion: 0 none, 1 FVC-like (default), at most 3. */
  readonly distortion?: number;
  /** Finger moisture and pressure, -1 (dry: thin, broken ridges) to 1 (wet: thick, merging). Drawn when absent. */
  readonly pressure?: number;
  /** Scale of ridge and background noise: 0 clean, 1 default. */
  readonly noise?: number;
}

/** What made one impression: its pose on the sensor and the acquisition conditions. */
export interface ImpressionRecord extends ImpressionPose {
  readonly seed: number;
  /** The part of the finger that touched the sensor: an ellipse in master pixels. */
  readonly contact: { readonly centre: readonly [number, number]; readonly radii: readonly [number, number] };
  readonly pressure: number;
  /** Strength of the ridge noise (threshold jitter, in ridge-profile units). */
  readonly ridgeNoise: number;
  readonly blurPx: number;
  readonly scratches: number;
}

/** A synthetic impression: a grey FVC-like image with the truth about how it was made. */
export interface SyntheticImpression extends FingerprintImage {
  readonly record: ImpressionRecord;
  /** The master's singular points in image coordinates (some may lie outside the image). */
  readonly singularPoints: readonly SingularPoint[];
}

type ResolvedOptions = Required<Omit<ImpressionOptions, 'pressure'>>;

export const IMPRESSION_DEFAULTS: Readonly<ResolvedOptions> = Object.freeze({
  width: 388,
  height: 374,
  maxRotationDeg: 20,
  maxTranslationPx: 30,
  distortion: 1,
  noise: 1,
});

/**
 * One impression of a master, SFinGe's acquisition steps in order: pose and contact region,
 * elastic skin distortion, ridge thickness from pressure and moisture, ridge noise, scratches,
 * blur, then rendering on a noisy, unevenly lit background as an 8-bit image at 500 dpi.
 */
export function synthesizeImpression(master: SyntheticMaster, seed: number, opts: ImpressionOptions = {}): SyntheticImpression {
  const o: ResolvedOptions = { ...IMPRESSION_DEFAULTS, ...definedOnly(opts) };
  // No smaller than what the loader and extractor take back: a dataset of images that every
  // reader refuses (a side under 64 px) or that cannot hold the least ridge area is no dataset.
  for (const k of ['width', 'height'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < MIN_IMAGE_SIDE || o[k] > 4096) throw new ConfigError(`impression ${k} must be an integer in ${MIN_IMAGE_SIDE}..4096, got ${o[k]}`);
  }
  const leastArea = DEFAULT_EXTRACTION_PARAMS.minArea;
  if (o.width * o.height < leastArea) {
    throw new ConfigError(`an impression of ${o.width} x ${o.height} px is smaller than the least ridge area a print is extracted from (${leastArea} px at 500 dpi)`);
  }
  for (const k of ['maxRotationDeg', 'maxTranslationPx', 'distortion', 'noise'] as const) {
    if (!(o[k] >= 0) || !Number.isFinite(o[k])) throw new ConfigError(`impression ${k} must be a finite number >= 0`);
  }
  if (o.distortion > 3) throw new ConfigError('impression distortion must be at most 3 (1 is FVC-like)');
  if (opts.pressure !== undefined && !(Math.abs(opts.pressure) <= 1)) throw new ConfigError('impression pressure must be in -1..1');
  // The generator keeps 32 bits: 1.5 or 2 ** 32 + 1 would give seed 1's impression under another name.
  checkSeed(seed, 'impression seed');

  const rng = seededRandom(seed);
  const record = drawImpressionRecord(master, seed, o, opts.pressure, rng);
  const { width, height } = o;
  const { ridge, contact } = sampleMaster(master, record, width, height);
  const ink = pressRidges(ridge, contact, record, noiseField(width, height, 1, rng), noiseField(width, height, 2, rng));
  addScratches(ink, width, height, record.scratches, rng);
  const pixels = renderGrey(gaussianBlur(ink, width, height, record.blurPx), width, height, o.noise, record.pressure, rng);
  const at: [number, number] = [0, 0];
  const singularPoints = master.singularPoints.map((p) => {
    masterToImpression(record, p.x, p.y, at);
    return { kind: p.kind, x: at[0], y: at[1] };
  });
  return { width, height, dpi: master.dpi, pixels, record, singularPoints };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Pose, distortion, contact region and acquisition conditions, all seeded. */
function drawImpressionRecord(master: SyntheticMaster, seed: number, o: ResolvedOptions, pressure: number | undefined, rng: Random): ImpressionRecord {
  const { area } = master;
  const sym = () => 2 * rng.next() - 1;
  // (+ 0 turns a -0 into 0.)
  const rotationRad = (sym() * o.maxRotationDeg * Math.PI) / 180 + 0;
  const imageAnchor: [number, number] = [(o.width - 1) / 2 + sym() * o.maxTranslationPx, (o.height - 1) / 2 + sym() * o.maxTranslationPx];
  // Drawn even when given, so a forced pressure leaves the rest of the impression as it was.
  const drawnPressure = Math.max(-1, Math.min(1, 0.45 * clampedNormal(rng)));
  const p = pressure ?? drawnPressure;
  // The finger touches first near the centre of its pad, a little below the core.
  const touch: [number, number] = [area.cx + 20 * clampedNormal(rng), area.cy + 10 + 20 * clampedNormal(rng)];
  const k = o.distortion;
  const distortion = {
    centre: touch,
    radii: [55 + 35 * rng.next(), 65 + 40 * rng.next()] as const,
    transitionPx: 70 + 60 * rng.next(),
    rotationRad: k * ((3 * Math.PI) / 180) * clampedNormal(rng) * 0.6,
    shiftPx: [k * 6 * clampedNormal(rng), k * 6 * clampedNormal(rng)] as const,
  };
  // More pressure, more skin on the glass.
  const spread = 0.93 + 0.06 * p + 0.06 * rng.next();
  const contact = {
    centre: [touch[0] + 10 * clampedNormal(rng), touch[1] - 10 + 15 * clampedNormal(rng)] as const,
    radii: [spread * 0.5 * (area.left + area.right) * 1.04, spread * 0.5 * (area.top + area.band + area.bottom) * 1.05] as const,
  };
  const ridgeNoise = o.noise * (0.2 + 0.12 * Math.max(0, -p) + 0.06 * rng.next());
  const blurPx = 0.45 + 0.4 * rng.next();
  const scratches = rng.int(4);
  return {
    seed,
    masterAnchor: [area.cx, area.cy],
    imageAnchor,
    rotationRad,
    distortion,
    contact,
    pressure: p,
    ridgeNoise,
    blurPx,
    scratches: o.noise > 0 ? scratches : 0,
  };
}

/**
 * Follows every impression pixel back onto the master: the ridge profile there (1 on a ridge
 * centre, 0 in a valley or off the finger, bilinear) and how firmly that skin touched the
 * sensor (1 well inside both the fingerprint area and the contact region, falling to 0 at
 * their border).
 */
function sampleMaster(master: SyntheticMaster, record: ImpressionRecord, width: number, height: number): { ridge: Float32Array; contact: Float32Array } {
  const ridge = new Float32Array(width * height);
  const contact = new Float32Array(width * height);
  const mw = master.width;
  const mh = master.height;
  const px = master.pixels;
  const at: [number, number] = [0, 0];
  const [ccx, ccy] = record.contact.centre;
  const [crx, cry] = record.contact.radii;
  const toMaster = impressionToMasterMap(record);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      toMaster(x, y, at);
      const mx = at[0];
      const my = at[1];
      const ex = (mx - ccx) / crx;
      const ey = (my - ccy) / cry;
      const rho = Math.max(areaRadius(master.area, mx, my), Math.sqrt(ex * ex + ey * ey));
      if (rho >= 1) continue;
      const i = y * width + x;
      contact[i] = smoothstep((1 - rho) / 0.12);
      const x0 = Math.floor(mx);
      const y0 = Math.floor(my);
      if (x0 < 0 || y0 < 0 || x0 >= mw - 1 || y0 >= mh - 1) continue;
      const fx = mx - x0;
      const fy = my - y0;
      const j = y0 * mw + x0;
      const top = px[j] + fx * (px[j + 1] - px[j]);
      const bottom = px[j + mw] + fx * (px[j + mw + 1] - px[j + mw]);
      ridge[i] = 1 - (top + fy * (bottom - top)) / 255;
    }
  }
  return { ridge, contact };
}

/** Band-limited noise (white noise blurred to sigma about 1.15 px for r = 1, 2 px for r = 2), scaled to unit standard deviation. */
function noiseField(width: number, height: number, r: number, rng: Random): Float32Array {
  const white = uniformNoise(rng, width * height);
  for (let i = 0; i < white.length; i++) white[i] -= 0.5;
  const noise = boxBlur(white, width, height, r, 2);
  let ss = 0;
  for (let i = 0; i < noise.length; i++) ss += noise[i] * noise[i];
  const scale = 1 / Math.sqrt(ss / noise.length || 1);
  for (let i = 0; i < noise.length; i++) noise[i] *= scale;
  return noise;
}

/**
 * Ink left by the ridges: the ridge profile thresholded at a level set by pressure (a dry
 * finger prints only ridge centres, a wet one spreads into the valleys: erosion and dilation),
 * jittered by fine noise so dry ridges break into dots and wet valleys catch specks, darker
 * in the middle of a ridge than at its edges and unevenly along it (coarser noise), and fading
 * out with the contact towards the border of the print.
 */
function pressRidges(ridge: Float32Array, contact: Float32Array, record: ImpressionRecord, fine: Float32Array, coarse: Float32Array): Float32Array {
  const ink = new Float32Array(ridge.length);
  const level = 0.56 - 0.2 * record.pressure;
  const alpha = record.ridgeNoise;
  const edge = 0.3;
  for (let i = 0; i < ink.length; i++) {
    const c = contact[i];
    if (c === 0) continue;
    const t = level + 0.4 * (1 - c);
    const v = (ridge[i] - t + alpha * fine[i]) / edge + 0.35;
    const strength = 0.8 + 0.2 * coarse[i];
    ink[i] = (v < 0 ? 0 : v > 1 ? 1 : v) * (strength > 1 ? 1 : strength) * Math.sqrt(c);
  }
  return ink;
}

/** Thin white lines across the print: cuts in the skin or scratches on the glass. */
function addScratches(ink: Float32Array, width: number, height: number, count: number, rng: Random): void {
  if (count === 0) return;
  // How much ink each pixel keeps: the least over all scratches that cross it.
  const keep = new Float32Array(ink.length).fill(1);
  for (let s = 0; s < count; s++) {
    const x0 = width * (0.2 + 0.6 * rng.next());
    const y0 = height * (0.2 + 0.6 * rng.next());
    const dir = Math.PI * rng.next();
    const length = 30 + 120 * rng.next();
    const halfWidth = 0.6 + 0.8 * rng.next();
    const bend = 0.004 * clampedNormal(rng);
    const steps = Math.ceil(length * 2);
    const r = Math.ceil(halfWidth + 1);
    for (let k = 0; k <= steps; k++) {
      const u = (k / steps - 0.5) * length;
      const a = dir + bend * u;
      const cx = x0 + u * Math.cos(a);
      const cy = y0 + u * Math.sin(a);
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const x = Math.round(cx) + dx;
          const y = Math.round(cy) + dy;
          if (x < 0 || y < 0 || x >= width || y >= height) continue;
          const f = Math.max(0.05, Math.min(1, Math.hypot(x - cx, y - cy) - halfWidth + 0.5));
          const i = y * width + x;
          if (f < keep[i]) keep[i] = f;
        }
      }
    }
  }
  for (let i = 0; i < ink.length; i++) ink[i] *= keep[i];
}

/**
 * The sensor's picture: a light background, unevenly lit (darker towards the corners) with
 * faint blotches, a few light and dark specks, ridges printed dark in proportion to the ink,
 * and pixel noise; rounded to 8 bits.
 */
function renderGrey(ink: Float32Array, width: number, height: number, noise: number, pressure: number, rng: Random): Uint8Array {
  const background = sensorBackground(width, height, noise, rng);
  const specks = sensorSpecks(width, height, noise, rng);
  const darkness = 165 + 25 * rng.next() + 10 * pressure;
  // Triangular pixel noise (two uniforms) with standard deviation sigma.
  const sigma = noise * (2.5 + 2.5 * rng.next());
  const amp = sigma * Math.sqrt(6);
  const u1 = uniformNoise(rng, width * height);
  const u2 = uniformNoise(rng, width * height);
  const pixels = new Uint8Array(width * height);
  for (let i = 0; i < pixels.length; i++) {
    const v = background[i] + specks[i] - (specks[i] + darkness) * ink[i] + amp * (u1[i] + u2[i] - 1);
    pixels[i] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
  }
  return pixels;
}

/**
 * Light level of the bare sensor: a seeded base, a vignette towards the corners and a few
 * broad blotches; computed on a grid of 8 px cells and interpolated (it varies slowly).
 */
function sensorBackground(width: number, height: number, noise: number, rng: Random): Float32Array {
  const base = 195 + 25 * rng.next();
  const vignette = 18 + 22 * rng.next();
  const blotches = Array.from({ length: 4 }, () => ({
    x: width * rng.next(),
    y: height * rng.next(),
    r: 25 + 70 * rng.next(),
    a: noise * (rng.next() < 0.5 ? -1 : 1) * (4 + 8 * rng.next()),
  }));
  const cell = 8;
  const gw = Math.ceil((width - 1) / cell) + 2;
  const gh = Math.ceil((height - 1) / cell) + 2;
  const grid = new Float32Array(gw * gh);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const r2 = cx * cx + cy * cy;
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      const x = gx * cell;
      const y = gy * cell;
      let v = base - vignette * (((x - cx) ** 2 + (y - cy) ** 2) / r2) ** 1.5;
      for (const b of blotches) v += b.a * Math.exp(-0.5 * (((x - b.x) / b.r) ** 2 + ((y - b.y) / b.r) ** 2));
      grid[gy * gw + gx] = v;
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const gy = Math.floor(y / cell);
    const fy = y / cell - gy;
    for (let x = 0; x < width; x++) {
      const gx = Math.floor(x / cell);
      const fx = x / cell - gx;
      const i = gy * gw + gx;
      const top = grid[i] + fx * (grid[i + 1] - grid[i]);
      const bottom = grid[i + gw] + fx * (grid[i + gw + 1] - grid[i + gw]);
      out[y * width + x] = top + fy * (bottom - top);
    }
  }
  return out;
}

/** Dust and droplets on the glass: small light (mostly) and dark discs, as grey offsets. */
function sensorSpecks(width: number, height: number, noise: number, rng: Random): Float32Array {
  const specks = new Float32Array(width * height);
  const count = Math.round(noise * (10 + 30 * rng.next()));
  for (let s = 0; s < count; s++) {
    const sx = width * rng.next();
    const sy = height * rng.next();
    const r = 1 + 3.5 * rng.next() * rng.next();
    const a = rng.next() < 0.6 ? 20 + 25 * rng.next() : -(25 + 40 * rng.next());
    for (let y = Math.max(0, Math.floor(sy - r - 1)); y <= Math.min(height - 1, Math.ceil(sy + r + 1)); y++) {
      for (let x = Math.max(0, Math.floor(sx - r - 1)); x <= Math.min(width - 1, Math.ceil(sx + r + 1)); x++) {
        const d = Math.sqrt((x - sx) ** 2 + (y - sy) ** 2);
        if (d < r + 0.5) specks[y * width + x] += a * Math.min(1, r + 0.5 - d);
      }
    }
  }
  return specks;
}

function smoothstep(t: number): number {
  const u = t < 0 ? 0 : t > 1 ? 1 : t;
  return u * u * (3 - 2 * u);
}
