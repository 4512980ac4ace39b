import type { Random } from '../random';

/**
 * Seeded damage to encoded bytes (templates, records, images, galleries, text files), for the
 * fuzz tests of their readers: the one implementation every package's fuzz tests draw on.
 * Each mutant says what was done to it, so a failing assertion names its input, and the same
 * Random (seededRandom) gives the same mutants on every machine. The input is never changed,
 * and every mutant holds memory of its own (a Node Buffer's slice() is a view into the input's).
 * Damage that knows a format (text lines, JSON points, YAML keys) stays beside its tests.
 */

/** A damaged copy of some bytes and what was done to it: "flip byte 17 bit 3", "cut to 40 of 318 bytes". */
export interface Mutant {
  readonly what: string;
  readonly bytes: Uint8Array;
}

/** An unsigned integer field of a binary format, to be set to extreme values. */
export interface Field {
  readonly name: string;
  /** Its first byte. */
  readonly at: number;
  readonly size: 1 | 2 | 4;
  readonly littleEndian: boolean;
}

/**
 * The kinds of seeded damage. Every mutant differs from its input: a value drawn that would
 * leave the bytes as they were is drawn again.
 * - `flip`: one bit flipped; `flips`: 2 to 8 different bits flipped, each in a byte drawn anew.
 * - `overwrite`: 1 to 4 bytes each set to a random value other than its own; `run`: 1 to 64
 *   consecutive bytes written over with random ones (fewer at the end), not all as they were.
 * - `special`: one byte set to one that means something in a file (see SPECIAL_BYTES), other than its own.
 * - `insert`: 1 to 4 random bytes inserted (in half of them up to 64); `remove`: 1 to 4 bytes removed.
 * - `append`: 1 to 64 bytes appended, random or (half of them) zeros; `cut`: cut to a shorter length.
 * - `noise`: a file of random bytes alone, of 0 to twice the length.
 * - `field`: one of the fields given set to an extreme value (see extremeValues) other than its own.
 */
export type MutationKind = 'flip' | 'flips' | 'overwrite' | 'run' | 'special' | 'insert' | 'remove' | 'append' | 'cut' | 'noise' | 'field';

/** NUL, 0xff, line ends, space and tab, the separators and what numbers are written with. */
const SPECIAL_BYTES = [0x00, 0xff, 0x0d, 0x0a, 0x20, 0x09, 0x2c, 0x2d, 0x2e, 0x65, 0x30, 0x39];

/** The 64 shortest lengths cut through a header; the 3 longest lose only the end. */
const SHORTEST = 64;
const LONGEST = 3;

/**
 * The bytes cut to every length from 0 to one short of whole; or, given a `sample` of fewer, to
 * the 64 shortest and the 3 longest lengths and drawn ones in between, `count` in all (or just
 * those 67, where `count` is fewer).
 */
export function truncations(bytes: Uint8Array, sample?: { readonly count: number; readonly random: Random }): Mutant[] {
  const n = bytes.length;
  const lengths = new Set<number>();
  if (sample === undefined || sample.count >= n) for (let k = 0; k < n; k++) lengths.add(k);
  else {
    for (let k = 0; k < Math.min(SHORTEST, n); k++) lengths.add(k);
    for (let k = Math.max(0, n - LONGEST); k < n; k++) lengths.add(k);
    while (lengths.size < sample.count) lengths.add(sample.random.int(n));
  }
  return [...lengths].sort((a, b) => a - b).map((k) => cut(bytes, k));
}

export interface MutantOptions {
  readonly random: Random;
  readonly count: number;
  /** Drawn in turn. Default: flip, overwrite, insert and remove, and field where `fields` are given. */
  readonly kinds?: readonly MutationKind[];
  readonly fields?: readonly Field[];
  /** Every other mutant of each kind is placed in the first `headBytes` bytes, where the structure is densest. */
  readonly headBytes?: number;
}

/** `count` seeded mutants of `bytes`, of each kind in turn (see MutationKind). */
export function seededMutants(bytes: Uint8Array, options: MutantOptions): Mutant[] {
  const { random, count, fields = [] } = options;
  const kinds = options.kinds ?? ['flip', 'overwrite', 'insert', 'remove', ...(fields.length > 0 ? (['field'] as const) : [])];
  if (bytes.length === 0) throw new Error('seededMutants: no bytes to damage');
  if (kinds.includes('field') && fields.length === 0) throw new Error('seededMutants: field mutants need fields');
  const head = Math.min(options.headBytes ?? bytes.length, bytes.length);
  const out: Mutant[] = [];
  for (let k = 0; k < count; k++) {
    const span = Math.floor(k / kinds.length) % 2 === 0 ? head : bytes.length;
    out.push(mutant(bytes, kinds[k % kinds.length], random, (extra = 0) => random.int(span + extra), fields));
  }
  return out;
}

/** One mutant of `kind`, its positions drawn by `at` (`at(1)` may also give the end). */
function mutant(bytes: Uint8Array, kind: MutationKind, random: Random, at: (extra?: number) => number, fields: readonly Field[]): Mutant {
  const c = new Uint8Array(bytes);
  switch (kind) {
    case 'flip':
    case 'flips': {
      // A bit flipped twice is as it was: each (byte, bit) drawn again until it is a new one.
      const flipped = new Set<number>();
      const what: string[] = [];
      for (let n = kind === 'flip' ? 1 : 2 + random.int(7); n > 0; n--) {
        const [i, bit] = redrawn(
          () => [at(), random.int(8)] as const,
          ([i, bit]) => !flipped.has(8 * i + bit),
        );
        if (flipped.has(8 * i + bit)) continue; // all but never: 32 draws of bits flipped already
        c[i] ^= 1 << bit;
        flipped.add(8 * i + bit);
        what.push(`byte ${i} bit ${bit}`);
      }
      return { what: `flip ${what.join(', ')}`, bytes: c };
    }
    case 'overwrite': {
      const changed: string[] = [];
      for (let n = 1 + random.int(4); n > 0; n--) {
        const i = at();
        c[i] = otherThan(bytes[i], () => random.int(256));
        changed.push(`${i}=${c[i]}`);
      }
      return { what: `overwrite bytes ${changed.join(', ')}`, bytes: c };
    }
    case 'run': {
      const i = at();
      // Cut at the end; the bytes it writes over, as they were, must not be what it writes.
      const length = 1 + random.int(64);
      const was = bytes.subarray(i, i + length);
      const run = redrawn(
        () => randomBytes(random, length).subarray(0, was.length),
        (r) => !equalBytes(r, was),
      );
      if (equalBytes(run, was)) run[0] = otherThan(was[0], () => random.int(256));
      c.set(run, i);
      return { what: `${run.length} random bytes over byte ${i}`, bytes: c };
    }
    case 'special': {
      const i = at();
      c[i] = otherThan(bytes[i], () => pick(random, SPECIAL_BYTES));
      return { what: `byte ${i}: ${bytes[i]} -> ${c[i]}`, bytes: c };
    }
    case 'insert': {
      const i = at(1);
      const inserted = randomBytes(random, 1 + random.int(random.int(2) === 0 ? 4 : 64));
      return { what: `insert ${inserted.length} random bytes at byte ${i}`, bytes: spliced(bytes, i, 0, inserted) };
    }
    case 'remove': {
      const i = at();
      const n = Math.min(1 + random.int(4), bytes.length - i);
      return { what: `remove ${n} bytes at byte ${i}`, bytes: spliced(bytes, i, n) };
    }
    case 'append': {
      const n = 1 + random.int(64);
      const zeros = random.int(2) === 0;
      return { what: `append ${n} ${zeros ? 'zero' : 'random'} bytes`, bytes: spliced(bytes, bytes.length, 0, zeros ? new Uint8Array(n) : randomBytes(random, n)) };
    }
    case 'cut':
      return cut(bytes, at());
    case 'noise': {
      const noise = redrawn(
        () => randomBytes(random, random.int(2 * bytes.length + 1)),
        (n) => !equalBytes(n, bytes),
      );
      if (equalBytes(noise, bytes)) return { what: `a file of ${bytes.length + 1} zero bytes`, bytes: new Uint8Array(bytes.length + 1) };
      return { what: `a file of ${noise.length} random bytes`, bytes: noise };
    }
    case 'field': {
      const f = pick(random, fields);
      const now = fieldValue(bytes, f);
      // Every size has 6 different extreme values, so one of them is not the field's own.
      const value = otherThan(now, () => pick(random, extremeValues(f.size)), () => extremeValues(f.size).find((v) => v !== now)!);
      return withField(bytes, f, value);
    }
  }
}

/** 0, 1, the largest value and the one below it, the largest signed one and the one above it (-1, -2 and the smallest signed, read as unsigned). */
export function extremeValues(size: 1 | 2 | 4): number[] {
  const max = 2 ** (8 * size) - 1;
  return [0, 1, max, max - 1, (max + 1) / 2 - 1, (max + 1) / 2];
}

/** The bytes with one field set to `value`, an unsigned integer of the field's size. */
export function withField(bytes: Uint8Array, f: Field, value: number): Mutant {
  const c = new Uint8Array(bytes);
  const view = new DataView(c.buffer);
  if (f.size === 1) view.setUint8(f.at, value);
  else if (f.size === 2) view.setUint16(f.at, value, f.littleEndian);
  else view.setUint32(f.at, value, f.littleEndian);
  return { what: `${f.name} (byte ${f.at}) = ${value} (0x${value.toString(16)})`, bytes: c };
}

/** How many times a draw is repeated, at most, before a fallback chosen without chance. */
const REDRAWS = 32;

/** `draw()` until `ok` holds, at most REDRAWS times: the last one drawn (the caller checks it). */
function redrawn<T>(draw: () => T, ok: (value: T) => boolean): T {
  let value = draw();
  for (let k = 1; k < REDRAWS && !ok(value); k++) value = draw();
  return value;
}

/** A byte (or field value) drawn until it is not `old`; `fallback` (default: `old` with every bit flipped) if none is. */
function otherThan(old: number, draw: () => number, fallback: () => number = () => old ^ 0xff): number {
  const value = redrawn(draw, (v) => v !== old);
  return value !== old ? value : fallback();
}

function fieldValue(bytes: Uint8Array, f: Field): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return f.size === 1 ? view.getUint8(f.at) : f.size === 2 ? view.getUint16(f.at, f.littleEndian) : view.getUint32(f.at, f.littleEndian);
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** `length` seeded random bytes: a file that is no format at all, or noise to fill one with. */
export function randomBytes(random: Random, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => random.int(256));
}

function cut(bytes: Uint8Array, length: number): Mutant {
  return { what: `cut to ${length} of ${bytes.length} bytes`, bytes: new Uint8Array(bytes.subarray(0, length)) };
}

/** A copy of `bytes` with `removed` bytes at `at` replaced by `inserted`. */
function spliced(bytes: Uint8Array, at: number, removed: number, inserted: Uint8Array = new Uint8Array(0)): Uint8Array {
  const c = new Uint8Array(bytes.length - removed + inserted.length);
  c.set(bytes.subarray(0, at));
  c.set(inserted, at);
  c.set(bytes.subarray(at + removed), at + inserted.length);
  return c;
}

const pick = <T>(random: Random, items: readonly T[]): T => items[random.int(items.length)];
