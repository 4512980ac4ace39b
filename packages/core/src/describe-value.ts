/**
 * A value named in an error message, whatever it is ("nothing" where a field is missing).
 * JSON.stringify prints a function or a symbol as undefined and throws on a BigInt or a cyclic
 * object; String() throws on an object without a prototype (`Object.create(null)`), so neither
 * may see a value from a caller.
 */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'function':
      return 'a function';
    case 'string':
      return JSON.stringify(v);
    case 'object':
      return 'an object';
    case 'undefined':
      return 'nothing';
    default:
      return `${typeof v} ${String(v)}`;
  }
}

/** As describeValue, but a number as itself: for messages about a number's range ("must be in [0, 20], got 25"). */
export const describeNumber = (v: unknown): string => (typeof v === 'number' ? String(v) : describeValue(v));
