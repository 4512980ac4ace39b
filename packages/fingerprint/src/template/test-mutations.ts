import { seededRandom } from '@biofuse/core';

/**
 * Seeded damage to encoded bytes, for the fuzz tests of our decoders (templates, ISO records,
 * images): each mutant says what was done to it, so a failing assertion names its input.
 */
export interface Mutant {
  /** "flip byte 17 bit 3", "cut to 40 bytes", "count (byte 14) = 0xffffffff"... */
  readonly what: string;
  readonly bytes: Uint8Array;
}

/** A numeric field of a format, to be set to extreme values. */
export interface Field {
  readonly name: string;
  readonly at: number;
  readonly size: 1 | 2 | 4;
  readonly littleEndian: boolean;
}

/** The bytes cut to every length from 0 to one short of whole (or to `samples` seeded lengths, the short ones always among them). */
export function truncations(bytes: Uint8Array, samples = Number.POSITIVE_INFINITY, seed = 1): Mutant[] {
  const lengths = new Set<number>();
  if (samples >= bytes.length) for (let n = 0; n < bytes.length; n++) lengths.add(n);
  else {
    const r = seededRandom(seed);
    for (let n = 0; n < Math.min(64, bytes.length); n++) lengths.add(n);
    lengths.add(bytes.length - 1);
    while (lengths.size < samples) lengths.add(r.int(bytes.length));
  }
  return [...lengths].sort((a, b) => a - b).map((n) => ({ what: `cut to ${n} of ${bytes.length} bytes`, bytes: bytes.slice(0, n) }));
}

/**
 * `count` mutants, evenly of five kinds: one bit flipped, 1-4 bytes overwritten with random
 * values, 1-4 random bytes inserted, 1-4 bytes removed, and a field of `fields` set to an
 * extreme value (see extremeValues). Positions are drawn over the whole input, or over its
 * first `headBytes` bytes for half of the mutants, where the structure is densest.
 */
export function seededMutants(bytes: Uint8Array, seed: number, count: number, options: { fields?: readonly Field[]; headBytes?: number } = {}): Mutant[] {
  const r = seededRandom(seed);
  const fields = options.fields ?? [];
  const head = Math.min(options.headBytes ?? bytes.length, bytes.length);
  const out: Mutant[] = [];
  for (let k = 0; out.length < count; k++) {
    const at = (extra = 0) => r.int((k % 2 === 0 ? head : bytes.length) + extra);
    const kind = k % (fields.length > 0 ? 5 : 4);
    if (kind === 0) {
      const i = at();
      const bit = r.int(8);
      const c = bytes.slice();
      c[i] ^= 1 << bit;
      out.push({ what: `flip byte ${i} bit ${bit}`, bytes: c });
    } else if (kind === 1) {
      const c = bytes.slice();
      const changed: string[] = [];
      for (let n = 1 + r.int(4); n > 0; n--) {
        const i = at();
        c[i] = r.int(256);
        changed.push(`${i}=${c[i]}`);
      }
      out.push({ what: `overwrite bytes ${changed.join(', ')}`, bytes: c });
    } else if (kind === 2) {
      const i = at(1);
      const inserted = Uint8Array.from({ length: 1 + r.int(4) }, () => r.int(256));
      const c = new Uint8Array(bytes.length + inserted.length);
      c.set(bytes.subarray(0, i));
      c.set(inserted, i);
      c.set(bytes.subarray(i), i + inserted.length);
      out.push({ what: `insert ${inserted.join(' ')} at byte ${i}`, bytes: c });
    } else if (kind === 3) {
      const i = at();
      const n = 1 + r.int(4);
      const c = new Uint8Array(bytes.length - Math.min(n, bytes.length - i));
      c.set(bytes.subarray(0, i));
      c.set(bytes.subarray(i + n), i);
      out.push({ what: `remove ${n} bytes at byte ${i}`, bytes: c });
    } else {
      const f = fields[r.int(fields.length)];
      const values = extremeValues(f.size);
      out.push(withField(bytes, f, values[r.int(values.length)]));
    }
  }
  return out;
}

/** 0, 1, the largest value, the largest signed one and the one above it, and -1 and -2 read as unsigned. */
export function extremeValues(size: 1 | 2 | 4): number[] {
  const max = 2 ** (8 * size) - 1;
  return [0, 1, max, max - 1, (max + 1) / 2 - 1, (max + 1) / 2];
}

/** The bytes with one field set to `value` (an unsigned integer of the field's size). */
export function withField(bytes: Uint8Array, f: Field, value: number): Mutant {
  const c = bytes.slice();
  const view = new DataView(c.buffer);
  if (f.size === 1) view.setUint8(f.at, value);
  else if (f.size === 2) view.setUint16(f.at, value, f.littleEndian);
  else view.setUint32(f.at, value, f.littleEndian);
  return { what: `${f.name} (byte ${f.at}) = ${value} (0x${value.toString(16)})`, bytes: c };
}
