/**
 * cos / sin of 2 pi * cycles * n / span for n = 0..length-1, one row of `length` per wave (a
 * wave makes `cycles` turns in `span` samples): the Fourier sums over a cross-flow signature.
 */
export interface FourierRows {
  readonly count: number;
  readonly length: number;
  readonly cos: Float32Array;
  readonly sin: Float32Array;
}

/** A wave as [cycles, span]: the ridge-period grid gives [1, period], the coarse DFT bins [k, length]. */
export type Wave = readonly [cycles: number, span: number];

/** Built once per signature length and set of waves, for the life of the process (a few KB each). */
const cache = new Map<string, FourierRows>();

/** The rows for these waves; callers look them up once per image, not per block. */
export function fourierRows(length: number, waves: readonly Wave[]): FourierRows {
  const key = `${length}|${waves.join(';')}`;
  let rows = cache.get(key);
  if (rows) return rows;
  const cos = new Float32Array(waves.length * length);
  const sin = new Float32Array(waves.length * length);
  waves.forEach(([cycles, span], w) => {
    for (let n = 0; n < length; n++) {
      // One expression for every table: the numbers do not depend on which measure asked.
      const angle = (2 * Math.PI * cycles * n) / span;
      cos[w * length + n] = Math.cos(angle);
      sin[w * length + n] = Math.sin(angle);
    }
  });
  rows = { count: waves.length, length, cos, sin };
  cache.set(key, rows);
  return rows;
}

/** |F|^2 of the signature less its mean at row `row`'s wave: the power both period measures sum or compare. */
export function rowPower(signature: Float32Array, mean: number, rows: FourierRows, row: number): number {
  const L = signature.length;
  const at = row * L;
  let re = 0;
  let im = 0;
  for (let k = 0; k < L; k++) {
    const v = signature[k] - mean;
    re += v * rows.cos[at + k];
    im += v * rows.sin[at + k];
  }
  return re * re + im * im;
}
