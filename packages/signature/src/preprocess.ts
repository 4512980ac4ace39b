import { ConfigError, describeNumber } from '@biofuse/core';
import { MAX_SAMPLES, type PenTrajectory } from './pen-trajectory';

/**
 * Gaussian smoothing of the pen's position and pressure (sigma in samples), which removes
 * digitiser jitter before derivatives amplify it. Timestamps and pen state are kept. Sigma 0
 * returns the trajectory as it is; a negative or non-finite one is a ConfigError.
 */
export function smoothTrajectory(p: PenTrajectory, sigmaSamples: number): PenTrajectory {
  // NaN and -1 returned the trajectory unsmoothed, Infinity failed with an untyped RangeError.
  if (!(typeof sigmaSamples === 'number' && Number.isFinite(sigmaSamples) && sigmaSamples >= 0)) {
    throw new ConfigError(`smoothing sigma must be a finite number of samples >= 0 (0 = none), got ${describeNumber(sigmaSamples)}`);
  }
  if (sigmaSamples === 0) return p;
  // Taps farther than the trajectory is long never land on a sample: a wider kernel only costs time.
  const radius = Math.min(Math.ceil(3 * sigmaSamples), p.x.length);
  const kernel = Float64Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-0.5 * ((k - radius) / sigmaSamples) ** 2));
  const smooth = (a: Float64Array) => {
    const n = a.length;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      let w = 0;
      for (let k = -radius; k <= radius; k++) {
        const j = i + k;
        if (j < 0 || j >= n) continue;
        s += kernel[k + radius] * a[j];
        w += kernel[k + radius];
      }
      out[i] = s / w;
    }
    return out;
  };
  return { ...p, x: smooth(p.x), y: smooth(p.y), pressure: smooth(p.pressure) };
}

/**
 * Resamples to `count` points evenly spaced in time (linear interpolation; the pen state and
 * angles from the nearest sample), so signatures written at different rates compare alike.
 * `count` is a whole number in [2, MAX_SAMPLES], else a ConfigError.
 */
export function resampleTrajectory(p: PenTrajectory, count: number): PenTrajectory {
  // A count of 1 or 2.5 returned the trajectory as it was, 1e10 failed with an untyped RangeError.
  if (!(Number.isInteger(count) && count >= 2 && count <= MAX_SAMPLES)) {
    throw new ConfigError(`resampling needs a whole number of points in [2, ${MAX_SAMPLES}], got ${describeNumber(count)}`);
  }
  const n = p.x.length;
  if (n < 2) return p;
  const t0 = p.t[0];
  const t1 = p.t[n - 1];
  const times = Float64Array.from({ length: count }, (_, k) => (t1 > t0 ? t0 + ((t1 - t0) * k) / (count - 1) : k));
  const idx = new Float64Array(count);
  let j = 0;
  for (let k = 0; k < count; k++) {
    if (t1 <= t0) {
      idx[k] = ((n - 1) * k) / (count - 1);
      continue;
    }
    while (j < n - 2 && p.t[j + 1] < times[k]) j++;
    const span = p.t[j + 1] - p.t[j];
    idx[k] = j + (span > 0 ? Math.min(Math.max((times[k] - p.t[j]) / span, 0), 1) : 0);
  }
  const lerp = (a: Float64Array) => Float64Array.from(idx, (f) => {
    const i = Math.floor(f);
    const r = f - i;
    return i + 1 < n ? a[i] * (1 - r) + a[i + 1] * r : a[n - 1];
  });
  const nearest = <T extends Float64Array | Uint8Array>(a: T, make: (len: number) => T) => {
    const out = make(count);
    idx.forEach((f, k) => {
      out[k] = a[Math.min(Math.round(f), n - 1)];
    });
    return out;
  };
  return {
    x: lerp(p.x),
    y: lerp(p.y),
    t: times,
    penDown: nearest(p.penDown, (len) => new Uint8Array(len)),
    pressure: lerp(p.pressure),
    azimuth: nearest(p.azimuth, (len) => new Float64Array(len)),
    altitude: nearest(p.altitude, (len) => new Float64Array(len)),
    warnings: p.warnings,
  };
}
