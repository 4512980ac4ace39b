import { describe, expect, it } from 'vitest';
import { ConfigError, TemplateFormatError } from '../errors';
import { seededRandom } from '../random';
import { EmbeddingIndex } from './embedding-index';
import { grownRowCapacity, VectorRows, wasmRowLimit } from './vector-rows';

function randomRows(n: number, dims: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: dims }, () => random.normal()));
}

/** Every row's inner product with the query, block by block, as one array. */
function allScores(rows: VectorRows, query: Float32Array, count: number): Float64Array {
  const out = new Float64Array(count).fill(Number.NaN);
  let blocks = 0;
  rows.innerProducts(query, count, (scores, from, length) => {
    blocks++;
    out.set(scores.subarray(0, length), from);
  });
  expect(blocks).toBe(Math.ceil(count / 4096));
  return out;
}

describe('VectorRows', () => {
  // 9,000 rows cross two block boundaries; 37 dimensions leave a padded tail in every row;
  // starting from one row of capacity makes the memory grow many times under the views.
  const dims = 37;
  const vectors = randomRows(9000, dims, 1);
  const [query] = randomRows(1, dims, 2);
  const exact = vectors.map((v) => v.reduce((s, x, i) => s + x * query[i], 0));

  it('scores every row like a float64 loop, in WebAssembly and in JavaScript', () => {
    for (const useWasm of [true, false]) {
      const rows = new VectorRows(dims, 1, useWasm);
      expect(rows.accelerated).toBe(useWasm);
      vectors.forEach((v, r) => {
        rows.reserve(r + 1);
        rows.set(r, v);
      });
      const scores = allScores(rows, query, vectors.length);
      let worst = 0;
      exact.forEach((e, r) => (worst = Math.max(worst, Math.abs(scores[r] - e))));
      expect(worst).toBeLessThan(1e-12);
    }
  });

  it('keeps rows through growth and copies whole rows', () => {
    const rows = new VectorRows(dims, 2);
    rows.set(0, vectors[0]);
    rows.set(1, vectors[1]);
    rows.reserve(50_000);
    rows.copy(1, 0);
    const scores = allScores(rows, query, 2);
    expect(scores[0]).toBeCloseTo(exact[1], 12);
    expect(scores[1]).toBeCloseTo(exact[1], 12);
  });

  it('grows up to the WebAssembly limit before falling back to JavaScript', () => {
    // 4,096 dimensions: 16 KiB a row after 64 KiB of query and scores, so 4 GiB holds 262,140 rows.
    const limit = wasmRowLimit(4096 * 8 + 4096 * 8, 4096 * 4, 2 ** 32);
    expect(limit).toBe(262_140);
    // From 131,072 rows (2 GiB), doubling would pass 4 GiB: the kernel keeps all it can hold.
    expect(grownRowCapacity(131_073, 131_072, limit)).toBe(262_140);
    expect(grownRowCapacity(1025, 1024, limit)).toBe(2048);
    expect(grownRowCapacity(5000, 1024, limit)).toBe(5000);
    // Past the limit (or without the kernel) it doubles as before.
    expect(grownRowCapacity(262_141, 262_140, limit)).toBe(524_280);
    expect(grownRowCapacity(131_073, 131_072, Infinity)).toBe(262_144);
  });

  it('keeps scanning in WebAssembly until the rows no longer fit, then in JavaScript', () => {
    // A limit of ten 4-float rows stands in for 4 GiB.
    const rows = new VectorRows(4, 8, true, 4096 * 8 + 4 * 8 + 10 * 16);
    const vectors = randomRows(11, 4, 7);
    const q = Float32Array.from([1, 2, 3, 4]);
    const expected = vectors.map((v) => v.reduce((s, x, i) => s + x * q[i], 0));
    vectors.forEach((v, r) => {
      rows.reserve(r + 1);
      rows.set(r, v);
      // Doubling 8 to 16 would not fit: 9 and 10 rows stay in the kernel's memory.
      expect(rows.accelerated, `${r + 1} rows`).toBe(r + 1 <= 10);
    });
    const scores = allScores(rows, q, 11);
    expected.forEach((e, r) => expect(scores[r]).toBeCloseTo(e, 12));
  });

  it('refuses a query of the wrong size and zero dimensions', () => {
    const rows = new VectorRows(4, 1);
    expect(() => rows.innerProducts(new Float32Array(3), 1, () => undefined)).toThrow(RangeError);
    expect(() => new VectorRows(0, 1)).toThrow(RangeError);
  });
});

describe('EmbeddingIndex scan', () => {
  it('finds the same top 50 rows, in order, with and without WebAssembly, also after removals', () => {
    const vectors = randomRows(6000, 64, 3);
    const queries = randomRows(5, 64, 4);
    const fast = new EmbeddingIndex(64, 16);
    const plain = new EmbeddingIndex(64, 16, { useWasm: false });
    expect(fast.accelerated).toBe(true);
    expect(plain.accelerated).toBe(false);
    for (const v of vectors) {
      fast.add(v);
      plain.add(v);
    }
    for (const row of [0, 17, 4096, 5000]) expect(fast.remove(row)).toBe(plain.remove(row));
    for (const q of queries) {
      const a = fast.search(q, 50);
      const b = plain.search(q, 50);
      expect(a.map((h) => h.row)).toEqual(b.map((h) => h.row));
      a.forEach((h, i) => expect(Math.abs(h.score - b[i].score)).toBeLessThan(1e-12));
    }
  });

  it('ranks a row as search orders it, ties counted against it', () => {
    const vectors = randomRows(5000, 16, 5);
    const index = new EmbeddingIndex(16);
    for (const v of vectors) index.add(v);
    const duplicate = index.add(vectors[42]);
    const [query] = randomRows(1, 16, 6);
    const order = index.search(query, index.size).map((h) => h.row);
    for (const row of [0, 7, 999, 4321]) expect(index.rankOf(query, row)).toBe(order.indexOf(row) + 1);
    // Row 42 and its copy tie: each ranks behind the other.
    const tied = Math.max(order.indexOf(42), order.indexOf(duplicate)) + 1;
    expect(index.rankOf(query, 42)).toBe(tied);
    expect(index.rankOf(query, duplicate)).toBe(tied);
    expect(() => index.rankOf(query, index.size)).toThrow(ConfigError);
  });

  it('refuses NaN and infinite values in rows and queries: a NaN row would come first in every search', () => {
    for (const useWasm of [true, false]) {
      const index = new EmbeddingIndex(4, 8, { useWasm });
      for (const bad of [[Number.NaN, 0, 0, 0], [0, Infinity, 0, 0], [0, 0, -Infinity, 0], [1e39, 0, 0, 0]]) {
        expect(() => index.add(bad), `${bad}`).toThrow(TemplateFormatError);
      }
      expect(index.size).toBe(0);
      index.add([1, 0, 0, 0]);
      index.add([0.6, 0.8, 0, 0]);
      index.add([0, 1, 0, 0]);
      expect(index.search([1, 0, 0, 0], 2).map((h) => h.row)).toEqual([0, 1]);
      expect(index.rankOf([1, 0, 0, 0], 0)).toBe(1);
      for (const bad of [[Number.NaN, 0, 0, 0], [Infinity, 0, 0, 0], [0, 0, 0, 1e39]]) {
        expect(() => index.search(bad, 2), `${bad}`).toThrow(TemplateFormatError);
        expect(() => index.rankOf(bad, 2), `${bad}`).toThrow(TemplateFormatError);
      }
    }
  });
});
