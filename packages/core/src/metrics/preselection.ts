import { MetricsInputError } from '../errors';

/** The pre-selection error of a shortlist that passes a share of the gallery on. */
export interface PreselectionPoint {
  /** Share of the gallery passed to the full comparator. */
  readonly penetrationRate: number;
  /** Entries in the shortlist: ceil(penetrationRate x gallery size). */
  readonly listLength: number;
  /** Share of mated probes whose mate is not in the shortlist (failed probes included). */
  readonly error: number;
}

/**
 * Pre-selection error against penetration rate (ISO/IEC 19795-1): the trade-off of a 1:N system
 * that ranks the whole gallery cheaply (a fixed-length vector, a classification) and compares
 * only the top share of it in full. `mateRanks` holds, per mated probe, the 1-based rank of its
 * mate in the pre-selector's ordering (ties counted against the mate, as `probeOutcomes` does);
 * a probe that failed to acquire, or whose mate the pre-selector cannot rank, is Infinity or
 * NaN and counts as an error at every penetration rate.
 */
export function preselectionErrors(mateRanks: ArrayLike<number>, gallerySize: number, penetrationRates: readonly number[]): PreselectionPoint[] {
  if (!Number.isInteger(gallerySize) || gallerySize < 1) throw new MetricsInputError(`gallery size must be a positive integer, got ${gallerySize}`);
  if (mateRanks.length === 0) throw new MetricsInputError('pre-selection error needs at least one mated probe');
  for (let p = 0; p < mateRanks.length; p++) {
    const r = mateRanks[p];
    if (Number.isNaN(r) || r === Number.POSITIVE_INFINITY) continue;
    if (!Number.isInteger(r) || r < 1 || r > gallerySize) throw new MetricsInputError(`mate rank ${r} of probe ${p} is not in 1..${gallerySize} (use Infinity for a failure)`);
  }
  return penetrationRates.map((penetrationRate) => {
    if (!(penetrationRate > 0 && penetrationRate <= 1)) throw new MetricsInputError(`penetration rate must be in (0, 1], got ${penetrationRate}`);
    // The tolerance keeps 0.005 x 100,000 at 500 entries despite binary fractions.
    const listLength = Math.max(1, Math.min(gallerySize, Math.ceil(penetrationRate * gallerySize - 1e-9)));
    let missed = 0;
    for (let p = 0; p < mateRanks.length; p++) if (!(mateRanks[p] <= listLength)) missed++;
    return { penetrationRate, listLength, error: missed / mateRanks.length };
  });
}
