import { sigmoid, tabulatedSigmoid } from './geometry';
import type { MatchParams } from './params';
import type { LocalSimilarities } from './local-similarity';
import type { PreparedTemplate } from './prepared-template';

/** What the consolidation found, besides the score. */
export interface Consolidation {
  /** Global similarity in [0, 1]. */
  readonly score: number;
  /** Minutia pairs taken from the local similarity matrix (n_R at most). */
  readonly candidatePairs: number;
  /** Pairs averaged into the score (n_P). */
  readonly scorePairs: number;
  /** For each of the (at most n_P) pairs behind the score, its minutia in `a` and in `b`. */
  readonly pairsA: Int32Array;
  readonly pairsB: Int32Array;
}

/** n_P: how many pairs the global score averages, growing with the smaller template (MCC eq. 23). */
export function scorePairCount(na: number, nb: number, P: MatchParams): number {
  const z = sigmoid(Math.min(na, nb), P.scorePairsMu, P.scorePairsTau);
  return P.minScorePairs + Math.round(z * (P.maxScorePairs - P.minScorePairs));
}

/**
 * Local similarity sort with relaxation (LSS-R, MCC section 5).
 *
 * 1. Sort: take the n_R = min(nA, nB) most similar minutia pairs, each minutia at most once.
 * 2. Relax: n_rel times, a pair's similarity becomes w_R of its previous value plus (1 - w_R) of
 *    the mean similarity of the other pairs, weighted by their geometric compatibility rho
 *    (see `compatibility`).
 * 3. Score: the mean relaxed similarity of the n_P pairs whose similarity the relaxation kept
 *    best (highest relaxed / initial ratio); pairs that could not be found count as 0.
 */
export function consolidate(local: LocalSimilarities, a: PreparedTemplate, b: PreparedTemplate, P: MatchParams): Consolidation {
  const na = a.count;
  const nb = b.count;
  const nP = scorePairCount(na, nb, P);
  const nR = Math.min(na, nb);
  if (nR === 0) return emptyConsolidation(nP);
  const ws = workspace(na * nb, nR);

  const n = sortPairs(local, na, nb, nR, ws);
  if (n === 0) return emptyConsolidation(nP);
  compatibility(ws, n, a, b, P);
  const lambda = relax(ws, n, nR, P);

  // The n_P pairs with the highest efficiency lambda_final / lambda_initial (selection; n_P is small).
  const take = Math.min(nP, n);
  const pairsA = new Int32Array(take);
  const pairsB = new Int32Array(take);
  const efficiency = ws.efficiency;
  for (let t = 0; t < n; t++) efficiency[t] = lambda[t] / ws.lambda0[t];
  let sum = 0;
  for (let r = 0; r < take; r++) {
    let best = 0;
    for (let t = 1; t < n; t++) if (efficiency[t] > efficiency[best]) best = t;
    efficiency[best] = -1;
    sum += lambda[best];
    pairsA[r] = ws.pa[best];
    pairsB[r] = ws.pb[best];
  }
  return { score: sum / nP, candidatePairs: n, scorePairs: nP, pairsA, pairsB };
}

/**
 * Step 1: the most similar pairs, greedily, each minutia used once. Each candidate is a key
 * packing its similarity (quantised to 15 bits) above its minutiae i and j (a byte each: at
 * most 255 minutiae a template).
 * Fills ws.pa, ws.pb, ws.lambda0; returns how many pairs were found (at most nR).
 */
function sortPairs(local: LocalSimilarities, na: number, nb: number, nR: number, ws: Workspace): number {
  const { count: m, matrix: lsm } = local;
  if (m === 0) return 0;
  const sorted = local.sortedKeys();
  const { usedA, usedB, pa, pb } = ws;
  usedA.fill(0, 0, na);
  usedB.fill(0, 0, nb);
  let n = 0;
  for (let e = 0; e < m && n < nR; e++) {
    const i = (sorted[e] >>> 8) & 0xff;
    const j = sorted[e] & 0xff;
    if (usedA[i] || usedB[j]) continue;
    usedA[i] = 1;
    usedB[j] = 1;
    pa[n] = i;
    pb[n] = j;
    ws.lambda0[n] = lsm[i * nb + j];
    n++;
  }
  return n;
}

/**
 * rho(t, k) for the n selected pairs (MCC eq. 25): the product of three sigmoids of how
 * differently the two pairs sit in the two templates: the difference of their distances (with
 * a tolerance that grows with the distance, for skin distortion), of their relative directions,
 * and of the angle of each minutia to the segment joining them. Stored sparse, as (t, k, rho)
 * triples in ws.rhoRow / rhoCol / rhoValue, since most pairs of an impostor comparison are
 * incompatible: each sigmoid is below 1e-4 past mu + 9.2 / |tau|, and such entries are dropped.
 *
 * With rot_t = theta_b(t) - theta_a(t), the rotation pair t implies, the direction term is
 * |rot_k - rot_t| and the radial terms are |(phi_b - phi_a) - rot_t| and |(phi_b - phi_a) - rot_k|,
 * where phi_b - phi_a is the angle between the segments k-t in the two templates.
 */
function compatibility(ws: Workspace, n: number, a: PreparedTemplate, b: PreparedTemplate, P: MatchParams): void {
  const { ax, ay, bx, by, rot, rhoRow, rhoCol, rhoValue } = ws;
  let nnz = 0;
  for (let t = 0; t < n; t++) {
    ax[t] = a.x[ws.pa[t]];
    ay[t] = a.y[ws.pa[t]];
    bx[t] = b.x[ws.pb[t]];
    by[t] = b.y[ws.pb[t]];
    rot[t] = wrap(b.angle[ws.pb[t]] - a.angle[ws.pa[t]]);
  }
  const mu1 = P.compatDistanceMuPx;
  const rel = P.compatDistanceRelative * 0.5;
  const tau1 = P.compatDistanceTau;
  const mu2 = P.compatAngleMuRad;
  const tau2 = P.compatAngleTau;
  const mu3 = P.compatRadialMuRad;
  const tau3 = P.compatRadialTau;
  const cut1 = 9.2 / Math.abs(tau1);
  const cut2 = mu2 + 9.2 / Math.abs(tau2);
  const cut3 = mu3 + 9.2 / Math.abs(tau3);
  for (let t = 0; t < n; t++) {
    // Pair t's values, read once (the engine cannot keep them in registers across the writes below).
    const rotT = rot[t];
    const axT = ax[t];
    const ayT = ay[t];
    const bxT = bx[t];
    const byT = by[t];
    for (let k = t + 1; k < n; k++) {
      const d2 = Math.abs(wrap(rot[k] - rotT));
      if (d2 > cut2) continue;
      const dxa = axT - ax[k];
      const dya = ayT - ay[k];
      const dxb = bxT - bx[k];
      const dyb = byT - by[k];
      const da = Math.sqrt(dxa * dxa + dya * dya);
      const db = Math.sqrt(dxb * dxb + dyb * dyb);
      const d1 = Math.abs(da - db);
      const mu1e = mu1 + rel * (da + db);
      if (d1 > mu1e + cut1) continue;
      const segmentTurn = atan2(dxa * dyb - dya * dxb, dxa * dxb + dya * dyb);
      const d3tk = Math.abs(wrap(segmentTurn - rotT));
      const d3kt = Math.abs(wrap(segmentTurn - rot[k]));
      if (d3tk > cut3 && d3kt > cut3) continue;
      const z12 = tabulatedSigmoid(d1, mu1e, tau1) * tabulatedSigmoid(d2, mu2, tau2);
      if (d3tk <= cut3) {
        rhoRow[nnz] = t;
        rhoCol[nnz] = k;
        rhoValue[nnz++] = z12 * tabulatedSigmoid(d3tk, mu3, tau3);
      }
      if (d3kt <= cut3) {
        rhoRow[nnz] = k;
        rhoCol[nnz] = t;
        rhoValue[nnz++] = z12 * tabulatedSigmoid(d3kt, mu3, tau3);
      }
    }
  }
  ws.rhoCount = nnz;
}

const TWO_PI = 2 * Math.PI;

/** An angle difference wrapped into [-pi, pi) (inputs within [-3 pi, 3 pi)). */
function wrap(d: number): number {
  return d >= Math.PI ? d - TWO_PI : d < -Math.PI ? d + TWO_PI : d;
}

/** atan2 by a minimax polynomial (error below 1e-5 rad), several times faster than Math.atan2. */
function atan2(y: number, x: number): number {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  if (ax === 0 && ay === 0) return 0;
  const swap = ay > ax;
  const z = swap ? ax / ay : ay / ax;
  const z2 = z * z;
  let r = z * (0.99997726 + z2 * (-0.33262347 + z2 * (0.19354346 + z2 * (-0.11643287 + z2 * (0.05265332 - 0.0117212 * z2)))));
  if (swap) r = Math.PI / 2 - r;
  if (x < 0) r = Math.PI - r;
  return y < 0 ? -r : r;
}

/** Step 2: n_rel relaxation iterations; returns the final similarities (a workspace array). */
function relax(ws: Workspace, n: number, nR: number, P: MatchParams): Float64Array {
  let prev = ws.relaxA;
  let next = ws.relaxB;
  prev.set(ws.lambda0.subarray(0, n));
  const wR = P.relaxationWeight;
  const spread = (1 - wR) / Math.max(nR - 1, 1);
  const { rhoRow, rhoCol, rhoValue, rhoCount } = ws;
  const support = ws.support;
  for (let it = 0; it < P.relaxationIterations; it++) {
    support.fill(0, 0, n);
    for (let e = 0; e < rhoCount; e++) support[rhoRow[e]] += rhoValue[e] * prev[rhoCol[e]];
    for (let t = 0; t < n; t++) next[t] = wR * prev[t] + spread * support[t];
    const tmp = prev;
    prev = next;
    next = tmp;
  }
  return prev;
}

/** Scratch arrays reused across comparisons (allocated on first use, grown when needed). */
interface Workspace {
  usedA: Uint8Array;
  usedB: Uint8Array;
  efficiency: Float64Array;
  pa: Int32Array;
  pb: Int32Array;
  lambda0: Float64Array;
  relaxA: Float64Array;
  relaxB: Float64Array;
  rhoRow: Int32Array;
  rhoCol: Int32Array;
  rhoValue: Float64Array;
  rhoCount: number;
  support: Float64Array;
  ax: Float64Array;
  ay: Float64Array;
  bx: Float64Array;
  by: Float64Array;
  rot: Float64Array;
}

let shared: Workspace | undefined;
let sharedCells = 0;
let sharedPairs = 0;

function workspace(cells: number, pairs: number): Workspace {
  if (!shared || cells > sharedCells || pairs > sharedPairs) {
    sharedCells = Math.max(cells, sharedCells, 4096);
    sharedPairs = Math.max(pairs, sharedPairs, 64);
    const m = sharedPairs;
    shared = {
      usedA: new Uint8Array(sharedCells),
      usedB: new Uint8Array(sharedCells),
      efficiency: new Float64Array(m),
      pa: new Int32Array(m),
      pb: new Int32Array(m),
      lambda0: new Float64Array(m),
      relaxA: new Float64Array(m),
      relaxB: new Float64Array(m),
      rhoRow: new Int32Array(m * m),
      rhoCol: new Int32Array(m * m),
      rhoValue: new Float64Array(m * m),
      rhoCount: 0,
      support: new Float64Array(m),
      ax: new Float64Array(m),
      ay: new Float64Array(m),
      bx: new Float64Array(m),
      by: new Float64Array(m),
      rot: new Float64Array(m),
    };
  }
  return shared;
}

function emptyConsolidation(nP: number): Consolidation {
  return { score: 0, candidatePairs: 0, scorePairs: nP, pairsA: new Int32Array(0), pairsB: new Int32Array(0) };
}
