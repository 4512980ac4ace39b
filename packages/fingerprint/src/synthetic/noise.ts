import type { Random } from '@biofuse/core';

/**
 * Bulk uniform noise in [0, 1) for per-pixel effects: the same sfc32 generator as the core's
 * `seededRandom`, seeded from `rng` and run in a local loop, because a call per pixel through
 * the shared generator costs more than everything else an impression does with the number.
 */
export function uniformNoise(rng: Random, n: number): Float32Array {
  let a = rng.int(0x100000000) | 0;
  let b = rng.int(0x100000000) | 0;
  let c = rng.int(0x100000000) | 0;
  let d = rng.int(0x100000000) | 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    out[i] = (t >>> 0) / 4294967296;
  }
  return out;
}
