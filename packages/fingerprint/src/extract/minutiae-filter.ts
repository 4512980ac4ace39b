import { MINUTIA_BIFURCATION, MINUTIA_ENDING } from '../template/minutiae';
import { boxBlur } from './blur';
import { angleBetween, type MinutiaCandidate } from './minutiae-detect';

export interface FilterOptions {
  /** Minutiae closer than this to the edge of the ridge area are dropped (pixels). */
  readonly borderMargin: number;
  /** An ending is dropped when the background lies within this distance ahead of its open end (pixels). */
  readonly rimReach: number;
  /** Skeleton links shorter than this between two minutiae mark them as artefacts (pixels). */
  readonly shortLink: number;
  /** Two endings facing each other closer than this are one broken ridge (pixels). */
  readonly breakGap: number;
  /** Minutiae with more than `clusterSize` others within `clusterRadius` sit in noise. */
  readonly clusterRadius: number;
  readonly clusterSize: number;
}

/**
 * Removes the usual false minutiae, each rule named for the artefact it undoes (Maltoni et al.,
 * Handbook of Fingerprint Recognition, ch. 3): the rim of the print, spurs (an ending linked to
 * a bifurcation by a short branch), short ridge fragments (two linked endings), bridges and
 * holes (two linked bifurcations), broken ridges (two endings facing each other across a small
 * gap) and clusters in noisy patches.
 */
export function removeFalseMinutiae(
  candidates: readonly MinutiaCandidate[],
  mask: Uint8Array,
  width: number,
  height: number,
  opts: FilterOptions,
): MinutiaCandidate[] {
  const n = candidates.length;
  const drop = new Uint8Array(n);
  const byPixel = new Map<number, number>();
  candidates.forEach((c, k) => byPixel.set(c.pixel, k));

  for (let k = 0; k < n; k++) {
    const c = candidates[k];
    for (const b of c.branches) {
      if (!b.hitMinutia || b.length > opts.shortLink) continue;
      const other = byPixel.get(b.end);
      // A branch that dies on a crossing or clump pixel is as suspect as one that hits a minutia.
      drop[k] = 1;
      if (other !== undefined) drop[other] = 1;
    }
  }

  const endings = candidates.map((c, k) => (c.kind === MINUTIA_ENDING ? k : -1)).filter((k) => k >= 0);
  for (let a = 0; a < endings.length; a++) {
    const p = candidates[endings[a]];
    for (let b = a + 1; b < endings.length; b++) {
      const q = candidates[endings[b]];
      const dx = q.x - p.x;
      const dy = q.y - p.y;
      const d = Math.hypot(dx, dy);
      if (d > opts.breakGap) continue;
      // Facing each other: opposite directions, and each points away from the gap.
      const gapAngle = Math.atan2(-dy, dx);
      if (angleBetween(p.angle, q.angle) > (2 * Math.PI) / 3) {
        if (angleBetween(p.angle + Math.PI, gapAngle) < Math.PI / 3 || d < opts.breakGap / 2) {
          drop[endings[a]] = 1;
          drop[endings[b]] = 1;
        }
      }
    }
  }

  const inner = erodedMask(mask, width, height, opts.borderMargin);
  for (let k = 0; k < n; k++) if (!inner[candidates[k].pixel]) drop[k] = 1;
  // Ridges stop where the print stops: an ending that opens onto the background is the rim.
  for (let k = 0; k < n; k++) {
    const c = candidates[k];
    if (c.kind === MINUTIA_ENDING && opensOntoBackground(c, mask, width, height, opts.rimReach)) drop[k] = 1;
  }

  const r2 = opts.clusterRadius * opts.clusterRadius;
  for (let k = 0; k < n; k++) {
    let close = 0;
    for (let j = 0; j < n; j++) {
      if (j === k) continue;
      const dx = candidates[j].x - candidates[k].x;
      const dy = candidates[j].y - candidates[k].y;
      if (dx * dx + dy * dy < r2) close++;
    }
    if (close > opts.clusterSize) drop[k] = 1;
  }
  return candidates.filter((_, k) => !drop[k] && (candidates[k].kind === MINUTIA_ENDING || candidates[k].kind === MINUTIA_BIFURCATION));
}

function opensOntoBackground(c: MinutiaCandidate, mask: Uint8Array, width: number, height: number, reach: number): boolean {
  // The ridge body lies along c.angle; its open end faces the opposite way (y grows downwards).
  const dx = -Math.cos(c.angle);
  const dy = Math.sin(c.angle);
  for (let t = 2; t <= reach; t += 2) {
    const x = Math.round(c.x + t * dx);
    const y = Math.round(c.y + t * dy);
    if (x < 0 || y < 0 || x >= width || y >= height || !mask[y * width + x]) return true;
  }
  return false;
}

/** Pixels whose whole (2r+1)-square neighbourhood is inside the mask. */
function erodedMask(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const f = Float32Array.from(mask);
  // Outside the frame counts as background: pad by treating the blur's edge mean as is, then require full coverage.
  const blurred = boxBlur(f, width, height, radius, 1);
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const insideFrame = x >= radius && y >= radius && x < width - radius && y < height - radius;
      out[i] = insideFrame && blurred[i] > 0.999 ? 1 : 0;
    }
  }
  return out;
}
