/** Mean of a cross-flow signature and the sum of its squared deviations from it. */
export interface SignatureMoments {
  readonly mean: number;
  readonly sumSquares: number;
}

/**
 * Below this mean squared deviation a signature is flat: the input is contrast-normalised (unit
 * local deviation), so it holds no ridges and no structure to judge.
 */
const FLAT_MEAN_SQUARE = 0.1;

/** Two passes (mean, then squared deviations): the ridge-period and coarse-variation measures share them. */
export function signatureMoments(s: Float32Array): SignatureMoments {
  const L = s.length;
  let mean = 0;
  for (let k = 0; k < L; k++) mean += s[k];
  mean /= L;
  let sumSquares = 0;
  for (let k = 0; k < L; k++) sumSquares += (s[k] - mean) ** 2;
  return { mean, sumSquares };
}

export function isFlatSignature(m: SignatureMoments, length: number): boolean {
  return m.sumSquares / length < FLAT_MEAN_SQUARE;
}
