import { describe, expect, it } from 'vitest';
import { byCodeUnits } from './code-unit-order';

describe('byCodeUnits', () => {
  it('orders by UTF-16 code unit, not by locale or code point', () => {
    // Capitals before small letters, accented letters after both (localeCompare puts "a" before "B").
    expect(['b', 'é', 'a', 'B', 'Z'].sort(byCodeUnits)).toEqual(['B', 'Z', 'a', 'b', 'é']);
    // U+1F600 is stored as 0xD83D 0xDE00, below U+FF5E's one unit (by code point it would come after).
    expect(['\uFF5E', '\u{1F600}'].sort(byCodeUnits)).toEqual(['\u{1F600}', '\uFF5E']);
    expect(byCodeUnits('x', 'x')).toBe(0);
  });
});
