import { TemplateFormatError } from '@biofuse/core';
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
 * copied again. The WebAssembly kernel runs the whole pair loop in one call
 * (local-similarity-wasm.ts), writing the matrix (which lives in its memory) and the keys; the
 * JavaScript kernel (kernels/match-kernel-js.ts) runs the same loop with the same results bit for bit.
 */
export function localSimilarities(a: PreparedTemplate, b: PreparedTemplate, P: MatchParams, kernelChoice: KernelChoice = 'auto'): LocalSimilarities {
  const na = a.count;
  const nb = b.count;
  const W = a.cylinderWords;
  const cells = a.cylinderCells;
  const nd = a.directionSections;
  const bits = cells * nd;
  const store = cylinderStore(kernelChoice, W, cells, nd);
  const result = store.similarities;
  const matrix = store.matrix;
  matrix.fill(0, 0, na * nb);
  result.matrix = matrix;
  result.count = 0;
  if (na === 0 || nb === 0) return result;
  const [sa, sb] = store.load(a, b);
  const heap = store.heap;
  const gate = P.maxDirectionDifferenceRad;

  // The direction gate: B's angles in increasing order, repeated at -2pi, 0 and +2pi (the
  // slot's sweep), so every window [theta - gate, theta + gate] with theta in [0, 2pi) is one
  // contiguous run of it. Row q lists minutia i of A and its window [lo, end) of the sweep.
  const sweepAngle = sb.sweepAngle;
  const rowsWord = store.rowsByte >> 2;
  let lo = 0;
  let hi = 0;
  for (let q = 0; q < na; q++) {
    const i = a.byAngle[q];
    const theta = a.angle[i];
    while (sweepAngle[lo] < theta - gate) lo++;
    if (hi < lo) hi = lo;
    while (sweepAngle[hi] <= theta + gate) hi++;
    const row = rowsWord + 3 * q;
    heap[row] = i;
    heap[row + 1] = lo;
    heap[row + 2] = Math.min(hi, lo + nb); // a gate of pi or more takes each of B once
  }
  // An integer count c is below minMatchableFraction x bits exactly when it is below this
  // (clamped, so that it fits an i32 and keeps that meaning for counts in [0, bits]).
  const minBits = Math.min(Math.max(Math.ceil(P.minMatchableFraction * bits), 0), bits + 1);
  result.count = store.kernel.localSimilarities(store.rowsByte, na, sa.bitsByte, sa.validityByte, sa.infoByte, sb.bitsByte, sb.validityByte, sb.infoByte, sb.orderByte, nb, W * 4, W >> 2, bits, minBits, store.matrixByte, store.keysByte);
  return result;
}

const TWO_PI = 2 * Math.PI;

export type KernelChoice = 'auto' | 'js';

/** Where one template's cylinders and validity masks sit in the kernel's memory. */
interface Slot {
  template: PreparedTemplate | undefined;
  readonly bitsByte: number;
  /** Cylinder i's validity mask starts at validityByte + i x (bytes per cylinder). */
  readonly validityByte: number;
  /** 2 i32 per cylinder: its set bits, and its valid bits ((cells - invalid cells) x ND). */
  readonly infoByte: number;
  /** The direction gate's sweep: i32 minutia indices in order of angle, three times over. */
  readonly orderByte: number;
  /** Their angles, shifted by -2pi, 0 and +2pi, then +Infinity (which ends every window). */
  sweepAngle: Float64Array;
}

/**
 * The kernel's memory, laid out for one cylinder size: two slots of up to 255 cylinders and
 * their validity masks, and room for the pair keys of two 255-minutia
 * templates, their sorted copy and the sort's buckets; then each slot's per-cylinder counts and
 * sweep order, the direction gate's rows, and the similarity matrix.
 */
class CylinderStore {
  readonly slots: [Slot, Slot];
  readonly keysByte: number;
  readonly sortedByte: number;
  readonly bucketsByte: number;
  readonly rowsByte: number;
  readonly matrixByte: number;
  readonly heap: Int32Array;
  /** The similarity matrix, up to 255 x 255, in the kernel's memory. */
  readonly matrix: Float32Array;
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
    this.keysByte = 4 * region;
    this.sortedByte = this.keysByte + MAX_KEYS * 4;
    this.bucketsByte = this.sortedByte + MAX_KEYS * 4;
    const infoByte = this.bucketsByte + (1 << MAX_BUCKET_BITS) * 4;
    const orderByte = infoByte + 2 * 255 * 8;
    this.rowsByte = orderByte + 2 * 3 * 255 * 4;
    this.matrixByte = this.rowsByte + 255 * 3 * 4;
    const slot = (k: number, bitsByte: number): Slot => ({
      template: undefined,
      bitsByte,
      validityByte: bitsByte + region,
      infoByte: infoByte + k * 255 * 8,
      orderByte: orderByte + k * 3 * 255 * 4,
      sweepAngle: new Float64Array(0),
    });
    this.slots = [slot(0, 0), slot(1, 2 * region)];
    this.heap = new Int32Array(kernel.memory(this.matrixByte + MAX_KEYS * 4));
    this.matrix = new Float32Array(this.heap.buffer, this.matrixByte, MAX_KEYS);
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
    if (t.count > 255) throw new TemplateFormatError(`a prepared template of ${t.count} minutiae: at most 255 are supported`);
    this.heap.set(t.cylinders, slot.bitsByte >> 2);
    const image = kernelImage(t);
    this.heap.set(image.masks, slot.validityByte >> 2);
    this.heap.set(image.info, slot.infoByte >> 2);
    this.heap.set(image.order, slot.orderByte >> 2);
    slot.sweepAngle = image.sweepAngle;
    slot.template = t;
    return slot;
  }
}

/** What a template puts in the kernel's memory besides its cylinders, and its sweep's angles. */
interface KernelImage {
  /** Each cylinder's validity mask (all ND bits of every cell inside the grown hull), laid out like the cylinders. */
  readonly masks: Int32Array;
  /** 2 per cylinder: its set bits, and its valid bits ((cells - invalid cells) x ND). */
  readonly info: Int32Array;
  /** The direction gate's sweep: minutia indices in order of angle, three times over. */
  readonly order: Int32Array;
  /** Their angles, shifted by -2pi, 0 and +2pi, then +Infinity. */
  readonly sweepAngle: Float64Array;
}

/**
 * A template's kernel image, built once per template, so that loading a template into the
 * kernel's memory (once per comparison in a 1:N search) is a few block copies.
 */
function kernelImage(t: PreparedTemplate): KernelImage {
  let image = imageCache.get(t);
  if (image) return image;
  const n = t.count;
  const W = t.cylinderWords;
  const nd = t.directionSections;
  const bits = t.cylinderCells * nd;
  const masks = new Int32Array(n * W);
  const info = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const base = i * W;
    for (let bit = 0; bit < bits; bit++) masks[base + (bit >>> 5)] |= 1 << (bit & 31);
    for (let q = t.invalidOffset[i]; q < t.invalidOffset[i + 1]; q++) {
      const first = t.invalidCell[q] * nd;
      for (let bit = first; bit < first + nd; bit++) masks[base + (bit >>> 5)] &= ~(1 << (bit & 31));
    }
    info[2 * i] = t.cylinderBits[i];
    info[2 * i + 1] = (t.cylinderCells - (t.invalidOffset[i + 1] - t.invalidOffset[i])) * nd;
  }
  const order = new Int32Array(3 * n);
  const sweepAngle = new Float64Array(3 * n + 1);
  for (let r = 0; r < 3; r++) {
    for (let q = 0; q < n; q++) {
      const j = t.byAngle[q];
      sweepAngle[r * n + q] = t.angle[j] + (r - 1) * TWO_PI;
      order[r * n + q] = j;
    }
  }
  sweepAngle[3 * n] = Number.POSITIVE_INFINITY;
  image = { masks, info, order, sweepAngle };
  imageCache.set(t, image);
  return image;
}

const imageCache = new WeakMap<PreparedTemplate, KernelImage>();

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
