import { ConfigError } from '@biofuse/core';
import { checkFingerprintTemplate } from './encode';
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
  // A size of 0 put every minutia at 0, NaN made them NaN, a negative one mirrored them outside the frame.
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0 && width <= 0xffff && height <= 0xffff)) {
    throw new ConfigError(`a template is mapped onto an image of whole positive sizes (at most 65535), got ${width} x ${height}`);
  }
  // Checked as compare checks it: the mapping divides by its size and reads `count` minutiae.
  checkFingerprintTemplate(t);
  const fx = width / t.width;
  const fy = height / t.height;
  const m = t.minutiae;
  // A position before the first pixel's centre (inFrame allows up to one pixel) is not
  // stretched, which would take it out of the frame (-0.4 at 4x is -1.6).
  const stretch = (v: number, f: number): number => (v < 0 ? v : v * f);
  const x = new Float32Array(m.count);
  const y = new Float32Array(m.count);
  const angle = new Float32Array(m.count);
  for (let i = 0; i < m.count; i++) {
    x[i] = stretch(m.x[i], fx);
    y[i] = stretch(m.y[i], fy);
    angle[i] = normaliseAngle(Math.atan2(Math.sin(m.angle[i]) * fy, Math.cos(m.angle[i]) * fx));
  }
  return { ...t, width, height, minutiae: { count: m.count, x, y, angle, kind: Uint8Array.from(m.kind), quality: Uint8Array.from(m.quality) } };
}
