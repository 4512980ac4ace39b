/** Small angle and distance helpers shared by the matcher's stages. */

const TWO_PI = 2 * Math.PI;

/** a - b wrapped into [-pi, pi) (MCC's d_theta). */
export function angleDifference(a: number, b: number): number {
  let d = a - b;
  if (d < -Math.PI) d += TWO_PI;
  else if (d >= Math.PI) d -= TWO_PI;
  // Inputs outside [0, 2pi) may still be out of range after one step.
  if (d < -Math.PI || d >= Math.PI) d = d - TWO_PI * Math.floor((d + Math.PI) / TWO_PI);
  return d;
}

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
