import { isFlatSignature, signatureMoments, type SignatureMoments } from './signature-moments';

/**
 * How much of a cross-flow signature's variance lies at periods coarser than any ridge: the
 * whole-window DFT bins whose period (window / k) exceeds `maxPeriod` (40 and 20 px for the
 * default 40-sample window and 16 px band). Across ridges the grey level swings at the ridge
 * period; across a cheek, a collar or a hairline it changes slowly, so in a photograph these
 * bins hold most of the variance over most of the area, even where hair or stripes give a
 * measurable "period" nearby.
 */
export function coarseVariationShare(signature: Float32Array, maxPeriod: number, moments: SignatureMoments = signatureMoments(signature)): number {
  const L = signature.length;
  if (isFlatSignature(moments, L)) return 0;
  const { mean, sumSquares: variance } = moments;
  const table = coarseTable(L, maxPeriod);
  let power = 0;
  for (let b = 0; b < table.bins; b++) {
    const row = b * L;
    let re = 0;
    let im = 0;
    for (let k = 0; k < L; k++) {
      const v = signature[k] - mean;
      re += v * table.cos[row + k];
      im += v * table.sin[row + k];
    }
    power += re * re + im * im;
  }
  // Parseval: a sinusoid at bin k puts (L/2) * its variance into |F_k|^2.
  return (2 * power) / (L * variance);
}

interface CoarseTable {
  readonly bins: number;
  /** cos / sin of 2 pi k n / L for k = 1..bins, one row of L per bin. */
  readonly cos: Float32Array;
  readonly sin: Float32Array;
}

const coarseTables = new Map<string, CoarseTable>();

function coarseTable(length: number, maxPeriod: number): CoarseTable {
  const key = `${length}/${maxPeriod}`;
  let t = coarseTables.get(key);
  if (t) return t;
  // Bins k with a period length / k longer than the longest ridge period.
  const bins = Math.max(0, Math.ceil(length / maxPeriod) - 1);
  const cos = new Float32Array(bins * length);
  const sin = new Float32Array(bins * length);
  for (let b = 0; b < bins; b++) {
    for (let n = 0; n < length; n++) {
      cos[b * length + n] = Math.cos((2 * Math.PI * (b + 1) * n) / length);
      sin[b * length + n] = Math.sin((2 * Math.PI * (b + 1) * n) / length);
    }
  }
  t = { bins, cos, sin };
  coarseTables.set(key, t);
  return t;
}
