import type { Random } from '@biofuse/core';
import type { SamplingGrid } from './orientation-field';
import type { SingularPoint } from './singular-points';

/** Local ridge period (master pixels per ridge-valley cycle) at every grid node, row-major. */
export interface RidgePeriodMap extends SamplingGrid {
  readonly period: Float32Array;
  /** The finger's mean period before local variation. */
  readonly basePeriodPx: number;
}

/**
 * The ridge frequency map: a seeded mean period (about 9 px at 500 dpi), a smooth variation
 * of a few per cent (a sum of slow plane waves), and a slightly longer period (lower
 * frequency) above the cores, where real ridges run wider apart.
 */
export function ridgePeriodMap(points: readonly SingularPoint[], grid: SamplingGrid, rng: Random): RidgePeriodMap {
  const { width, height, step } = grid;
  const basePeriodPx = 8 + 1.6 * rng.next();
  const waves = Array.from({ length: 3 }, () => {
    const wavelength = 140 + 260 * rng.next();
    const dir = Math.PI * rng.next();
    return { kx: (2 * Math.PI * Math.cos(dir)) / wavelength, ky: (2 * Math.PI * Math.sin(dir)) / wavelength, phase: 2 * Math.PI * rng.next() };
  });
  const variation = 0.03 + 0.03 * rng.next();
  const cores = points.filter((p) => p.kind === 'core');
  const topCore = cores.length ? Math.min(...cores.map((c) => c.y)) : Number.NaN;
  const coreX = cores.length ? cores.reduce((s, c) => s + c.x, 0) / cores.length : 0;
  const aboveGain = 0.06 + 0.05 * rng.next();
  const period = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    // Ramps from 0 at the core's height to 1 some 60 px above it.
    const above = Number.isNaN(topCore) ? 0 : smoothstep((topCore - y * step) / 60);
    for (let x = 0; x < width; x++) {
      let w = 0;
      for (const v of waves) w += Math.cos(v.kx * x * step + v.ky * y * step + v.phase);
      const dx = (x * step - coreX) / 160;
      const lift = aboveGain * above * Math.exp(-dx * dx);
      period[y * width + x] = basePeriodPx * (1 + (variation / 1.7) * w + lift);
    }
  }
  return { ...grid, period, basePeriodPx };
}

function smoothstep(t: number): number {
  const u = t < 0 ? 0 : t > 1 ? 1 : t;
  return u * u * (3 - 2 * u);
}
