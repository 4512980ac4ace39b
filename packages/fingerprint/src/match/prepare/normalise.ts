import type { FingerprintTemplate } from '../../template/fingerprint-template';
import { normaliseAngle } from '../../template/minutiae';
import type { MatchParams } from '../params';

/** Minutiae in the matcher's frame: 500 dpi, y up, angles CCW from +x in [0, 2pi). */
export interface MatcherMinutiae {
  readonly count: number;
  readonly x: Float32Array;
  readonly y: Float32Array;
  readonly angle: Float32Array;
  readonly kind: Uint8Array;
}

/**
 * Scales the minutiae to `targetDpi`, flips y so the frame is right-handed (the ISO angle, CCW
 * as seen on screen, is then an ordinary mathematical angle), and keeps at most `maxMinutiae`:
 * the highest quality ones, ties (and unreported quality) broken by closeness to the centroid,
 * since border minutiae are the least reliable. The kept minutiae come out in a canonical order
 * (by position, then angle, kind and quality), not the record's: the matcher breaks exact ties
 * by index, and a record lists its minutiae in whatever order its writer chose, so without it
 * the same minutiae listed in another order could score differently.
 *
 * The template is one prepareTemplate has checked (checkFingerprintTemplate): a sensor's dpi,
 * `count` minutiae in the arrays, all at finite positions and angles.
 */
export function normaliseMinutiae(t: FingerprintTemplate, P: MatchParams): MatcherMinutiae {
  const m = t.minutiae;
  const scale = P.targetDpi / t.dpi;
  const order = keptOrder(t, P.maxMinutiae);
  const n = order.length;
  const out = { count: n, x: new Float32Array(n), y: new Float32Array(n), angle: new Float32Array(n), kind: new Uint8Array(n) };
  for (let k = 0; k < n; k++) {
    const i = order[k];
    out.x[k] = m.x[i] * scale;
    out.y[k] = -m.y[i] * scale;
    out.angle[k] = normaliseAngle(m.angle[i]);
    out.kind[k] = m.kind[i];
  }
  return out;
}

/** Indices of the minutiae to keep, in canonical order. */
function keptOrder(t: FingerprintTemplate, max: number): Int32Array {
  const m = t.minutiae;
  const n = m.count;
  const canonical = (a: number, b: number) =>
    m.x[a] - m.x[b] || m.y[a] - m.y[b] || m.angle[a] - m.angle[b] || m.kind[a] - m.kind[b] || m.quality[a] - m.quality[b];
  // Sorted first, so that even the centroid's rounding does not depend on the record's order.
  const order = Array.from({ length: n }, (_, i) => i).sort(canonical);
  if (n <= max) return Int32Array.from(order);
  let cx = 0;
  let cy = 0;
  for (const i of order) {
    cx += m.x[i];
    cy += m.y[i];
  }
  cx /= n;
  cy /= n;
  const dist2 = (i: number) => (m.x[i] - cx) ** 2 + (m.y[i] - cy) ** 2;
  const ranked = order.slice().sort((a, b) => m.quality[b] - m.quality[a] || dist2(a) - dist2(b) || canonical(a, b));
  return Int32Array.from(ranked.slice(0, max).sort(canonical));
}
