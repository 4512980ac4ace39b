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
