import { seededRandom } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import { gaborEnhance } from './gabor-enhance';
import type { OrientationField } from './orientation';
import type { Segmentation } from './segmentation';

const SIZE = 96;
const PERIOD = 9;
const BLOCK = 8;
const OPTIONS = { orientations: 16, sigmaAcross: 3.2, sigmaAlong: 4.2 };

/** Parallel ridges at `theta` (ridge direction, counter-clockwise on screen), as +1/-1, plus Gaussian noise. */
function ridges(theta: number, noise: number, seed: number): { clean: Float32Array; noisy: Float32Array; field: OrientationField } {
  const random = seededRandom(seed);
  const clean = new Float32Array(SIZE * SIZE);
  const noisy = new Float32Array(SIZE * SIZE);
  // Across-ridge unit vector in image coordinates (y down).
  const nx = Math.sin(theta);
  const ny = Math.cos(theta);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const i = y * SIZE + x;
      clean[i] = Math.cos((2 * Math.PI * (x * nx + y * ny)) / PERIOD);
      noisy[i] = clean[i] + noise * random.normal();
    }
  }
  const orientation = new Float32Array(SIZE * SIZE).fill(theta);
  const ones = new Float32Array(SIZE * SIZE).fill(1);
  return { clean, noisy, field: { width: SIZE, height: SIZE, orientation, coherence: ones, energy: ones } };
}

function wholeImage(): Segmentation {
  const blocks = SIZE / BLOCK;
  return { blockSize: BLOCK, blocksX: blocks, blocksY: blocks, blocks: new Uint8Array(blocks * blocks).fill(1), mask: new Uint8Array(SIZE * SIZE).fill(1), area: SIZE * SIZE };
}

/** Share of pixels whose sign agrees with the clean ridges. */
function signAgreement(a: Float32Array, clean: Float32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] > 0 === clean[i] > 0) same++;
  return same / a.length;
}

describe('gaborEnhance', () => {
  const periods = new Float32Array((SIZE / BLOCK) ** 2).fill(PERIOD);

  it.each([0, Math.PI / 5, Math.PI / 2, 2.2])('restores noisy ridges at %f rad', (theta) => {
    const { clean, noisy, field } = ridges(theta, 1.5, 7);
    const enhanced = gaborEnhance(noisy, field, wholeImage(), periods, OPTIONS);
    // Noise of 1.5 x the ridge amplitude flips about a third of the signs; the filter tuned to
    // the ridges restores all but a few near the zero crossings (measured 0.945-0.963), while
    // the same filter turned across the ridges does not.
    expect(signAgreement(noisy, clean)).toBeLessThan(0.75);
    expect(signAgreement(enhanced, clean)).toBeGreaterThan(0.93);
    const across = { ...field, orientation: field.orientation.map((t) => (t + Math.PI / 2) % Math.PI) };
    expect(signAgreement(gaborEnhance(noisy, across, wholeImage(), periods, OPTIONS), clean)).toBeLessThan(0.7);
  });

  it('gives the same numbers with the WebAssembly kernel and its scalar twin', () => {
    const { noisy, field } = ridges(1, 1, 3);
    // A ragged mask: short runs, runs ending at the frame margin, isolated pixels.
    const seg = wholeImage();
    const mask = seg.mask.slice();
    const random = seededRandom(11);
    for (let i = 0; i < mask.length; i++) if (random.next() < 0.2) mask[i] = 0;
    const ragged = { ...seg, mask };
    const wasm = gaborEnhance(noisy, field, ragged, periods, OPTIONS);
    const scalar = gaborEnhance(noisy, field, ragged, periods, OPTIONS, 'scalar');
    expect(Array.from(wasm)).toEqual(Array.from(scalar));
    for (let i = 0; i < mask.length; i++) if (!mask[i]) expect(wasm[i]).toBe(0);
  });
});
