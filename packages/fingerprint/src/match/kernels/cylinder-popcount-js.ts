import type { PopcountKernel } from './cylinder-popcount-wasm';

/**
 * The popcount kernel in plain JavaScript (SWAR bit counting), with the same interface and
 * results as the WebAssembly SIMD one: the fallback where WebAssembly SIMD is unavailable, and
 * the reference the SIMD kernel is tested against.
 */
export function jsPopcountKernel(): PopcountKernel {
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
  };
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
