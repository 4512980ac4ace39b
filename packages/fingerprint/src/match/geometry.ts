/** Small numeric helpers shared by the matcher's stages (angles live with the minutiae, in template/minutiae.ts). */

/** Logistic sigmoid Z(v, mu, tau) = 1 / (1 + e^(-tau (v - mu))). */
export function sigmoid(v: number, mu: number, tau: number): number {
  return 1 / (1 + Math.exp(-tau * (v - mu)));
}

/** Error function (Abramowitz and Stegun 7.1.26, |error| < 1.5e-7). */
export function erf(v: number): number {
  const s = v < 0 ? -1 : 1;
  const x = Math.abs(v);
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return s * y;
}
