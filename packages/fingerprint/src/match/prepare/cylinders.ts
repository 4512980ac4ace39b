import { erf } from '@biofuse/core';
import { angleDifference } from '../../template/minutiae';
import type { MatchParams } from '../params';
import { grownConvexHull, insideGrownHull } from './convex-hull';
import type { MatcherMinutiae } from './normalise';

/** Where the cells of a cylinder lie in its minutia's frame (only cells whose centre is within R). */
export interface CylinderLayout {
  readonly cells: number;
  /** Cell centre offsets along and across the minutia direction. */
  readonly u: Float64Array;
  readonly v: Float64Array;
  readonly directionSections: number;
  /** cells x directionSections. */
  readonly bits: number;
}

export function cylinderLayout(P: MatchParams): CylinderLayout {
  const ns = P.spatialCells;
  const step = (2 * P.cylinderRadiusPx) / ns;
  const u: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < ns; i++) {
    for (let j = 0; j < ns; j++) {
      const a = step * (i - (ns - 1) / 2);
      const b = step * (j - (ns - 1) / 2);
      if (a * a + b * b <= P.cylinderRadiusPx * P.cylinderRadiusPx) {
        u.push(a);
        v.push(b);
      }
    }
  }
  const bits = u.length * P.directionSections;
  return {
    cells: u.length,
    u: Float64Array.from(u),
    v: Float64Array.from(v),
    directionSections: P.directionSections,
    bits,
  };
}

/** The bit-based cylinders of all minutiae, as sparse lists. */
export interface Cylinders {
  readonly layout: CylinderLayout;
  /** 1 where the cylinder is valid (enough valid cells and neighbours). */
  readonly valid: Uint8Array;
  /** Per minutia, the set bits (cell * ND + section, ascending); empty for invalid cylinders. */
  readonly setBits: readonly Uint16Array[];
  /** Per minutia, the cells (ascending) outside the grown convex hull. */
  readonly invalidCells: readonly Uint16Array[];
}

/**
 * MCC cylinders (Cappelli et al. 2010, section 3), bit-based: a cell (i, j, k) is set when the
 * neighbours near its centre, weighted by a Gaussian of their distance (sigma_S) and by the
 * share of a Gaussian of their direction difference (sigma_D) that falls in section k, sum to
 * at least mu_psi. Cells outside the grown convex hull of the minutiae are invalid (and unset).
 * A cylinder is valid with at least min_VC of its cells valid and min_M neighbours.
 */
export function buildCylinders(m: MatcherMinutiae, P: MatchParams): Cylinders {
  const L = cylinderLayout(P);
  const n = m.count;
  const nd = P.directionSections;
  const valid = new Uint8Array(n);
  const setBits: Uint16Array[] = [];
  const invalidCells: Uint16Array[] = [];
  const hull = grownConvexHull(m.x, m.y, n, P.hullMarginPx);

  const sigmaS = P.sigmaSpatialPx;
  const reach2 = (3 * sigmaS) ** 2;
  const neighbourReach2 = (P.cylinderRadiusPx + 3 * sigmaS) ** 2;
  const gaussNorm = 1 / (sigmaS * Math.sqrt(2 * Math.PI));
  const inv2s2 = 1 / (2 * sigmaS * sigmaS);
  const sectionWidth = (2 * Math.PI) / nd;
  const dirScale = 1 / (P.sigmaDirectionRad * Math.SQRT2);

  const px = new Float64Array(L.cells);
  const py = new Float64Array(L.cells);
  const cellValid = new Uint8Array(L.cells);
  const sums = new Float64Array(L.bits);
  const dirContribution = new Float64Array(nd);
  const minValidCells = P.minValidCellsFraction * L.cells;
  const bitList: number[] = [];
  const invalidList: number[] = [];

  for (let a = 0; a < n; a++) {
    const xa = m.x[a];
    const ya = m.y[a];
    const c = Math.cos(m.angle[a]);
    const s = Math.sin(m.angle[a]);
    invalidList.length = 0;
    for (let q = 0; q < L.cells; q++) {
      px[q] = xa + L.u[q] * c - L.v[q] * s;
      py[q] = ya + L.u[q] * s + L.v[q] * c;
      cellValid[q] = insideGrownHull(hull, px[q], py[q]) ? 1 : 0;
      if (!cellValid[q]) invalidList.push(q);
    }
    let neighbours = 0;
    for (let t = 0; t < n; t++) {
      if (t !== a && (m.x[t] - xa) ** 2 + (m.y[t] - ya) ** 2 <= neighbourReach2) neighbours++;
    }
    if (L.cells - invalidList.length < minValidCells || neighbours < P.minNeighbours) {
      setBits.push(new Uint16Array(0));
      invalidCells.push(new Uint16Array(0));
      continue;
    }
    valid[a] = 1;

    sums.fill(0);
    for (let t = 0; t < n; t++) {
      if (t === a) continue;
      const xt = m.x[t];
      const yt = m.y[t];
      if ((xt - xa) ** 2 + (yt - ya) ** 2 > neighbourReach2) continue;
      const dTheta = angleDifference(m.angle[a], m.angle[t]);
      for (let k = 0; k < nd; k++) {
        const alpha = angleDifference(-Math.PI + (k + 0.5) * sectionWidth, dTheta);
        dirContribution[k] = 0.5 * (erf((alpha + sectionWidth / 2) * dirScale) - erf((alpha - sectionWidth / 2) * dirScale));
      }
      for (let q = 0; q < L.cells; q++) {
        const d2 = (px[q] - xt) ** 2 + (py[q] - yt) ** 2;
        if (d2 > reach2) continue;
        const spatial = gaussNorm * Math.exp(-d2 * inv2s2);
        const base = q * nd;
        for (let k = 0; k < nd; k++) sums[base + k] += spatial * dirContribution[k];
      }
    }

    bitList.length = 0;
    for (let q = 0; q < L.cells; q++) {
      if (!cellValid[q]) continue;
      for (let k = 0; k < nd; k++) if (sums[q * nd + k] >= P.cellThreshold) bitList.push(q * nd + k);
    }
    setBits.push(Uint16Array.from(bitList));
    invalidCells.push(Uint16Array.from(invalidList));
  }
  return { layout: L, valid, setBits, invalidCells };
}
