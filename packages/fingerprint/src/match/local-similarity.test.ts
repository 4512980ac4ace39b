import { join } from 'node:path';
import { sharedDataset } from '@biofuse/core/testing';
import { describe, expect, it } from 'vitest';
import { loadIsoFolder } from '../../bench/match-data';
import { angleDifference } from '../template/minutiae';
import { jsMatchKernel } from './kernels/match-kernel-js';
import { wasmMatchKernel } from './kernels/match-kernel-wasm';
import { localSimilarities } from './local-similarity';
import { FINGERPRINT_MATCH_PARAMS as P, prepareTemplate, type MatchParams, type PreparedTemplate } from './index';
import { moved, randomTemplate } from './test-templates';

/** MCC's bit-based local similarity straight from its definition, one bit at a time. */
function reference(a: PreparedTemplate, b: PreparedTemplate): Float32Array {
  const bits = a.cylinderCells * a.directionSections;
  const bit = (t: PreparedTemplate, i: number, k: number) => (t.cylinders[i * t.cylinderWords + (k >>> 5)] >>> (k & 31)) & 1;
  const valid = (t: PreparedTemplate, i: number, k: number) => {
    const cell = Math.floor(k / t.directionSections);
    for (let q = t.invalidOffset[i]; q < t.invalidOffset[i + 1]; q++) if (t.invalidCell[q] === cell) return 0;
    return 1;
  };
  const out = new Float32Array(a.count * b.count);
  for (let i = 0; i < a.count; i++) {
    for (let j = 0; j < b.count; j++) {
      if (Math.abs(angleDifference(a.angle[i], b.angle[j])) > P.maxDirectionDifferenceRad) continue;
      let matchable = 0;
      let xor = 0;
      let norms = 0;
      for (let k = 0; k < bits; k++) {
        if (!valid(a, i, k) || !valid(b, j, k)) continue;
        matchable++;
        xor += bit(a, i, k) ^ bit(b, j, k);
        norms += bit(a, i, k) + bit(b, j, k);
      }
      if (matchable < P.minMatchableFraction * bits || norms === 0) continue;
      out[i * b.count + j] = 1 - xor / norms;
    }
  }
  return out;
}

describe('localSimilarities', () => {
  const a = prepareTemplate(randomTemplate(3));
  const b = prepareTemplate(moved(randomTemplate(3), { rotationDeg: 20, dx: 40, dy: 10, jitterPx: 2, jitterDeg: 5, dropout: 0.2, seed: 1 }));
  const c = prepareTemplate(randomTemplate(4));

  it('has cylinders partly outside the convex hull to test the masked paths with', () => {
    let partial = 0;
    for (let i = 0; i < a.count; i++) partial += a.invalidOffset[i + 1] > a.invalidOffset[i] ? 1 : 0;
    expect(partial).toBeGreaterThan(5);
    expect(partial).toBeLessThan(a.count);
  });

  it('equals the definition, with either kernel, and lists exactly its nonzero entries', () => {
    for (const [x, y] of [[a, b], [b, a], [a, c], [b, b]] as const) {
      const expected = reference(x, y);
      for (const kernel of ['auto', 'js'] as const) {
        const got = localSimilarities(x, y, P, kernel);
        const matrix = got.matrix.slice(0, x.count * y.count);
        for (let e = 0; e < expected.length; e++) expect(matrix[e]).toBeCloseTo(expected[e], 6);
        const keys = Array.from(got.keys());
        const listed = new Set(keys.map((k) => ((k >>> 8) & 0xff) * y.count + (k & 0xff)));
        expect(listed.size).toBe(matrix.filter((v) => v > 0).length);
        for (const cell of listed) expect(matrix[cell]).toBeGreaterThan(0);
        expect(Array.from(got.sortedKeys().subarray(0, got.count))).toEqual(keys.sort((p, q) => q - p));
      }
    }
  });
});

/** Entries and keys of localSimilarities with the given kernel, copied (its arrays are reused). */
function snapshot(x: PreparedTemplate, y: PreparedTemplate, kernel: 'auto' | 'js', params: MatchParams) {
  const got = localSimilarities(x, y, params, kernel);
  return { matrix: new Uint32Array(got.matrix.slice(0, x.count * y.count).buffer), keys: Array.from(got.keys()) };
}

/**
 * The pair loop in WebAssembly (one call per comparison) against the JavaScript one, bit for bit,
 * also with a min_ME high enough that the matchable-cells test decides: prepareTemplate already
 * keeps only cylinders with 75 % valid cells, so 0.75 never reaches the one-sided skips and 0.9
 * takes thousands of them (the rarely taken branches of the WebAssembly loop).
 */
function expectSameLoops(templates: readonly PreparedTemplate[], pairs: number): void {
  if (!wasmMatchKernel()) return; // no WebAssembly SIMD here: only the JS loop runs
  for (const params of [P, { ...P, minMatchableFraction: 0.75 }, { ...P, minMatchableFraction: 0.9 }]) {
    let checked = 0;
    let entries = 0;
    for (let p = 0; p < templates.length && checked < pairs; p++) {
      for (let q = 0; q < templates.length && checked < pairs; q += 1 + (p % 3), checked++) {
        const wasm = snapshot(templates[p], templates[q], 'auto', params);
        const js = snapshot(templates[p], templates[q], 'js', params);
        expect(wasm.keys).toEqual(js.keys);
        expect(wasm.matrix).toEqual(js.matrix);
        entries += js.keys.length;
      }
    }
    expect(entries).toBeGreaterThan(0);
  }
}

describe('localSimilarities in WebAssembly', () => {
  it('gives the same matrix and keys, in the same order, as the JavaScript loop', () => {
    const templates: PreparedTemplate[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      const t = randomTemplate(seed, 20 + 9 * seed);
      templates.push(prepareTemplate(t), prepareTemplate(moved(t, { rotationDeg: 7 * seed - 20, dx: 5 * seed, dy: -8, jitterPx: 3, jitterDeg: 6, dropout: 0.15, seed })));
    }
    expectSameLoops(templates, 200);
  });

  const fvc = sharedDataset('fvc2002/iso-templates');
  it.skipIf(fvc.skip)('and on real templates (FVC2002 DB2_B)', () => {
    const items = loadIsoFolder(join(fvc.path, 'DB2_B'), 'original', 'fvc2002').slice(0, 24);
    expectSameLoops(items.map((it) => prepareTemplate(it.template)), 300);
  });
});

describe('match kernels', () => {
  const wasm = wasmMatchKernel();
  const js = jsMatchKernel();
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);

  it('both sort pair keys into decreasing order, whatever their number and spread', () => {
    const cases: number[][] = [[7], [3 << 16, 5 << 16 | 1]];
    for (const m of [3, 40, 441, 5000, 255 * 255]) {
      // Distinct keys like the matcher's: a 15-bit similarity (often tied) over a unique i, j.
      const levels = 1 + (Math.abs(next()) % 2000);
      const keys = Array.from({ length: m }, (_, e) => ((Math.abs(next()) % levels) << 16) | e);
      // The same keys with those of similarity 0 lifted far above the rest: a skewed range, where
      // most buckets stay empty and the rest crowd into a few.
      const skewed = keys.map((k) => (k >>> 16 === 0 ? k | (1 << 30) : k));
      cases.push(keys, skewed);
    }
    const KEYS = 64;
    const SORTED = KEYS + 255 * 255 * 4;
    const BUCKETS = SORTED + 255 * 255 * 4;
    for (const kernel of wasm ? [wasm, js] : [js]) {
      const heap = new Int32Array(kernel.memory(BUCKETS + 4096 * 4));
      for (const keys of cases) {
        heap.set(keys, KEYS >> 2);
        kernel.sortKeysDescending(KEYS, keys.length, SORTED, BUCKETS);
        const sorted = Array.from(heap.subarray(SORTED >> 2, (SORTED >> 2) + keys.length));
        expect(sorted).toEqual([...keys].sort((p, q) => q - p));
      }
    }
  });
});
