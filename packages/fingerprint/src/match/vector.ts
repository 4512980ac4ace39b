import type { FingerprintTemplate } from '../template/fingerprint-template';
import { angleDifference } from './geometry';
import { FINGERPRINT_MATCH_PARAMS, type MatchParams } from './params';
import { normaliseMinutiae, type MatcherMinutiae } from './prepare/normalise';
import type { PreparedTemplate } from './prepared-template';

/**
 * The fixed-length vector of a template (see `minutiaPairHistogram`): unit length (or all
 * zeros for fewer than two minutiae), so the dot product of two vectors is their cosine
 * similarity. From a prepared template it is a copy of the vector computed by prepareTemplate.
 */
export function fingerprintVector(t: FingerprintTemplate | PreparedTemplate, params: MatchParams = FINGERPRINT_MATCH_PARAMS): Float32Array {
  if ('vector' in t) return t.vector.slice();
  return minutiaPairHistogram(normaliseMinutiae(t, params), params);
}

/** Length of the fixed-length vector for these parameters. */
export function vectorLength(P: MatchParams): number {
  return P.vectorDistanceBins * P.vectorAngleBins * P.vectorAngleBins;
}

/**
 * A fixed-length, rotation- and translation-invariant summary of a minutiae set: the histogram
 * of its minutia pairs over (distance, direction of each minutia relative to the segment that
 * joins them), soft-binned (linear in distance, circular in angle) so small shifts move weight
 * gradually between bins; then square-rooted (Hellinger) and L2-normalised, so the dot product
 * of two vectors is their cosine similarity. A set without pairs gives the zero vector.
 */
export function minutiaPairHistogram(m: MatcherMinutiae, P: MatchParams): Float32Array {
  const nd = P.vectorDistanceBins;
  const na = P.vectorAngleBins;
  const h = new Float64Array(nd * na * na);
  const dMin = P.vectorMinDistancePx;
  const dMax = P.vectorMaxDistancePx;
  const dScale = nd / (dMax - dMin);
  const aScale = na / (2 * Math.PI);
  for (let i = 0; i < m.count; i++) {
    for (let j = 0; j < m.count; j++) {
      if (i === j) continue;
      const dx = m.x[j] - m.x[i];
      const dy = m.y[j] - m.y[i];
      const d = Math.sqrt(dx * dx + dy * dy);
      if (d < dMin || d > dMax) continue;
      const phi = Math.atan2(dy, dx);
      const fd = (d - dMin) * dScale - 0.5;
      const fa = (angleDifference(m.angle[i], phi) + Math.PI) * aScale - 0.5;
      const fb = (angleDifference(m.angle[j], phi) + Math.PI) * aScale - 0.5;
      const d0 = Math.floor(fd);
      const a0 = Math.floor(fa);
      const b0 = Math.floor(fb);
      const wd = fd - d0;
      const wa = fa - a0;
      const wb = fb - b0;
      for (let s = 0; s < 2; s++) {
        const di = d0 + s;
        if (di < 0 || di >= nd) continue;
        const w1 = s ? wd : 1 - wd;
        for (let t = 0; t < 2; t++) {
          const ai = (a0 + t + na) % na;
          const w2 = w1 * (t ? wa : 1 - wa);
          for (let u = 0; u < 2; u++) {
            const bi = (b0 + u + na) % na;
            h[(di * na + ai) * na + bi] += w2 * (u ? wb : 1 - wb);
          }
        }
      }
    }
  }
  const out = new Float32Array(h.length);
  let norm = 0;
  for (let k = 0; k < h.length; k++) norm += h[k];
  if (norm === 0) return out;
  // sqrt of the normalised histogram has unit L2 norm already.
  for (let k = 0; k < h.length; k++) out[k] = Math.sqrt(h[k] / norm);
  return out;
}
