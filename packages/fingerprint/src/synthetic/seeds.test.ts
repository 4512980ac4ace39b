import { ConfigError } from '@biofuse/core';
import { describe, expect, it } from 'vitest';
import { deriveSeed } from './seeds';

describe('deriveSeed', () => {
  it('refuses seeds and keys that 32 bits would fold onto others', () => {
    // `>>> 0` made 1.5 and 2 ** 32 + 1 derive what 1 derives.
    expect(deriveSeed(1, 101)).not.toBe(deriveSeed(2, 101));
    for (const seed of [1.5, 2 ** 32 + 1, -1, Number.NaN]) expect(() => deriveSeed(seed, 101)).toThrow(ConfigError);
    expect(() => deriveSeed(1, 2 ** 32)).toThrow(/seed key must be a whole number in \[0, 4294967295\], got 4294967296/);
    expect(() => deriveSeed(2 ** 32 - 1, 0)).not.toThrow();
  });
});
