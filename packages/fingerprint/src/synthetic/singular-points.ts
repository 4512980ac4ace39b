import type { Random } from '@biofuse/core';
import type { FingerprintArea } from './fingerprint-area';
import type { FingerprintClass } from './fingerprint-class';

/** A core (loop or whorl centre) or a delta, in master pixels (x right, y down). */
export interface SingularPoint {
  readonly kind: 'core' | 'delta';
  readonly x: number;
  readonly y: number;
}

/**
 * Places the singular points of a class inside the fingerprint area, with seeded positions in
 * the ranges seen on real prints at 500 dpi (core-delta distance about 10-16 ridges).
 * Left loop: ridges enter and leave on the left, the delta lies to the lower right of the core;
 * right loop is its mirror; tented arch: a delta close below the core; whorl: two cores and two
 * deltas; arch: none.
 */
export function placeSingularPoints(cls: FingerprintClass, area: FingerprintArea, rng: Random): SingularPoint[] {
  const { cx, cy } = area;
  const jitter = (s: number) => s * clampedNormal(rng);
  switch (cls) {
    case 'arch':
      return [];
    case 'tented_arch': {
      const core = { kind: 'core' as const, x: cx + jitter(12), y: cy - 25 + jitter(18) };
      return [core, { kind: 'delta', x: core.x + jitter(6), y: core.y + 55 + 35 * rng.next() }];
    }
    case 'left_loop':
    case 'right_loop': {
      const side = cls === 'left_loop' ? 1 : -1;
      const core = { kind: 'core' as const, x: cx - side * (5 + jitter(14)), y: cy - 35 + jitter(20) };
      const dist = 120 + 50 * rng.next();
      const angle = (0.85 + 0.35 * rng.next());
      return [core, { kind: 'delta', x: core.x + side * dist * Math.cos(angle), y: core.y + dist * Math.sin(angle) }];
    }
    case 'whorl': {
      const upper = { kind: 'core' as const, x: cx + jitter(12), y: cy - 55 + jitter(12) };
      const gap = 15 + 35 * rng.next();
      const lean = jitter(0.5);
      const lower = { kind: 'core' as const, x: upper.x + gap * Math.sin(lean), y: upper.y + gap * Math.cos(lean) };
      const mid = (upper.y + lower.y) / 2;
      return [
        upper,
        lower,
        { kind: 'delta', x: upper.x - 105 - 35 * rng.next(), y: mid + 95 + 45 * rng.next() },
        { kind: 'delta', x: upper.x + 105 + 35 * rng.next(), y: mid + 95 + 45 * rng.next() },
      ];
    }
  }
}

/** A standard normal clamped to [-2.5, 2.5], so no singular point strays out of the area. */
export function clampedNormal(rng: Random): number {
  return Math.max(-2.5, Math.min(2.5, rng.normal()));
}
