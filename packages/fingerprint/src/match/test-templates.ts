import { seededRandom, type Random } from '@biofuse/core';
import type { FingerprintTemplate } from '../template/fingerprint-template';
import { frameHolding } from '../template/frame';
import { MINUTIA_BIFURCATION, MINUTIA_ENDING, minutiaList, minutiaSet, type Minutia } from '../template/minutiae';

/**
 * Minutiae sets for the matcher's tests: random but print-like (minutiae at least 12 px apart
 * inside an ellipse, directions following a smooth flow field with noise), and copies of a set
 * moved the way a second impression moves.
 */
export function randomTemplate(seed: number, count = 40): FingerprintTemplate {
  const r = seededRandom(seed);
  const list: Minutia[] = [];
  const flowPhase = r.next() * Math.PI;
  while (list.length < count) {
    const x = 150 + 120 * (2 * r.next() - 1);
    const y = 200 + 160 * (2 * r.next() - 1);
    if (((x - 150) / 120) ** 2 + ((y - 200) / 160) ** 2 > 1) continue;
    if (list.some((m) => (m.x - x) ** 2 + (m.y - y) ** 2 < 144)) continue;
    const flow = flowPhase + Math.sin(x / 60) + Math.cos(y / 80) + 0.3 * r.normal();
    list.push({ x, y, angle: flow + (r.next() < 0.5 ? 0 : Math.PI), kind: r.next() < 0.6 ? MINUTIA_ENDING : MINUTIA_BIFURCATION, quality: 0 });
  }
  return { width: 300, height: 400, dpi: 500, quality: 0, minutiae: minutiaSet(list) };
}

export interface Movement {
  /** Rotation in degrees, counter-clockwise as seen on screen, about the image centre. */
  readonly rotationDeg: number;
  readonly dx: number;
  readonly dy: number;
  /** Standard deviation of position (px) and direction (degrees) noise. */
  readonly jitterPx: number;
  readonly jitterDeg: number;
  /** Share of minutiae lost. */
  readonly dropout: number;
  readonly seed: number;
}

/**
 * Another "impression": the set rotated, shifted, jittered and thinned (ISO frame: y down). Its
 * image grows to hold the moved minutiae (frameHolding), so that it stays a valid template; the
 * matcher never reads the image size, so the frame changes no score. A movement that takes a
 * minutia left of or above the image throws: shifting it back would change the movement asked for.
 */
export function moved(t: FingerprintTemplate, m: Movement): FingerprintTemplate {
  const r: Random = seededRandom(m.seed);
  const a = (m.rotationDeg * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const cx = t.width / 2;
  const cy = t.height / 2;
  const list = minutiaList(t.minutiae)
    .filter(() => r.next() >= m.dropout)
    .map((p) => {
      // Counter-clockwise on screen with y down: x' = c dx + s dy, y' = -s dx + c dy.
      const dx = p.x - cx;
      const dy = p.y - cy;
      return {
        ...p,
        x: cx + c * dx + s * dy + m.dx + m.jitterPx * r.normal(),
        y: cy - s * dx + c * dy + m.dy + m.jitterPx * r.normal(),
        angle: p.angle + a + ((m.jitterDeg * Math.PI) / 180) * r.normal(),
      };
    });
  const minutiae = minutiaSet(list);
  return { ...t, ...frameHolding(minutiae, t), minutiae };
}
