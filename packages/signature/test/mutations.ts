/**
 * Seeded mutations of signature files that know their formats (text lines, JSON points), for the
 * fuzz tests: each takes the file and a Random and returns a damaged copy with a short description
 * (for the assertion message, so a failure names the mutant that caused it and can be replayed
 * from the seed). Damage to bytes that knows no format is core's (seededMutants, truncations).
 */
import type { Random } from '@biofuse/core';
import type { Mutant } from '@biofuse/core/testing';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Number-shaped tokens a damaged or hostile file holds instead of a sample value. */
export const BAD_NUMBERS = ['NaN', 'Infinity', '-Infinity', '-1', '1e308', '-1e308', '1e400', '', '0x1F', '-0', '1e-320', '1.5', '+3', '1,5', 'null', '9'.repeat(400)];

const pick = <T>(rng: Random, items: readonly T[]): T => items[rng.int(items.length)];

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
      return { what: 'a UTF-8 byte-order mark', bytes: Uint8Array.of(0xef, 0xbb, 0xbf, ...enc.encode(text)) };
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
