/**
 * A number written as a plain decimal (sign, digits, point, exponent; surrounding blanks
 * allowed), or NaN for anything else. Number() alone reads '' and ' ' as 0 and '0x1F' as 31,
 * which turned blank cells and typos in data files and on command lines into silent values.
 * `Infinity` and `-Infinity` are accepted only with `infinity: true` (biofuse writes them for
 * a comparison that found no alignment); a decimal beyond the largest double (1e999), which
 * Number() reads as Infinity, is NaN with or without it. decimalRefusal says which it was.
 */
export function parseDecimal(text: string, opts: { readonly infinity?: boolean } = {}): number {
  const t = text.trim();
  if (opts.infinity && (t === 'Infinity' || t === '+Infinity')) return Number.POSITIVE_INFINITY;
  if (opts.infinity && t === '-Infinity') return Number.NEGATIVE_INFINITY;
  const v = DECIMAL.test(t) ? Number(t) : Number.NaN;
  return Number.isFinite(v) ? v : Number.NaN;
}

/**
 * Why parseDecimal refused `text` (call it only for text it refused), as the rest of a sentence
 * that names it ("cell 3 is not a number"): a decimal beyond the largest double is a number, only
 * too large to hold, and a message calling 1e999 "not a number" sent the reader looking for a typo.
 */
export function decimalRefusal(text: string): string {
  return DECIMAL.test(text.trim()) ? 'is beyond the largest number (about ±1.8e308)' : 'is not a number';
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
