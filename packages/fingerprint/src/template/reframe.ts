import type { FingerprintTemplate } from './fingerprint-template';
import { normaliseAngle } from './minutiae';

/**
 * Maps a template onto an image of another size, stretching x and y independently and turning
 * the directions with them. Needed for records made from a resampled copy of the image: the
 * FVC ISO records in ../shared were extracted from images resized to 300 x 400 (their declared
 * size), whatever the database's real size, so their minutiae only line up with the original
 * image (and with templates extracted from it) after this mapping. The resolution is unchanged.
 */
export function reframeTemplate(t: FingerprintTemplate, width: number, height: number): FingerprintTemplate {
  const fx = width / t.width;
  const fy = height / t.height;
  const m = t.minutiae;
  const x = new Float32Array(m.count);
  const y = new Float32Array(m.count);
  const angle = new Float32Array(m.count);
  for (let i = 0; i < m.count; i++) {
    x[i] = m.x[i] * fx;
    y[i] = m.y[i] * fy;
    angle[i] = normaliseAngle(Math.atan2(Math.sin(m.angle[i]) * fy, Math.cos(m.angle[i]) * fx));
  }
  return { ...t, width, height, minutiae: { count: m.count, x, y, angle, kind: Uint8Array.from(m.kind), quality: Uint8Array.from(m.quality) } };
}
