import { jsMatchKernel } from './kernels/match-kernel-js';
import { wasmMatchKernel, type MatchKernel } from './kernels/match-kernel-wasm';
import { MAX_BUCKET_BITS } from './kernels/sort-keys-wasm';
import type { MatchParams } from './params';
import type { PreparedTemplate } from './prepared-template';

/**
 * The local similarities of two templates (valid until the next call: the arrays are reused).
 * `matrix` is nA x nB, row-major; `keys()` lists its nonzero entries, each packed as (similarity
 * quantised to 15 bits) << 16 | i << 8 | j, in no particular order (keys order like (similarity,
 * matrix index), since j < nB <= 255, and the consolidation reads i and j without a division).
 * The keys live in the kernel's memory, where the kernel also sorts them.
 */
export interface LocalSimilarities {
  readonly matrix: Float32Array;
  /** How many entries are nonzero. */
  readonly count: number;
  /** Their keys, unsorted: [0, count). */
  keys(): Int32Array;
  /** Their keys in decreasing order: [0, count) of the returned array. */
  sortedKeys(): Int32Array;
}

/**
 * The local similarity matrix (MCC section 4, bit-based): entry (i, j) is the similarity of
 * cylinder i of `a` and cylinder j of `b`, in [0, 1]. It is 0 when the minutiae directions
 * differ by more than delta_theta, or when fewer than min_ME of the cells are valid in both
 * cylinders. Otherwise, restricted to the cells valid in both, it is
 * 1 - |ca xor cb| / (|ca| + |cb|) = 2 |ca and cb| / (|ca| + |cb|) (a Dice coefficient).
 *
 * The direction gate is a sweep over both templates in angle order, so only the pairs it lets
 * through are visited. The popcounts run in a kernel (WebAssembly SIMD, or plain JavaScript
 * where that is missing) over the cylinders copied into its memory with their validity masks;
 * a template already there from the previous comparison (the probe of a 1:N search) is not
 * copied again.
 */
export function localSimilarities(a: PreparedTemplate, b: PreparedTemplate, P: MatchParams, kernelChoice: KernelChoice = 'auto'): LocalSimilarities {
  const na = a.count;
  const nb = b.count;
  const ws = workspace(na * nb, nb);
  const matrix = ws.matrix;
  matrix.fill(0, 0, na * nb);
  const W = a.cylinderWords;
  const bits = a.cylinderCells * a.directionSections;
  const store = cylinderStore(kernelChoice, W, a.cylinderCells, a.directionSections);
  const result = store.similarities;
  result.matrix = matrix;
  result.count = 0;
  if (na === 0 || nb === 0) return result;
  const [sa, sb] = store.load(a, b);
  const k = store.kernel;
  const heap = store.heap;
  const blocks = W >> 2;
  const stride = W * 4;
  const outByte = store.outByte;
  const outWord = outByte >> 2;
  const minMatchableBits = P.minMatchableFraction * bits;
  const cells = a.cylinderCells;
  const nd = a.directionSections;
  const gate = P.maxDirectionDifferenceRad;
  const keysWord = store.keysByte >> 2;
  let count = 0;

  // B's angles in increasing order, repeated at -2pi, 0 and +2pi, so every window
  // [theta - gate, theta + gate] with theta in [0, 2pi) is one contiguous run.
  const sweepAngle = ws.sweepAngle;
  const sweepIndex = ws.sweepIndex;
  for (let r = 0; r < 3; r++) {
    for (let q = 0; q < nb; q++) {
      const j = b.byAngle[q];
      sweepAngle[r * nb + q] = b.angle[j] + (r - 1) * TWO_PI;
      sweepIndex[r * nb + q] = j;
    }
  }
  const aInv = a.invalidOffset;
  const bInv = b.invalidOffset;
  const bSet = b.cylinderBits;
  let lo = 0;
  let hi = 0;
  for (let q = 0; q < na; q++) {
    const i = a.byAngle[q];
    const theta = a.angle[i];
    while (sweepAngle[lo] < theta - gate) lo++;
    if (hi < lo) hi = lo;
    while (sweepAngle[hi] <= theta + gate) hi++;
    const end = Math.min(hi, lo + nb); // a gate of pi or more takes each of B once
    const setA = a.cylinderBits[i];
    const invalidA = aInv[i + 1] - aInv[i];
    const xa = sa.bitsByte + i * stride;
    const va = sa.validityByte + i * stride;
    const row = i * nb;
    for (let e = lo; e < end; e++) {
      const j = sweepIndex[e];
      const xb = sb.bitsByte + j * stride;
      // Which cells are valid decides the kernel: both cylinders entirely valid (one popcount),
      // one of them (two), or neither (four, including the cells valid in both).
      const invalidB = bInv[j + 1] - bInv[j];
      let common: number;
      let norms: number;
      if (invalidA === 0 && invalidB === 0) {
        common = k.andCount(xa, xb, blocks);
        norms = setA + bSet[j];
      } else if (invalidA === 0) {
        if ((cells - invalidB) * nd < minMatchableBits) continue;
        const r = k.andOutside(xa, xb, sb.validityByte + j * stride, blocks);
        common = r >>> 16;
        norms = setA - (r & 0xffff) + bSet[j];
      } else if (invalidB === 0) {
        if ((cells - invalidA) * nd < minMatchableBits) continue;
        const r = k.andOutside(xb, xa, va, blocks);
        common = r >>> 16;
        norms = setA + bSet[j] - (r & 0xffff);
      } else {
        k.maskedCounts(xa, xb, va, sb.validityByte + j * stride, blocks, outByte);
        if (heap[outWord + 3] < minMatchableBits) continue;
        common = heap[outWord];
        norms = setA - heap[outWord + 1] + bSet[j] - heap[outWord + 2];
      }
      if (common === 0 || norms <= 0) continue;
      const lambda = (2 * common) / norms;
      matrix[row + j] = lambda;
      heap[keysWord + count++] = (((lambda * 32767 + 0.5) | 0) << 16) | (i << 8) | j;
    }
  }
  result.count = count;
  return result;
}

const TWO_PI = 2 * Math.PI;

interface Workspace {
  matrix: Float32Array;
  sweepAngle: Float64Array;
  sweepIndex: Uint8Array;
}

let shared: Workspace | undefined;

function workspace(cells: number, nb: number): Workspace {
  if (!shared || shared.matrix.length < cells || shared.sweepIndex.length < 3 * nb) {
    const size = Math.max(cells, 4096);
    const sweep = Math.max(3 * nb, 3 * 64);
    shared = {
      matrix: new Float32Array(size),
      sweepAngle: new Float64Array(sweep + 1),
      sweepIndex: new Uint8Array(sweep),
    };
  }
  // A sentinel past the sweep, so the window's upper bound stops there.
  shared.sweepAngle[3 * nb] = Number.POSITIVE_INFINITY;
  return shared;
}

export type KernelChoice = 'auto' | 'js';

/** Where one template's cylinders and validity masks sit in the kernel's memory. */
interface Slot {
  template: PreparedTemplate | undefined;
  readonly bitsByte: number;
  /** Cylinder i's validity mask starts at validityByte + i x (bytes per cylinder). */
  readonly validityByte: number;
}

/**
 * The kernel's memory, laid out for one cylinder size: two slots of up to 255 cylinders and
 * their validity masks, a 16-byte output, and room for the pair keys of two 255-minutia
 * templates, their sorted copy and the sort's buckets.
 */
class CylinderStore {
  readonly slots: [Slot, Slot];
  readonly outByte: number;
  readonly keysByte: number;
  readonly sortedByte: number;
  readonly bucketsByte: number;
  readonly heap: Int32Array;
  /** The sorted keys, from index 0. */
  readonly sorted: Int32Array;
  /** What localSimilarities returns, reused. */
  readonly similarities: StoredSimilarities;

  constructor(
    readonly kernel: MatchKernel,
    readonly words: number,
    readonly cells: number,
    readonly nd: number,
  ) {
    const region = 255 * words * 4;
    this.slots = [
      { template: undefined, bitsByte: 0, validityByte: region },
      { template: undefined, bitsByte: 2 * region, validityByte: 3 * region },
    ];
    this.outByte = 4 * region;
    this.keysByte = this.outByte + 16;
    this.sortedByte = this.keysByte + MAX_KEYS * 4;
    this.bucketsByte = this.sortedByte + MAX_KEYS * 4;
    this.heap = new Int32Array(kernel.memory(this.bucketsByte + (1 << MAX_BUCKET_BITS) * 4));
    this.sorted = this.heap.subarray(this.sortedByte >> 2, (this.sortedByte >> 2) + MAX_KEYS);
    this.similarities = new StoredSimilarities(this);
  }

  /** Puts a and b in the two slots (reusing either that is already there). */
  load(a: PreparedTemplate, b: PreparedTemplate): [Slot, Slot] {
    const [s0, s1] = this.slots;
    if (a === b) return s0.template === a ? [s0, s0] : s1.template === a ? [s1, s1] : [this.fill(s0, a), s0];
    let sa = s0.template === a ? s0 : s1.template === a ? s1 : undefined;
    let sb = s0.template === b ? s0 : s1.template === b ? s1 : undefined;
    if (!sa) sa = this.fill(sb === s0 ? s1 : s0, a);
    if (!sb) sb = this.fill(sa === s0 ? s1 : s0, b);
    return [sa, sb];
  }

  private fill(slot: Slot, t: PreparedTemplate): Slot {
    if (t.count > 255) throw new RangeError('at most 255 minutiae per prepared template');
    this.heap.set(t.cylinders, slot.bitsByte >> 2);
    this.heap.set(validityMasks(t), slot.validityByte >> 2);
    slot.template = t;
    return slot;
  }
}

/**
 * Each cylinder's validity mask (all ND bits of every cell inside the grown hull), laid out
 * like the cylinders; built once per template, so that loading a template into the kernel's
 * memory (once per comparison in a 1:N search) is two block copies.
 */
function validityMasks(t: PreparedTemplate): Int32Array {
  let masks = maskCache.get(t);
  if (masks) return masks;
  const W = t.cylinderWords;
  const nd = t.directionSections;
  const bits = t.cylinderCells * nd;
  masks = new Int32Array(t.count * W);
  for (let i = 0; i < t.count; i++) {
    const base = i * W;
    for (let bit = 0; bit < bits; bit++) masks[base + (bit >>> 5)] |= 1 << (bit & 31);
    for (let q = t.invalidOffset[i]; q < t.invalidOffset[i + 1]; q++) {
      const first = t.invalidCell[q] * nd;
      for (let bit = first; bit < first + nd; bit++) masks[base + (bit >>> 5)] &= ~(1 << (bit & 31));
    }
  }
  maskCache.set(t, masks);
  return masks;
}

const maskCache = new WeakMap<PreparedTemplate, Int32Array>();

/** Keys of every pair of two 255-minutia templates. */
const MAX_KEYS = 255 * 255;

/** localSimilarities' result, one per store: its matrix and count, the keys where it wrote them. */
class StoredSimilarities implements LocalSimilarities {
  matrix: Float32Array = new Float32Array(0);
  count = 0;

  constructor(private readonly store: CylinderStore) {}

  keys(): Int32Array {
    const first = this.store.keysByte >> 2;
    return this.store.heap.subarray(first, first + this.count);
  }

  sortedKeys(): Int32Array {
    const s = this.store;
    if (this.count > 0) s.kernel.sortKeysDescending(s.keysByte, this.count, s.sortedByte, s.bucketsByte);
    return s.sorted;
  }
}

let autoStore: CylinderStore | undefined;
let jsStore: CylinderStore | undefined;
let jsKernel: MatchKernel | undefined;

/** The store for a kernel choice, laid out for this cylinder size (re-laid out when it changes). */
function cylinderStore(choice: KernelChoice, words: number, cells: number, nd: number): CylinderStore {
  const current = choice === 'auto' ? autoStore : jsStore;
  if (current && current.words === words && current.cells === cells && current.nd === nd) return current;
  jsKernel ??= jsMatchKernel();
  const kernel = choice === 'auto' ? (wasmMatchKernel() ?? jsKernel) : jsKernel;
  // Two stores may share the JS kernel's memory: drop the other's slots when re-laying out.
  if (autoStore?.kernel === kernel) autoStore = undefined;
  if (jsStore?.kernel === kernel) jsStore = undefined;
  const store = new CylinderStore(kernel, words, cells, nd);
  if (choice === 'auto') autoStore = store;
  else jsStore = store;
  return store;
}
