import { angleDifference } from '../template/minutiae';
import type { MatchParams } from './params';
import type { MatcherMinutiae } from './prepare/normalise';

/** Length of the fixed-length vector for these parameters. */
export function vectorLength(P: MatchParams): number {
  return P.vectorDistanceBins * P.vectorAngleBins * P.vectorAngleBins;
}

/**
 * A rotation- and translation-invariant summary of a minutiae set: the histogram of its
 * ordered minutia pairs (i, j) over their distance and the direction of each minutia relative
 * to the segment i -> j, soft-binned (linear in distance, circular in angle) so that small
 * errors move weight gradually between bins; then square-rooted (Hellinger) and L2-normalised.
 * Pairs closer than vectorMinDistancePx or further than vectorMaxDistancePx are left out
 * outright, so a pair crossing those limits moves its weight at once, not gradually; a set with
 * no pair in range gives all zeros.
 */
export function minutiaPairHistogram(m: MatcherMinutiae, P: MatchParams): Float32Array {
  const nd = P.vectorDistanceBins;
  const na = P.vectorAngleBins;
  const h = new Float64Array(vectorLength(P));
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
      for (let s = 0; s < 2; s++) {
        const di = d0 + s;
        if (di < 0 || di >= nd) continue;
        const w1 = s ? fd - d0 : 1 - (fd - d0);
        for (let t = 0; t < 2; t++) {
          const ai = (a0 + t + na) % na;
          const w2 = w1 * (t ? fa - a0 : 1 - (fa - a0));
          for (let u = 0; u < 2; u++) {
            const bi = (b0 + u + na) % na;
            h[(di * na + ai) * na + bi] += w2 * (u ? fb - b0 : 1 - (fb - b0));
          }
        }
      }
    }
  }
  const out = new Float32Array(h.length);
  let total = 0;
  for (let k = 0; k < h.length; k++) total += h[k];
  if (total === 0) return out;
  // The square roots of a histogram that sums to 1 have unit L2 norm already.
  for (let k = 0; k < h.length; k++) out[k] = Math.sqrt(h[k] / total);
  return out;
}
