import { byCodeUnits } from '@biofuse/core';

/**
 * JSON for results files: typed arrays become arrays and non-finite numbers become the strings
 * "Infinity", "-Infinity" and "NaN" (plain JSON would turn them into null and lose them).
 */
export function resultsJson(value: unknown): string {
  return `${JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    2,
  )}\n`;
}

/** Reads back what resultsJson wrote, restoring the non-finite numbers. */
export function parseResultsJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) =>
    v === 'Infinity' ? Number.POSITIVE_INFINITY : v === '-Infinity' ? Number.NEGATIVE_INFINITY : v === 'NaN' ? Number.NaN : v,
  );
}

/**
 * A value as JSON would write it, with object keys in code-unit order at every depth: typed
 * arrays become arrays, undefined members are left out, non-finite numbers stay (the results
 * writer spells them out).
 */
export function withSortedKeys(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map((v: unknown) => (v === undefined ? null : withSortedKeys(v)));
  if (typeof value !== 'object' || value === null) return value;
  // fromEntries defines each key as its own: a key "__proto__" stays a key.
  const entries = Object.keys(value).sort(byCodeUnits).map((key) => [key, (value as Record<string, unknown>)[key]] as const);
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined).map(([key, v]) => [key, withSortedKeys(v)]));
}
