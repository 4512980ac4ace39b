/** Small numeric helpers shared by the matcher's stages (angles live with the minutiae, in template/minutiae.ts). */

/** Logistic sigmoid Z(v, mu, tau) = 1 / (1 + e^(-tau (v - mu))). */
export function sigmoid(v: number, mu: number, tau: number): number {
  return 1 / (1 + Math.exp(-tau * (v - mu)));
}
