import { describe, expect, it } from 'vitest';
import { crossingNumber, skeletonNeighbours } from './skeleton-trace';
import { thinRidges } from './thinning';

function paint(width: number, height: number, inside: (x: number, y: number) => boolean): Uint8Array {
  const img = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) img[y * width + x] = inside(x, y) ? 1 : 0;
  return img;
}

function census(skeleton: Uint8Array, width: number) {
  const out = { pixels: 0, endings: 0, bifurcations: 0, maxNeighbours: 0 };
  const n: number[] = [];
  for (let i = 0; i < skeleton.length; i++) {
    if (!skeleton[i]) continue;
    out.pixels++;
    const cn = crossingNumber(skeleton, width, i);
    if (cn === 1) out.endings++;
    if (cn === 3) out.bifurcations++;
    out.maxNeighbours = Math.max(out.maxNeighbours, skeletonNeighbours(skeleton, width, i, n).length);
  }
  return out;
}

describe('thinRidges', () => {
  it('thins a 7-pixel bar to a one-pixel line with two endings', () => {
    const w = 60;
    const bar = paint(w, 20, (x, y) => x >= 5 && x < 55 && y >= 7 && y < 14);
    const c = census(thinRidges(bar, w, 20), w);
    expect(c.endings).toBe(2);
    expect(c.bifurcations).toBe(0);
    expect(c.maxNeighbours).toBeLessThanOrEqual(2);
    expect(c.pixels).toBeGreaterThan(40); // the line keeps (nearly) the bar's length
    expect(c.pixels).toBeLessThanOrEqual(50);
  });

  it('thins a thick Y to one bifurcation and three endings', () => {
    const w = 80;
    const h = 80;
    const nearSegment = (x: number, y: number, x0: number, y0: number, x1: number, y1: number) => {
      const t = Math.max(0, Math.min(1, ((x - x0) * (x1 - x0) + (y - y0) * (y1 - y0)) / ((x1 - x0) ** 2 + (y1 - y0) ** 2)));
      return Math.hypot(x - (x0 + t * (x1 - x0)), y - (y0 + t * (y1 - y0))) <= 2.5;
    };
    const y = paint(w, h, (x, yy) => nearSegment(x, yy, 40, 70, 40, 40) || nearSegment(x, yy, 40, 40, 15, 10) || nearSegment(x, yy, 40, 40, 65, 10));
    const c = census(thinRidges(y, w, h), w);
    expect(c.bifurcations).toBe(1);
    expect(c.endings).toBe(3);
  });

  it('leaves an empty image empty', () => {
    expect(census(thinRidges(new Uint8Array(400), 20, 20), 20).pixels).toBe(0);
  });
});
