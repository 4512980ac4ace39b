import { ConfigError, type Random } from '@biofuse/core';

/** The five Henry classes that SFinGe generates. */
export type FingerprintClass = 'arch' | 'tented_arch' | 'left_loop' | 'right_loop' | 'whorl';

export const FINGERPRINT_CLASSES: readonly FingerprintClass[] = ['arch', 'tented_arch', 'left_loop', 'right_loop', 'whorl'];

/** How often each class occurs in nature (Wilson, Candela & Watson, NIST, as used by SFinGe). */
export const NATURAL_CLASS_FREQUENCIES: Readonly<Record<FingerprintClass, number>> = Object.freeze({
  arch: 0.037,
  tented_arch: 0.029,
  left_loop: 0.338,
  right_loop: 0.317,
  whorl: 0.279,
});

/**
 * Draws a class with the given relative frequencies (they need not sum to 1). Uses exactly one
 * number from `rng`, the first a master print draws, so the class of a seed is cheap to know.
 */
export function drawFingerprintClass(rng: Random, frequencies: Readonly<Partial<Record<FingerprintClass, number>>> = NATURAL_CLASS_FREQUENCIES): FingerprintClass {
  let total = 0;
  for (const c of FINGERPRINT_CLASSES) {
    const f = frequencies[c] ?? 0;
    if (!(f >= 0) || !Number.isFinite(f)) throw new ConfigError(`class frequency of ${c} must be a finite number >= 0`);
    total += f;
  }
  if (total <= 0) throw new ConfigError('class frequencies must not all be 0');
  let u = rng.next() * total;
  let last: FingerprintClass = 'arch';
  for (const c of FINGERPRINT_CLASSES) {
    const f = frequencies[c] ?? 0;
    if (f <= 0) continue;
    last = c;
    if (u < f) return c;
    u -= f;
  }
  return last;
}
