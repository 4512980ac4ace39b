/**
 * Seeded mutations of signature files for the fuzz tests: each takes the file and a Random and
 * returns a damaged copy with a short description (for the assertion message, so a failure
 * names the mutant that caused it and can be replayed from the seed).
 */
import type { Random } from '@biofuse/core';

export interface Mutant {
  readonly what: string;
  readonly bytes: Uint8Array;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Number-shaped tokens a damaged or hostile file holds instead of a sample value. */
export const BAD_NUMBERS = ['NaN', 'Infinity', '-Infinity', '-1', '1e308', '-1e308', '1e400', '', '0x1F', '-0', '1e-320', '1.5', '+3', '1,5', 'null', '9'.repeat(400)];

const pick = <T>(rng: Random, items: readonly T[]): T => items[rng.int(items.length)];

/** `count` lengths in [0, n): every one when there are few, else a seeded sample that always keeps the first and last few. */
export function truncationLengths(n: number, count: number, rng: Random): number[] {
  if (n <= count) return Array.from({ length: n }, (_, k) => k);
  const edges = [0, 1, 2, 3, n - 3, n - 2, n - 1].filter((k) => k >= 0 && k < n);
  const chosen = new Set(edges);
  while (chosen.size < count) chosen.add(rng.int(n));
  return [...chosen].sort((a, b) => a - b);
}

/** A copy in memory of its own (a Node Buffer's slice() is a view, and would damage the original). */
const copy = (bytes: Uint8Array) => new Uint8Array(bytes);

export function byteFlip(bytes: Uint8Array, rng: Random): Mutant {
  const out = copy(bytes);
  const at = rng.int(out.length);
  const how = rng.int(3);
  const before = out[at];
  if (how === 0) out[at] ^= 1 << rng.int(8);
  else if (how === 1) out[at] = rng.int(256);
  else out[at] = pick(rng, [0x00, 0xff, 0x0d, 0x0a, 0x20, 0x2d, 0x2e, 0x65, 0x30, 0x39]);
  return { what: `byte ${at}: ${before} -> ${out[at]}`, bytes: out };
}

/** Random bytes written over, inserted into or appended to the file, or a file of them alone. */
export function garbage(bytes: Uint8Array, rng: Random): Mutant {
  const junk = Uint8Array.from({ length: 1 + rng.int(64) }, () => rng.int(256));
  const at = rng.int(bytes.length + 1);
  switch (rng.int(4)) {
    case 0: {
      const out = copy(bytes);
      out.set(junk.subarray(0, Math.max(0, out.length - at)), at);
      return { what: `${junk.length} random bytes over byte ${at}`, bytes: out };
    }
    case 1:
      return { what: `${junk.length} random bytes inserted at ${at}`, bytes: concat(bytes.subarray(0, at), junk, bytes.subarray(at)) };
    case 2:
      return { what: `${junk.length} random bytes appended`, bytes: concat(bytes, junk) };
    default: {
      const all = Uint8Array.from({ length: rng.int(2 * bytes.length + 1) }, () => rng.int(256));
      return { what: `a file of ${all.length} random bytes`, bytes: all };
    }
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Line-level damage to a text file: a line deleted, duplicated or swapped with another, a cell
 * dropped, added or replaced by a bad number, a count that disagrees or is huge, other line
 * ends, a byte-order mark. `separator` splits a line into cells (SVC2004: spaces; CSV: commas);
 * `countLine` says whether line 1 is a point count.
 */
export function textMutation(text: string, rng: Random, separator: ' ' | ',', countLine: boolean): Mutant {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const body = () => 1 + rng.int(lines.length - 1);
  const out = (what: string, changed: string[], end = '\n') => ({ what, bytes: enc.encode(`${changed.join(end)}${end}`) });
  const kinds = ['delete', 'duplicate', 'swap', 'drop cell', 'add cell', 'bad number', 'bad number', 'bad number', 'crlf', 'cr', 'bom', 'blank line', 'count'];
  const kind = pick(rng, countLine ? kinds : kinds.filter((k) => k !== 'count'));
  const changed = lines.slice();
  switch (kind) {
    case 'delete': {
      const i = rng.int(lines.length);
      changed.splice(i, 1);
      return out(`line ${i + 1} deleted`, changed);
    }
    case 'duplicate': {
      const i = body();
      changed.splice(i, 0, lines[i]);
      return out(`line ${i + 1} duplicated`, changed);
    }
    case 'swap': {
      const [i, j] = [body(), body()];
      [changed[i], changed[j]] = [changed[j], changed[i]];
      return out(`lines ${i + 1} and ${j + 1} swapped`, changed);
    }
    case 'drop cell':
    case 'add cell': {
      const i = body();
      const cells = lines[i].split(separator);
      const c = rng.int(cells.length);
      if (kind === 'drop cell') cells.splice(c, 1);
      else cells.splice(c, 0, String(rng.int(1000)));
      changed[i] = cells.join(separator);
      return out(`line ${i + 1}: cell ${c + 1} ${kind === 'drop cell' ? 'dropped' : 'added'}`, changed);
    }
    case 'bad number': {
      const i = rng.next() < 0.1 ? 0 : body();
      const cells = lines[i].split(separator);
      const c = rng.int(cells.length);
      cells[c] = pick(rng, BAD_NUMBERS);
      changed[i] = cells.join(separator);
      return out(`line ${i + 1}: cell ${c + 1} -> ${JSON.stringify(cells[c].slice(0, 20))}`, changed);
    }
    case 'crlf':
      return out('CRLF line ends', changed, '\r\n');
    case 'cr':
      return out('CR line ends', changed, '\r');
    case 'bom':
      return { what: 'a UTF-8 byte-order mark', bytes: concat(Uint8Array.of(0xef, 0xbb, 0xbf), enc.encode(text)) };
    case 'blank line': {
      const i = rng.int(lines.length + 1);
      changed.splice(i, 0, pick(rng, ['', ' ', '\t']));
      return out(`a blank line before line ${i + 1}`, changed);
    }
    default: {
      const n = lines.length - 1;
      changed[0] = pick(rng, [String(n + 1), String(n - 1), '0', '1', String(2 * n), '4294967296', '9'.repeat(30), `${n} `, ` ${n}`, `0${n}`]);
      return out(`count line -> ${JSON.stringify(changed[0])}`, changed);
    }
  }
}

/** Values a JSON point may hold instead of a number, written as they stand (1e400 and NaN are no JSON numbers JSON.stringify would write). */
const BAD_JSON_VALUES = ['NaN', 'Infinity', '-1', '1e308', '-1e308', '1e400', '""', '"12"', 'null', 'true', '[]', '{}', '0x1F', '-0', '1e-320'];

/** Damage to a JSON pen-point file: a point deleted, duplicated or swapped, a key dropped or added, a value replaced, the list not a list. */
export function jsonMutation(text: string, rng: Random): Mutant {
  const doc = JSON.parse(text) as { points: Record<string, unknown>[] };
  const points = doc.points;
  const i = rng.int(points.length);
  const keys = Object.keys(points[i]);
  const key = pick(rng, keys);
  let what: string;
  let written = (json: string) => json;
  switch (pick(rng, ['delete', 'duplicate', 'swap', 'drop key', 'add key', 'value', 'value', 'value', 'shape'])) {
    case 'delete':
      points.splice(i, 1);
      what = `point ${i + 1} deleted`;
      break;
    case 'duplicate':
      points.splice(i, 0, { ...points[i] });
      what = `point ${i + 1} duplicated`;
      break;
    case 'swap': {
      const j = rng.int(points.length);
      [points[i], points[j]] = [points[j], points[i]];
      what = `points ${i + 1} and ${j + 1} swapped`;
      break;
    }
    case 'drop key':
      delete points[i][key];
      what = `point ${i + 1}: "${key}" dropped`;
      break;
    case 'add key':
      points[i][pick(rng, ['pen_down', 'X', 'time', 'pressure ', 'tilt'])] = 1;
      what = `point ${i + 1}: a key added`;
      break;
    case 'value': {
      const bad = pick(rng, BAD_JSON_VALUES);
      points[i][key] = '\u0000bad';
      written = (json) => json.replace('"\\u0000bad"', bad);
      what = `point ${i + 1}: "${key}" -> ${bad}`;
      break;
    }
    default: {
      const shape = pick(rng, ['[]', '{}', '{"points": {}}', '{"points": null}', '{"points": [[]]}', '{"points": [null]}', '{"points": [1, 2]}', '"points"']);
      return { what: `the document is ${shape}`, bytes: enc.encode(shape) };
    }
  }
  return { what, bytes: enc.encode(written(JSON.stringify(doc, null, 1))) };
}

export const asText = (bytes: Uint8Array) => dec.decode(bytes);
export const asBytes = (text: string) => enc.encode(text);
