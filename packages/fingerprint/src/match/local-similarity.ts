import type { MatchParams } from './params';
import type { PreparedTemplate } from './prepared-template';

/**
 * The local similarity matrix (MCC section 4, bit-based): entry (i, j), row-major nA x nB, is the
 * similarity of cylinder i of `a` and cylinder j of `b`, in [0, 1]. It is 0 when the minutiae
 * directions differ by more than delta_theta, or when fewer than min_ME of the cells are valid in
 * both cylinders. Otherwise, restricted to the cells valid in both, it is
 * 1 - |ca xor cb| / (|ca| + |cb|) = 2 |ca and cb| / (|ca| + |cb|) (a Dice coefficient).
 *
 * Cylinders are sparse (about 7 % of bits set), so instead of AND-ing bit vectors pair by pair,
 * one template (X) is indexed by bit and by cell, and every set bit and invalid cell of the other
 * (Y) adds to the counts of the X cylinders that share it: the work grows with the set bits, not
 * with nA x nB x bits. All counts are exact integers, so which template is indexed does not
 * change the result; the index of the last templates indexed is kept, so a probe compared with
 * many candidates is indexed once.
 */
export function localSimilarityMatrix(a: PreparedTemplate, b: PreparedTemplate, P: MatchParams, out?: Float32Array): Float32Array {
  const na = a.count;
  const nb = b.count;
  const lsm = out && out.length >= na * nb ? out : new Float32Array(na * nb);
  lsm.fill(0, 0, na * nb);
  if (na === 0 || nb === 0) return lsm;
  const xIsA = indexA(a, b);
  const X = xIsA ? a : b;
  const Y = xIsA ? b : a;
  const ix = cylinderIndex(X);
  const nx = X.count;
  const ny = Y.count;
  const cells = X.cylinderCells;
  const nd = X.directionSections;
  const ws = workspace(nx * ny, cells * nd, nd);
  const { common, outsideX, outsideY, bothInvalid, cellOfBit } = ws;
  common.fill(0, 0, nx * ny);
  outsideX.fill(0, 0, nx * ny);
  outsideY.fill(0, 0, nx * ny);
  bothInvalid.fill(0, 0, nx * ny);

  countSharedBits(Y.bitOffset, Y.bitIndex, ny, ix.bitStart, ix.bitItem, ix.invStart, ix.invItem, cellOfBit, common, outsideX);
  countInvalidCells(Y.invalidOffset, Y.invalidCell, ny, ix.cellStart, ix.cellItem, ix.cellCount, ix.invStart, ix.invItem, outsideY, bothInvalid);
  const yBitOffset = Y.bitOffset;
  const yInvOffset = Y.invalidOffset;

  const cosGate = Math.cos(P.maxDirectionDifferenceRad);
  const minMatchableCells = P.minMatchableFraction * cells;
  const xBitOffset = X.bitOffset;
  const xInvOffset = X.invalidOffset;
  const xCos = X.cos;
  const xSin = X.sin;
  const yCos = Y.cos;
  const ySin = Y.sin;
  for (let i = 0; i < nx; i++) {
    const setX = xBitOffset[i + 1] - xBitOffset[i];
    const validX = cells - (xInvOffset[i + 1] - xInvOffset[i]);
    const cx = xCos[i];
    const sx = xSin[i];
    for (let j = 0; j < ny; j++) {
      if (cx * yCos[j] + sx * ySin[j] < cosGate) continue;
      const k = i * ny + j;
      if (validX - (yInvOffset[j + 1] - yInvOffset[j]) + bothInvalid[k] < minMatchableCells) continue;
      const norms = setX - outsideY[k] + (yBitOffset[j + 1] - yBitOffset[j]) - outsideX[k];
      if (norms > 0) lsm[xIsA ? k : j * nb + i] = (2 * common[k]) / norms;
    }
  }
  return lsm;
}

/** Set bits of each Y_j: shared with X_i (common), or in a cell invalid for X_i (outside X_i). */
function countSharedBits(
  yBitOffset: Int32Array,
  yBits: Uint16Array,
  ny: number,
  bitStart: Int32Array,
  bitItem: Uint8Array,
  invStart: Int32Array,
  invItem: Uint8Array,
  cellOfBit: Uint16Array,
  common: Int32Array,
  outsideX: Int32Array,
): void {
  for (let j = 0; j < ny; j++) {
    const qEnd = yBitOffset[j + 1];
    for (let q = yBitOffset[j]; q < qEnd; q++) {
      const p = yBits[q];
      const eEnd = bitStart[p + 1];
      for (let e = bitStart[p]; e < eEnd; e++) common[bitItem[e] * ny + j]++;
      const c = cellOfBit[p];
      const iEnd = invStart[c + 1];
      for (let e = invStart[c]; e < iEnd; e++) outsideX[invItem[e] * ny + j]++;
    }
  }
}

/** Invalid cells of each Y_j: set bits of X_i there (outside Y_j), and cells invalid in both. */
function countInvalidCells(
  yInvOffset: Int32Array,
  yInv: Uint16Array,
  ny: number,
  cellStart: Int32Array,
  cellItem: Uint8Array,
  cellCount: Uint8Array,
  invStart: Int32Array,
  invItem: Uint8Array,
  outsideY: Int32Array,
  bothInvalid: Int32Array,
): void {
  for (let j = 0; j < ny; j++) {
    const vEnd = yInvOffset[j + 1];
    for (let q = yInvOffset[j]; q < vEnd; q++) {
      const c = yInv[q];
      const cEnd = cellStart[c + 1];
      for (let e = cellStart[c]; e < cEnd; e++) outsideY[cellItem[e] * ny + j] += cellCount[e];
      const iEnd = invStart[c + 1];
      for (let e = invStart[c]; e < iEnd; e++) bothInvalid[invItem[e] * ny + j]++;
    }
  }
}

/**
 * A template's cylinders indexed three ways, each as CSR (start offsets + items):
 * by bit (which cylinders have it set), by cell (which cylinders have bits there, and how many),
 * and by invalid cell (which cylinders have it outside their validity).
 */
interface CylinderIndex {
  readonly bitStart: Int32Array;
  readonly bitItem: Uint8Array;
  readonly cellStart: Int32Array;
  readonly cellItem: Uint8Array;
  readonly cellCount: Uint8Array;
  readonly invStart: Int32Array;
  readonly invItem: Uint8Array;
}

const INDEX_CACHE_SIZE = 2;
/** Most recently used last. */
const indexCache: { t: PreparedTemplate; index: CylinderIndex }[] = [];
let previousA: PreparedTemplate | undefined;
let previousB: PreparedTemplate | undefined;

/**
 * Whether to index `a` (else `b`): the one already indexed, else the one that was in the
 * previous comparison too (the probe of a 1:N search, the row of an all-pairs loop), else `a`.
 */
function indexA(a: PreparedTemplate, b: PreparedTemplate): boolean {
  const seen = (t: PreparedTemplate) => t === previousA || t === previousB;
  const result = cachedIndex(a) ? true : cachedIndex(b) ? false : seen(a) || !seen(b);
  previousA = a;
  previousB = b;
  return result;
}

function cachedIndex(t: PreparedTemplate): CylinderIndex | undefined {
  for (const e of indexCache) if (e.t === t) return e.index;
  return undefined;
}

function cylinderIndex(t: PreparedTemplate): CylinderIndex {
  const at = indexCache.findIndex((e) => e.t === t);
  if (at >= 0) {
    const [hit] = indexCache.splice(at, 1);
    indexCache.push(hit);
    return hit.index;
  }
  const index = buildIndex(t);
  if (indexCache.length >= INDEX_CACHE_SIZE) indexCache.shift();
  indexCache.push({ t, index });
  return index;
}

function buildIndex(t: PreparedTemplate): CylinderIndex {
  const nd = t.directionSections;
  const cells = t.cylinderCells;
  const n = t.count;
  if (n > 255) throw new RangeError('at most 255 minutiae per prepared template');
  const bitStart = new Int32Array(cells * nd + 1);
  const bitItem = new Uint8Array(t.bitIndex.length);
  for (let q = 0; q < t.bitIndex.length; q++) bitStart[t.bitIndex[q] + 1]++;
  for (let p = 0; p < cells * nd; p++) bitStart[p + 1] += bitStart[p];
  const cellStart = new Int32Array(cells + 1);
  for (let i = 0; i < n; i++) {
    let last = -1;
    for (let q = t.bitOffset[i]; q < t.bitOffset[i + 1]; q++) {
      const c = (t.bitIndex[q] / nd) | 0;
      if (c !== last) cellStart[c + 1]++;
      last = c;
    }
  }
  for (let c = 0; c < cells; c++) cellStart[c + 1] += cellStart[c];
  const cellItem = new Uint8Array(cellStart[cells]);
  const cellCount = new Uint8Array(cellStart[cells]);
  const invStart = new Int32Array(cells + 1);
  for (let q = 0; q < t.invalidCell.length; q++) invStart[t.invalidCell[q] + 1]++;
  for (let c = 0; c < cells; c++) invStart[c + 1] += invStart[c];
  const invItem = new Uint8Array(t.invalidCell.length);

  const bitFill = bitStart.slice(0, cells * nd);
  const cellFill = cellStart.slice(0, cells);
  const invFill = invStart.slice(0, cells);
  for (let i = 0; i < n; i++) {
    let last = -1;
    for (let q = t.bitOffset[i]; q < t.bitOffset[i + 1]; q++) {
      const p = t.bitIndex[q];
      bitItem[bitFill[p]++] = i;
      const c = (p / nd) | 0;
      if (c !== last) {
        cellItem[cellFill[c]] = i;
        cellFill[c]++;
      }
      cellCount[cellFill[c] - 1]++;
      last = c;
    }
    for (let q = t.invalidOffset[i]; q < t.invalidOffset[i + 1]; q++) invItem[invFill[t.invalidCell[q]]++] = i;
  }
  return { bitStart, bitItem, cellStart, cellItem, cellCount, invStart, invItem };
}

/** Scratch arrays reused across comparisons (allocated on first use, grown when needed). */
interface Workspace {
  common: Int32Array;
  outsideX: Int32Array;
  outsideY: Int32Array;
  bothInvalid: Int32Array;
  cellOfBit: Uint16Array;
  bits: number;
  nd: number;
}

let shared: Workspace | undefined;

function workspace(pairs: number, bits: number, nd: number): Workspace {
  if (!shared || shared.common.length < pairs) {
    const size = Math.max(pairs, 4096);
    shared = {
      common: new Int32Array(size),
      outsideX: new Int32Array(size),
      outsideY: new Int32Array(size),
      bothInvalid: new Int32Array(size),
      cellOfBit: shared?.cellOfBit ?? new Uint16Array(0),
      bits: shared?.bits ?? 0,
      nd: shared?.nd ?? 0,
    };
  }
  if (shared.bits !== bits || shared.nd !== nd) {
    shared.cellOfBit = new Uint16Array(bits);
    for (let p = 0; p < bits; p++) shared.cellOfBit[p] = (p / nd) | 0;
    shared.bits = bits;
    shared.nd = nd;
  }
  return shared;
}
