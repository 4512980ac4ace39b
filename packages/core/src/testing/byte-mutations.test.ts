import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import { extremeValues, seededMutants, truncations, withField, type MutationKind } from './byte-mutations';
import { editedJson, jsonEntries, type Json } from './json-edits';

const ALL_KINDS: readonly MutationKind[] = ['flip', 'flips', 'overwrite', 'run', 'special', 'insert', 'remove', 'append', 'cut', 'noise', 'field'];
const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256);
const fields = [{ name: 'count', at: 6, size: 4, littleEndian: true }] as const;

describe('seeded byte mutations', () => {
  it('gives the same mutants for the same seed, other ones for another, and leaves the input as it was', () => {
    const input = Buffer.from(bytes);
    const draw = (seed: number) => seededMutants(input, { random: seededRandom(seed), count: 110, kinds: ALL_KINDS, fields, headBytes: 20 });
    const a = draw(5);
    expect(draw(5)).toEqual(a);
    expect(draw(6)).not.toEqual(a);
    expect(input.equals(bytes)).toBe(true);
    // Each mutant holds memory of its own, not a view into the input's.
    for (const m of a) expect(m.bytes.buffer).not.toBe(input.buffer);
    // Each kind damages the bytes, and only those that change the length do.
    const sameLength: readonly MutationKind[] = ['flip', 'flips', 'overwrite', 'run', 'special', 'field'];
    for (const kind of ALL_KINDS) {
      for (const m of seededMutants(bytes, { random: seededRandom(1), count: 6, kinds: [kind], fields, headBytes: 20 })) {
        expect(Buffer.from(m.bytes).equals(bytes), `${kind}: ${m.what}`).toBe(false);
        if (sameLength.includes(kind)) expect(m.bytes.length, `${kind}: ${m.what}`).toBe(bytes.length);
      }
    }
  });

  it('damages every mutant, however small the input (a bit flipped twice, or a byte set to its own value, left some whole)', () => {
    // One and two bytes, each an extreme value and a special byte, so an unlucky draw writes what is there.
    for (const input of [Uint8Array.of(0), Uint8Array.of(0x0a, 0xff)]) {
      const byteField = [{ name: 'first', at: 0, size: 1, littleEndian: true }] as const;
      for (const kind of ALL_KINDS) {
        const mutants = seededMutants(input, { random: seededRandom(7), count: 1000, kinds: [kind], fields: byteField });
        for (const m of mutants) expect(Buffer.from(m.bytes).equals(input), `${kind} of [${input}]: ${m.what}`).toBe(false);
      }
    }
  });

  it('says how many bytes a run wrote: those up to the end, where it reaches the end (it said the length drawn)', () => {
    const short = bytes.subarray(0, 40);
    let cut = 0;
    for (const m of seededMutants(short, { random: seededRandom(3), count: 300, kinds: ['run'] })) {
      const [, n, i] = /^(\d+) random bytes over byte (\d+)$/.exec(m.what)!.map(Number);
      expect(i + n, m.what).toBeLessThanOrEqual(short.length);
      // Only those bytes changed, and not all of them can be as they were.
      expect([...m.bytes.subarray(0, i), ...m.bytes.subarray(i + n)], m.what).toEqual([...short.subarray(0, i), ...short.subarray(i + n)]);
      expect(Buffer.from(m.bytes.subarray(i, i + n)).equals(short.subarray(i, i + n)), m.what).toBe(false);
      if (i + n === short.length) cut++;
    }
    expect(cut).toBeGreaterThan(50);
  });

  it('cuts to every short length, and samples the rest with the shortest and longest always among them', () => {
    expect(truncations(bytes).map((m) => m.bytes.length)).toEqual(Array.from({ length: 300 }, (_, n) => n));
    const sample = (seed: number) => truncations(Buffer.from(bytes), { count: 80, random: seededRandom(seed) });
    const lengths = sample(1).map((m) => m.bytes.length);
    expect(lengths).toHaveLength(80);
    expect(lengths.slice(0, 64)).toEqual(Array.from({ length: 64 }, (_, n) => n));
    expect(lengths.slice(-3)).toEqual([297, 298, 299]);
    expect(sample(1)).toEqual(sample(1));
    for (const m of sample(2)) expect(Buffer.from(m.bytes).equals(bytes.subarray(0, m.bytes.length))).toBe(true);
  });

  it('sets a field that reads back, in either byte order, and nothing else', () => {
    for (const littleEndian of [true, false]) {
      for (const size of [1, 2, 4] as const) {
        for (const value of extremeValues(size)) {
          const m = withField(bytes, { name: 'f', at: 10, size, littleEndian }, value);
          const view = new DataView(m.bytes.buffer);
          expect(size === 1 ? view.getUint8(10) : size === 2 ? view.getUint16(10, littleEndian) : view.getUint32(10, littleEndian), m.what).toBe(value);
          expect([...m.bytes.subarray(0, 10), ...m.bytes.subarray(10 + size)]).toEqual([...bytes.subarray(0, 10), ...bytes.subarray(10 + size)]);
        }
      }
    }
    expect(extremeValues(2)).toEqual([0, 1, 0xffff, 0xfffe, 0x7fff, 0x8000]);
  });
});

describe('JSON edits', () => {
  it('lists every value inside a document with its path, and edits a copy', () => {
    const doc: Json = { a: [1, { b: null }], c: 'x' };
    expect(jsonEntries(doc).map((e) => e.path.join('.'))).toEqual(['a', 'a.0', 'a.1', 'a.1.b', 'c']);
    const edited = editedJson(doc, ['a', 1, 'b'], (parent, key) => {
      parent[key] = 7;
    });
    expect(edited).toEqual({ a: [1, { b: 7 }], c: 'x' });
    expect(doc).toEqual({ a: [1, { b: null }], c: 'x' });
  });
});
