/**
 * A number written as a plain decimal (sign, digits, point, exponent; surrounding blanks
 * allowed), or NaN for anything else. Number() alone reads '' and ' ' as 0 and '0x1F' as 31,
 * which turned blank cells and typos in data files and on command lines into silent values.
 * `Infinity` and `-Infinity` are accepted only with `infinity: true` (biofuse writes them for
 * a comparison that found no alignment); a decimal beyond the largest double (1e999), which
 * Number() reads as Infinity, is NaN with or without it.
 */
export function parseDecimal(text: string, opts: { readonly infinity?: boolean } = {}): number {
  const t = text.trim();
  if (opts.infinity && (t === 'Infinity' || t === '+Infinity')) return Number.POSITIVE_INFINITY;
  if (opts.infinity && t === '-Infinity') return Number.NEGATIVE_INFINITY;
  const v = DECIMAL.test(t) ? Number(t) : Number.NaN;
  return Number.isFinite(v) ? v : Number.NaN;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
