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
  return {
    memory(bytes) {
      if (buffer.byteLength < bytes) {
        const grown = new ArrayBuffer(bytes);
        new Uint8Array(grown).set(new Uint8Array(buffer));
        buffer = grown;
        m = new Int32Array(buffer);
      }
      return buffer;
    },
    andCount(x, y, blocks) {
      const xi = x >> 2;
      const yi = y >> 2;
      let c = 0;
      for (let w = 0; w < blocks * 4; w++) c += popcount(m[xi + w] & m[yi + w]);
      return c;
    },
    andOutside(x, y, v, blocks) {
      const xi = x >> 2;
      const yi = y >> 2;
      const vi = v >> 2;
      let common = 0;
      let outside = 0;
      for (let w = 0; w < blocks * 4; w++) {
        const a = m[xi + w];
        common += popcount(a & m[yi + w]);
        outside += popcount(a & ~m[vi + w]);
      }
      return (common << 16) | outside;
    },
    maskedCounts(x, y, vx, vy, blocks, out) {
      const xi = x >> 2;
      const yi = y >> 2;
      const vxi = vx >> 2;
      const vyi = vy >> 2;
      let common = 0;
      let xOutsideY = 0;
      let yOutsideX = 0;
      let bothValid = 0;
      for (let w = 0; w < blocks * 4; w++) {
        const a = m[xi + w];
        const b = m[yi + w];
        const va = m[vxi + w];
        const vb = m[vyi + w];
        common += popcount(a & b);
        xOutsideY += popcount(a & ~vb);
        yOutsideX += popcount(b & ~va);
        bothValid += popcount(va & vb);
      }
      const o = out >> 2;
      m[o] = common;
      m[o + 1] = xOutsideY;
      m[o + 2] = yOutsideX;
      m[o + 3] = bothValid;
    },
    sortKeysDescending(keys, count, sorted, buckets) {
      sortKeysDescending(m, keys >> 2, count, sorted >> 2, buckets >> 2);
    },
  };
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
