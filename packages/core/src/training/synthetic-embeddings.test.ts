import { ConfigError } from '../errors';
import { describe, expect, it } from 'vitest';
import { syntheticEmbeddings } from './synthetic-embeddings';

describe('syntheticEmbeddings', () => {
  it('is reproducible from the seed and changes with it', () => {
    const make = (seed: number) => syntheticEmbeddings({ identities: 3, perIdentity: 2, dim: 4, seed });
    expect(make(3)).toEqual(make(3));
    expect(Array.from(make(4).embeddings)).not.toEqual(Array.from(make(3).embeddings));
    expect(Array.from(make(3).labels)).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('refuses a seed the generator would read as another (3.7 gave the set of 3)', () => {
    for (const seed of [3.7, 2 ** 32 + 3, -3, Number.NaN]) {
      expect(() => syntheticEmbeddings({ identities: 2, perIdentity: 1, dim: 2, seed })).toThrow(ConfigError);
    }
    expect(() => syntheticEmbeddings({ identities: 2, perIdentity: 1, dim: 2, seed: 3.7 })).toThrow(/syntheticEmbeddings: seed must be a whole number/);
  });
});
