import { checkSeed } from '@biofuse/core';

/**
 * Derived seeds: one independent stream per finger and per impression, so that adding fingers
 * or impressions to a dataset never changes the existing ones.
 */
export function deriveSeed(seed: number, ...keys: readonly number[]): number {
  // `>>> 0` below would fold 1.5 or 2 ** 32 + 1 onto 1: two datasets, one set of prints.
  checkSeed(seed, 'seed');
  for (const k of keys) checkSeed(k, 'seed key');
  let h = seed;
  for (const k of keys) {
    h = Math.imul(h ^ (k >>> 0), 0x9e3779b1) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}
