import { ConfigError } from '@biofuse/core';

/**
 * Every tuned constant of the minutiae matcher, in one frozen object (SourceAFIS keeps its in
 * Parameters.java). Lengths are pixels at 500 dpi (templates at other resolutions are scaled
 * in `prepareTemplate`), angles are radians.
 *
 * The cylinder and relaxation values start from Cappelli, Ferrara, Maltoni, "Minutia
 * Cylinder-Code", IEEE TPAMI 32(12), 2010, Table 1 and section 5; where a value differs from
 * the paper, it was tuned on the FVC2004 ISO templates only (never on FVC2002, which is kept
 * for reporting). See bench/match-tune.ts.
 */
export interface MatchParams {
  /** Resolution the minutiae are scaled to before anything else. */
  readonly targetDpi: number;
  /** At most this many minutiae per template (highest quality first, then closest to the centroid); at most 255. */
  readonly maxMinutiae: number;

  // --- Cylinders (MCC section 3) ---
  /** R: cylinder radius. */
  readonly cylinderRadiusPx: number;
  /** NS: spatial cells along each side of the cylinder's base. */
  readonly spatialCells: number;
  /** ND: direction sections along the cylinder's height. */
  readonly directionSections: number;
  /** sigma_S: spread of a neighbour's spatial contribution. */
  readonly sigmaSpatialPx: number;
  /** sigma_D: spread of a neighbour's directional contribution (paper 2 pi / 9; 0.5 tuned on FVC2004). */
  readonly sigmaDirectionRad: number;
  /** mu_psi: a cell is set when the summed contributions reach this value (bit-based MCC). */
  readonly cellThreshold: number;
  /** omega: cells are valid inside the minutiae's convex hull grown by this margin. */
  readonly hullMarginPx: number;
  /** min_VC: a cylinder needs this share of its cells valid... */
  readonly minValidCellsFraction: number;
  /** min_M: ...and this many other minutiae within R + 3 sigma_S. */
  readonly minNeighbours: number;

  // --- Local similarity (MCC section 4) ---
  /** min_ME: two cylinders are compared only when this share of cells is valid in both. */
  readonly minMatchableFraction: number;
  /**
   * delta_theta: minutiae whose directions differ more than this are not paired, so two
   * impressions may be rotated by up to about this much (less direction noise). Paper pi / 2;
   * pi / 3 matched it on FVC2004 and halves the pairs to compare. Pi makes the matcher fully
   * rotation-invariant at about 3 times the comparison time.
   */
  readonly maxDirectionDifferenceRad: number;

  // --- Consolidation: local similarity sort with relaxation (LSS-R, MCC section 5) ---
  /** min_np, max_np, mu_P, tau_P: how many pairs the score averages, from min(nA, nB). */
  readonly minScorePairs: number;
  readonly maxScorePairs: number;
  readonly scorePairsMu: number;
  readonly scorePairsTau: number;
  /** n_rel, w_R: relaxation iterations and the weight kept from the previous iteration. */
  readonly relaxationIterations: number;
  readonly relaxationWeight: number;
  /** mu/tau of the three compatibility sigmoids: distance, direction and radial-angle differences. */
  readonly compatDistanceMuPx: number;
  readonly compatDistanceTau: number;
  /**
   * Added to compatDistanceMuPx per pixel of (mean) distance between the two minutiae, since
   * skin distortion grows with distance; not in the paper (0 there), 0.1 tuned on FVC2004.
   */
  readonly compatDistanceRelative: number;
  readonly compatAngleMuRad: number;
  readonly compatAngleTau: number;
  readonly compatRadialMuRad: number;
  readonly compatRadialTau: number;

  // --- Fixed-length vector (minutia-pair histogram, see vector.ts; tuned on FVC2004) ---
  /** Pairs closer or farther than these are left out. */
  readonly vectorMinDistancePx: number;
  readonly vectorMaxDistancePx: number;
  /** Bins of distance, and of each minutia's direction relative to the pair's segment. */
  readonly vectorDistanceBins: number;
  readonly vectorAngleBins: number;
}

export const FINGERPRINT_MATCH_PARAMS: MatchParams = Object.freeze({
  targetDpi: 500,
  maxMinutiae: 64,

  cylinderRadiusPx: 70,
  spatialCells: 16,
  directionSections: 6,
  sigmaSpatialPx: 28 / 3,
  sigmaDirectionRad: 0.5,
  cellThreshold: 0.01,
  hullMarginPx: 50,
  minValidCellsFraction: 0.75,
  minNeighbours: 2,

  minMatchableFraction: 0.6,
  maxDirectionDifferenceRad: Math.PI / 3,

  minScorePairs: 4,
  maxScorePairs: 12,
  scorePairsMu: 20,
  scorePairsTau: 2 / 5,
  relaxationIterations: 5,
  relaxationWeight: 0.5,
  compatDistanceMuPx: 5,
  compatDistanceTau: -8 / 5,
  compatDistanceRelative: 0.1,
  compatAngleMuRad: Math.PI / 12,
  compatAngleTau: -30,
  compatRadialMuRad: Math.PI / 12,
  compatRadialTau: -30,

  vectorMinDistancePx: 10,
  vectorMaxDistancePx: 120,
  vectorDistanceBins: 8,
  vectorAngleBins: 16,
});

/** Bits of one cylinder that the local-similarity kernels can count (31 blocks of 128). */
export const MAX_CYLINDER_BITS = 31 * 128;

/** The defaults with some values replaced (for experiments and tuning). */
export function matchParams(overrides: Partial<MatchParams> = {}): MatchParams {
  // A misspelt key (bench/match-tune reads them from JSON) was ignored, and a NaN sigma or radius matched nothing, silently.
  const unknown = Object.keys(overrides).find((k) => !Object.hasOwn(FINGERPRINT_MATCH_PARAMS, k));
  if (unknown !== undefined) throw new ConfigError(`unknown match parameter "${unknown}" (known: ${Object.keys(FINGERPRINT_MATCH_PARAMS).join(', ')})`);
  const P = Object.freeze({ ...FINGERPRINT_MATCH_PARAMS, ...overrides });
  const notNumber = Object.entries(P).find(([, v]) => !(typeof v === 'number' && Number.isFinite(v)));
  if (notNumber !== undefined) throw new ConfigError(`match parameter ${notNumber[0]} must be a finite number, got ${typeof notNumber[1] === 'number' ? String(notNumber[1]) : (JSON.stringify(notNumber[1]) ?? 'nothing')}`);
  if (!Number.isInteger(P.maxMinutiae) || P.maxMinutiae < 1 || P.maxMinutiae > 255) {
    throw new ConfigError(`maxMinutiae must be an integer in 1..255, got ${P.maxMinutiae}`);
  }
  if (!Number.isInteger(P.spatialCells) || P.spatialCells < 2 || !Number.isInteger(P.directionSections) || P.directionSections < 1) {
    throw new ConfigError(`spatialCells and directionSections must be positive integers (spatialCells >= 2)`);
  }
  // The popcount kernel counts a cylinder's bits per byte lane: 8-bit counters, so at most 31 blocks of 128 bits.
  const bits = P.spatialCells * P.spatialCells * P.directionSections;
  if (bits > MAX_CYLINDER_BITS) {
    throw new ConfigError(`a cylinder of ${P.spatialCells} x ${P.spatialCells} cells x ${P.directionSections} sections has ${bits} bits; at most ${MAX_CYLINDER_BITS} are supported`);
  }
  return P;
}
