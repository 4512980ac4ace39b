import { MetricsInputError } from '../errors';
import { checkThreshold } from './check-threshold';

/**
 * Identification (1:N) metrics from a probe x gallery similarity matrix. Gallery entries are
 * collapsed to one score per identity (the maximum over the entries that were compared) before
 * ranking; ties rank against the mate (pessimistic), so a constant matcher never looks good.
 *
 * A NaN cell is a comparison that could not be made (ISO/IEC 19795-1): it returns no candidate.
 * - A probe whose whole row is NaN failed to acquire: it is never identified (a miss in the CMC
 *   and in FNIR, which count it in their denominators) and never raises a false alarm (FPIR
 *   counts it as a non-mated transaction that returned nothing).
 * - A probe with some NaN cells is ranked among the identities it was compared with. When no
 *   comparison with its mate was made (the mate's reference failed to enrol, or the comparison
 *   failed), it cannot be identified: its mate rank is Infinity, a miss at every rank and
 *   threshold, still counted among the mated probes. A non-mate it could not be compared with
 *   is not a candidate, as the system would not have returned it.
 * Treating one NaN cell as a failure of the whole row turned every probe into a miss as soon
 * as one gallery reference had failed (BSSR1 face-C: rank-1 0 instead of 0.884).
 */
export interface IdentificationInput {
  /** Row-major probes x gallery-entries similarities; NaN where a comparison could not be made. */
  readonly scores: Float64Array;
  readonly probeIds: readonly string[];
  readonly galleryIds: readonly string[];
}

export interface ProbeOutcome {
  /** 1-based rank of the probe's mate; Infinity when absent from the gallery, never compared, or failed. */
  readonly mateRank: Float64Array;
  /** The mate's score (NaN when absent, never compared, or failed). */
  readonly mateScore: Float64Array;
  /**
   * The best non-mate (or, for non-mated probes, best overall) score among the comparisons made;
   * -Infinity when no such comparison was made, NaN when the probe failed.
   */
  readonly topNonMateScore: Float64Array;
  /** 1 when the probe's identity is enrolled in the gallery. */
  readonly mated: Uint8Array;
  /** 1 when the probe failed to acquire (its whole row is NaN). */
  readonly failed: Uint8Array;
  readonly identities: number;
}

export function probeOutcomes(input: IdentificationInput): ProbeOutcome {
  const { scores, probeIds, galleryIds } = input;
  const nP = probeIds.length;
  const nG = galleryIds.length;
  if (scores.length !== nP * nG) {
    throw new MetricsInputError(`score matrix has ${scores.length} cells, expected ${nP} x ${nG}`);
  }
  if (nG === 0) throw new MetricsInputError('identification needs a non-empty gallery');
  const identityIndex = new Map<string, number>();
  const entryIdentity = new Int32Array(nG);
  for (let j = 0; j < nG; j++) {
    let id = identityIndex.get(galleryIds[j]);
    if (id === undefined) identityIndex.set(galleryIds[j], (id = identityIndex.size));
    entryIdentity[j] = id;
  }
  const nId = identityIndex.size;
  // Per identity, the best score of its entries that were compared; NaN while none was.
  const best = new Float64Array(nId);
  const out = {
    mateRank: new Float64Array(nP),
    mateScore: new Float64Array(nP),
    topNonMateScore: new Float64Array(nP),
    mated: new Uint8Array(nP),
    failed: new Uint8Array(nP),
    identities: nId,
  };
  for (let p = 0; p < nP; p++) {
    best.fill(Number.NaN);
    let missing = 0;
    for (let j = 0; j < nG; j++) {
      const s = scores[p * nG + j];
      if (Number.isNaN(s)) {
        missing++;
        continue;
      }
      const id = entryIdentity[j];
      if (!(s <= best[id])) best[id] = s; // also true while best[id] is NaN
    }
    const mate = identityIndex.get(probeIds[p]);
    out.mated[p] = mate === undefined ? 0 : 1;
    if (missing === nG) {
      out.failed[p] = 1;
      out.mateRank[p] = Number.POSITIVE_INFINITY;
      out.mateScore[p] = Number.NaN;
      out.topNonMateScore[p] = Number.NaN;
      continue;
    }
    let topNonMate = Number.NEGATIVE_INFINITY;
    let atOrAbove = 0;
    const mateScore = mate === undefined ? Number.NaN : best[mate];
    // Identities never compared (NaN) fail both tests: they are not candidates.
    for (let id = 0; id < nId; id++) {
      if (id === mate) continue;
      if (best[id] > topNonMate) topNonMate = best[id];
      if (best[id] >= mateScore) atOrAbove++;
    }
    out.mateScore[p] = mateScore;
    out.topNonMateScore[p] = topNonMate;
    out.mateRank[p] = Number.isNaN(mateScore) ? Number.POSITIVE_INFINITY : atOrAbove + 1;
  }
  return out;
}

/**
 * Cumulative match characteristic: cmc[r-1] = share of mated probes whose mate is within rank r,
 * for r = 1..maxRank. Failed mated probes, and those never compared with their mate, count as
 * misses. Ranks past the number of identities repeat the last rate.
 */
export function cmc(outcome: ProbeOutcome, maxRank = Math.min(outcome.identities, 50)): Float64Array {
  checkRank('cmc: maxRank', maxRank);
  let mated = 0;
  const hits = new Float64Array(maxRank);
  for (let p = 0; p < outcome.mated.length; p++) {
    if (!outcome.mated[p]) continue;
    mated++;
    const r = outcome.mateRank[p];
    if (r <= maxRank) hits[r - 1]++;
  }
  if (mated === 0) throw new MetricsInputError('CMC needs at least one probe whose identity is in the gallery');
  let acc = 0;
  for (let r = 0; r < maxRank; r++) {
    acc += hits[r];
    hits[r] = acc / mated;
  }
  return hits;
}

/** Rank-k identification rate (closed set). */
export function rankAccuracy(outcome: ProbeOutcome, k: number): number {
  checkRank('rankAccuracy: k', k);
  return cmc(outcome, k)[k - 1];
}

/**
 * Open-set identification at a threshold (ISO/IEC 19795-1): FPIR = share of non-mated probes
 * whose best candidate scores >= threshold; FNIR = share of mated probes whose mate is not
 * returned within `rank` at or above the threshold. A probe that failed to acquire counts in
 * its class's denominator: a false negative when mated, no false positive when not. A mated
 * probe never compared with its mate is a false negative at every threshold.
 */
export function openSetRates(
  outcome: ProbeOutcome,
  threshold: number,
  rank = 1,
): { fpir: number; fnir: number; mated: number; nonMated: number } {
  checkThreshold('openSetRates', threshold);
  checkRank('openSetRates: rank', rank);
  let mated = 0;
  let nonMated = 0;
  let falseNegatives = 0;
  let falsePositives = 0;
  for (let p = 0; p < outcome.mated.length; p++) {
    if (outcome.mated[p]) {
      mated++;
      const found = outcome.mateRank[p] <= rank && outcome.mateScore[p] >= threshold;
      if (!found) falseNegatives++;
    } else {
      nonMated++;
      if (!outcome.failed[p] && outcome.topNonMateScore[p] >= threshold) falsePositives++;
    }
  }
  return {
    fpir: nonMated === 0 ? Number.NaN : falsePositives / nonMated,
    fnir: mated === 0 ? Number.NaN : falseNegatives / mated,
    mated,
    nonMated,
  };
}

/** Ranks are 1-based candidate-list positions: rank 0 read past the CMC (undefined) and -1 threw a RangeError. */
function checkRank(what: string, rank: number): void {
  if (!(Number.isInteger(rank) && rank >= 1)) throw new MetricsInputError(`${what} must be a whole number >= 1, got ${rank}`);
}
