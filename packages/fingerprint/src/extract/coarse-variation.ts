import { fourierRows, rowPower, type FourierRows } from './fourier-rows';
import { isFlatSignature, signatureMoments, type SignatureMoments } from './signature-moments';

/**
 * How much of a cross-flow signature's variance lies at periods coarser than any ridge: the
 * whole-window DFT bins whose period (window / k) exceeds `maxPeriod` (40 and 20 px for the
 * default 40-sample window and 16 px band). Across ridges the grey level swings at the ridge
 * period; across a cheek, a collar or a hairline it changes slowly, so in a photograph these
 * bins hold most of the variance over most of the area, even where hair or stripes give a
 * measurable "period" nearby. `coarse` is coarseRows(signature.length, maxPeriod), looked up
 * once by the caller rather than once a block.
 */
export function coarseVariationShare(signature: Float32Array, coarse: FourierRows, moments: SignatureMoments = signatureMoments(signature)): number {
  const L = signature.length;
  if (isFlatSignature(moments, L)) return 0;
  const { mean, sumSquares } = moments;
  let power = 0;
  for (let b = 0; b < coarse.count; b++) power += rowPower(signature, mean, coarse, b);
  // Parseval: a sinusoid at bin k puts (L/2) * its sum of squared deviations into |F_k|^2.
  return (2 * power) / (L * sumSquares);
}

/** The DFT bins k = 1, 2, ... of a `length`-sample window whose period (length / k) exceeds `maxPeriod`. */
export function coarseRows(length: number, maxPeriod: number): FourierRows {
  const bins = Math.max(0, Math.ceil(length / maxPeriod) - 1);
  return fourierRows(length, Array.from({ length: bins }, (_, b) => [b + 1, length] as const));
}
