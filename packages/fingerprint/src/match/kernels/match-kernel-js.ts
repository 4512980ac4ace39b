import type { MatchKernel } from './match-kernel-wasm';
import { MAX_BUCKET_BITS } from './sort-keys-wasm';

/**
 * The matcher's kernels in plain JavaScript (SWAR bit counting, the same key sort), with the
 * same interface and results as the WebAssembly ones: the fallback where WebAssembly SIMD is
 * unavailable, and the reference the WebAssembly kernels are tested against.
 */
export function jsMatchKernel(): MatchKernel {
  let buffer = new ArrayBuffer(0);
  let m = new Int32Array(buffer);
  let f = new Float32Array(buffer);
  return {
    memory(bytes) {
      if (buffer.byteLength < bytes) {
        const grown = new ArrayBuffer(bytes);
        new Uint8Array(grown).set(new Uint8Array(buffer));
        buffer = grown;
        m = new Int32Array(buffer);
        f = new Float32Array(buffer);
      }
      return buffer;
    },
    localSimilarities(rows, nrows, aBits, aValid, aInfo, bBits, bValid, bInfo, bOrder, nb, stride, blocks, fullBits, minBits, matrix, keys) {
      return pairLoop(m, f, { rows, nrows, aBits, aValid, aInfo, bBits, bValid, bInfo, bOrder, nb, stride, blocks, fullBits, minBits, matrix, keys });
    },
    sortKeysDescending(keys, count, sorted, buckets) {
      sortKeysDescending(m, keys >> 2, count, sorted >> 2, buckets >> 2);
    },
  };
}

/**
 * local_similarities of local-similarity-wasm.ts, with the same arguments (byte offsets into the
 * memory) and the same entries and keys in the same order: per pair, which cells are valid
 * decides how many popcounts it takes (both cylinders entirely valid: one; one of them: two;
 * neither: four, including the cells valid in both).
 */
function pairLoop(
  m: Int32Array,
  f: Float32Array,
  a: {
    rows: number; nrows: number; aBits: number; aValid: number; aInfo: number;
    bBits: number; bValid: number; bInfo: number; bOrder: number; nb: number;
    stride: number; blocks: number; fullBits: number; minBits: number; matrix: number; keys: number;
  },
): number {
  const words = a.blocks * 4;
  const strideWords = a.stride >> 2;
  let count = 0;
  for (let q = 0; q < a.nrows; q++) {
    const r = (a.rows >> 2) + 3 * q;
    const i = m[r];
    const lo = m[r + 1];
    const end = m[r + 2];
    const setA = m[(a.aInfo >> 2) + 2 * i];
    const validA = m[(a.aInfo >> 2) + 2 * i + 1];
    const xa = (a.aBits >> 2) + i * strideWords;
    const va = (a.aValid >> 2) + i * strideWords;
    const row = (a.matrix >> 2) + i * a.nb;
    for (let e = lo; e < end; e++) {
      const j = m[(a.bOrder >> 2) + e];
      const xb = (a.bBits >> 2) + j * strideWords;
      const vb = (a.bValid >> 2) + j * strideWords;
      const setB = m[(a.bInfo >> 2) + 2 * j];
      const validB = m[(a.bInfo >> 2) + 2 * j + 1];
      let common = 0;
      let norms: number;
      if (validA === a.fullBits && validB === a.fullBits) {
        for (let w = 0; w < words; w++) common += popcount(m[xa + w] & m[xb + w]);
        norms = setA + setB;
      } else if (validA === a.fullBits || validB === a.fullBits) {
        // One cylinder entirely valid: its set bits outside the other's valid cells leave its norm.
        const aFull = validA === a.fullBits;
        if ((aFull ? validB : validA) < a.minBits) continue;
        const x = aFull ? xa : xb;
        const y = aFull ? xb : xa;
        const v = aFull ? vb : va;
        let outside = 0;
        for (let w = 0; w < words; w++) {
          common += popcount(m[x + w] & m[y + w]);
          outside += popcount(m[x + w] & ~m[v + w]);
        }
        norms = setA + setB - outside;
      } else {
        let aOutside = 0;
        let bOutside = 0;
        let bothValid = 0;
        for (let w = 0; w < words; w++) {
          common += popcount(m[xa + w] & m[xb + w]);
          aOutside += popcount(m[xa + w] & ~m[vb + w]);
          bOutside += popcount(m[xb + w] & ~m[va + w]);
          bothValid += popcount(m[va + w] & m[vb + w]);
        }
        if (bothValid < a.minBits) continue;
        norms = setA - aOutside + setB - bOutside;
      }
      if (common === 0 || norms <= 0) continue;
      const lambda = (2 * common) / norms;
      f[row + j] = lambda;
      m[(a.keys >> 2) + count++] = (((lambda * 32767 + 0.5) | 0) << 16) | (i << 8) | j;
    }
  }
  return count;
}

/**
 * The keys heap[k .. k + m) in decreasing order at heap[s .. s + m): a counting sort on their
 * leading bits, then one insertion-sort pass over the whole array, which is exact and has far
 * fewer unpredictable branches than a comparison sort or a heap. The buckets split the range the
 * keys actually span (the similarities of one comparison cluster) into about twice as many
 * buckets as keys, so after the counting sort a key is at most a few places from where it
 * belongs and the insertion pass rarely moves anything. (Sorting bucket by bucket instead costs
 * a loop with an unpredictable trip count per bucket: a quarter slower.)
 */
function sortKeysDescending(heap: Int32Array, k: number, m: number, s: number, b: number): void {
  let lowest = heap[k];
  let highest = heap[k];
  for (let e = k + 1; e < k + m; e++) {
    const key = heap[e];
    if (key < lowest) lowest = key;
    else if (key > highest) highest = key;
  }
  // Bucket of a key: (highest - key) >>> shift, fewer than 2^bucketBits buckets.
  const bucketBits = Math.min(MAX_BUCKET_BITS, 32 - Math.clz32(2 * m - 1));
  const shift = Math.max(0, 32 - Math.clz32(highest - lowest) - bucketBits);
  const buckets = ((highest - lowest) >>> shift) + 1;
  heap.fill(0, b, b + buckets);
  for (let e = k; e < k + m; e++) heap[b + ((highest - heap[e]) >>> shift)]++;
  let acc = s;
  for (let q = b; q < b + buckets; q++) {
    const count = heap[q];
    heap[q] = acc;
    acc += count;
  }
  for (let e = k; e < k + m; e++) {
    const key = heap[e];
    heap[heap[b + ((highest - key) >>> shift)]++] = key;
  }
  // The buckets are in order; the keys inside each are not yet.
  for (let e = s + 1; e < s + m; e++) {
    const key = heap[e];
    let f = e - 1;
    while (f >= s && heap[f] < key) {
      heap[f + 1] = heap[f];
      f--;
    }
    heap[f + 1] = key;
  }
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
