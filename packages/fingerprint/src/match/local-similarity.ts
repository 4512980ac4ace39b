import { jsPopcountKernel } from './kernels/cylinder-popcount-js';
import { wasmPopcountKernel, type PopcountKernel } from './kernels/cylinder-popcount-wasm';
import type { MatchParams } from './params';
import type { PreparedTemplate } from './prepared-template';

/**
 * The local similarity matrix (MCC section 4, bit-based): entry (i, j), row-major nA x nB, is the
 * similarity of cylinder i of `a` and cylinder j of `b`, in [0, 1]. It is 0 when the minutiae
 * directions differ by more than delta_theta, or when fewer than min_ME of the cells are valid in
 * both cylinders. Otherwise, restricted to the cells valid in both, it is
 * 1 - |ca xor cb| / (|ca| + |cb|) = 2 |ca and cb| / (|ca| + |cb|) (a Dice coefficient).
 *
 * The popcounts run in a kernel (WebAssembly SIMD, or plain JavaScript where that is missing)
 * over the cylinders copied into its memory with their validity masks; a template already
 * there from the previous comparison (the probe of a 1:N search) is not copied again.
 */
export function localSimilarityMatrix(
  a: PreparedTemplate,
  b: PreparedTemplate,
  P: MatchParams,
  out?: Float32Array,
  kernelChoice: KernelChoice = 'auto',
): Float32Array {
  const na = a.count;
  const nb = b.count;
  const lsm = out && out.length >= na * nb ? out : new Float32Array(na * nb);
  lsm.fill(0, 0, na * nb);
  if (na === 0 || nb === 0) return lsm;
  const W = a.cylinderWords;
  const bits = a.cylinderCells * a.directionSections;
  const store = cylinderStore(kernelChoice, W, bits);
  const [sa, sb] = store.load(a, b);
  const k = store.kernel;
  const heap = store.heap;
  const blocks = W >> 2;
  const stride = W * 4;
  const outByte = store.outByte;
  const outWord = outByte >> 2;

  const cosGate = Math.cos(P.maxDirectionDifferenceRad);
  const minMatchableBits = P.minMatchableFraction * bits;
  const aInv = a.invalidOffset;
  const bInv = b.invalidOffset;
  const bCos = b.cos;
  const bSin = b.sin;
  const bSet = b.cylinderBits;
  for (let i = 0; i < na; i++) {
    const ca = a.cos[i];
    const sn = a.sin[i];
    const setA = a.cylinderBits[i];
    const fullA = aInv[i + 1] === aInv[i];
    const xa = sa.bitsByte + i * stride;
    const va = sa.validityByte + i * stride;
    const row = i * nb;
    for (let j = 0; j < nb; j++) {
      if (ca * bCos[j] + sn * bSin[j] < cosGate) continue;
      const xb = sb.bitsByte + j * stride;
      let common: number;
      let norms: number;
      if (fullA && bInv[j + 1] === bInv[j]) {
        common = k.andCount(xa, xb, blocks);
        norms = setA + bSet[j];
      } else {
        k.maskedCounts(xa, xb, va, sb.validityByte + j * stride, blocks, outByte);
        if (heap[outWord + 3] < minMatchableBits) continue;
        common = heap[outWord];
        norms = setA - heap[outWord + 1] + bSet[j] - heap[outWord + 2];
      }
      if (norms > 0) lsm[row + j] = (2 * common) / norms;
    }
  }
  return lsm;
}

export type KernelChoice = 'auto' | 'js';

/** Where one template's cylinders and validity masks sit in the kernel's memory. */
interface Slot {
  template: PreparedTemplate | undefined;
  readonly bitsByte: number;
  readonly validityByte: number;
}

/** The kernel's memory, laid out as two slots of up to 255 cylinders plus a 16-byte output. */
class CylinderStore {
  readonly slots: [Slot, Slot];
  readonly outByte: number;
  heap: Int32Array;

  constructor(
    readonly kernel: PopcountKernel,
    readonly words: number,
    readonly bits: number,
  ) {
    const region = 255 * words * 4;
    this.slots = [
      { template: undefined, bitsByte: 0, validityByte: region },
      { template: undefined, bitsByte: 2 * region, validityByte: 3 * region },
    ];
    this.outByte = 4 * region;
    this.heap = new Int32Array(kernel.memory(this.outByte + 16));
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
    const W = this.words;
    const heap = this.heap;
    heap.set(t.cylinders, slot.bitsByte >> 2);
    const nd = t.directionSections;
    const validityWord = slot.validityByte >> 2;
    for (let i = 0; i < t.count; i++) {
      const base = validityWord + i * W;
      heap.set(this.allValid, base);
      for (let q = t.invalidOffset[i]; q < t.invalidOffset[i + 1]; q++) {
        const first = t.invalidCell[q] * nd;
        for (let bit = first; bit < first + nd; bit++) heap[base + (bit >>> 5)] &= ~(1 << (bit & 31));
      }
    }
    slot.template = t;
    return slot;
  }

  /** The validity mask of a cylinder whose cells are all valid: every cell bit, no padding. */
  private get allValid(): Int32Array {
    if (!this.allValidMask) {
      this.allValidMask = new Int32Array(this.words);
      for (let bit = 0; bit < this.bits; bit++) this.allValidMask[bit >>> 5] |= 1 << (bit & 31);
    }
    return this.allValidMask;
  }

  private allValidMask: Int32Array | undefined;
}

let autoStore: CylinderStore | undefined;
let jsStore: CylinderStore | undefined;
let jsKernel: PopcountKernel | undefined;

/** The store for a kernel choice, laid out for this cylinder size (re-laid out when it changes). */
function cylinderStore(choice: KernelChoice, words: number, bits: number): CylinderStore {
  const current = choice === 'auto' ? autoStore : jsStore;
  if (current && current.words === words && current.bits === bits) return current;
  jsKernel ??= jsPopcountKernel();
  const kernel = choice === 'auto' ? (wasmPopcountKernel() ?? jsKernel) : jsKernel;
  // Two stores may share the JS kernel's memory: drop the other's slots when re-laying out.
  if (autoStore?.kernel === kernel) autoStore = undefined;
  if (jsStore?.kernel === kernel) jsStore = undefined;
  const store = new CylinderStore(kernel, words, bits);
  if (choice === 'auto') autoStore = store;
  else jsStore = store;
  return store;
}
