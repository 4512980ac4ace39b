import { cmc, probeOutcomes } from '@biofuse/core';
import type { ComparisonScores } from '../sources/comparison-scores';

export interface IdentificationSummary {
  readonly system: string;
  readonly probes: number;
  readonly identities: number;
  readonly rank1: number;
  /**
   * cmc[r - 1]: share of the probes enrolled in the gallery whose mate is within rank r. A probe
   * that failed, or whose comparison with its mate failed, is a miss at every rank.
   */
  readonly cmc: readonly number[];
  /** Comparisons of the matrix that could not be made (NaN): they return no candidate. */
  readonly failedComparisons: number;
  /** Probes none of whose comparisons could be made (failed to acquire). */
  readonly failedProbes: number;
}

/**
 * Closed-set identification (1:N) from a run's comparisons, where every probe was compared with
 * the same gallery (a full score matrix, as BSSR1): each probe row is ranked against all
 * gallery identities. Returns undefined when the comparisons do not form such a matrix.
 */
export function identificationSummaries(data: ComparisonScores, maxRank: number): IdentificationSummary[] | undefined {
  const probes: string[] = [];
  const probeIds: string[] = [];
  const probeIndex = new Map<string, number>();
  const gallery: string[] = [];
  const galleryIds: string[] = [];
  const galleryIndex = new Map<string, number>();
  for (let i = 0; i < data.label.length; i++) {
    if (!probeIndex.has(data.probe[i])) {
      probeIndex.set(data.probe[i], probes.length);
      probes.push(data.probe[i]);
      probeIds.push(data.probeSubject[i]);
    }
    if (!galleryIndex.has(data.reference[i])) {
      galleryIndex.set(data.reference[i], gallery.length);
      gallery.push(data.reference[i]);
      galleryIds.push(data.referenceSubject[i]);
    }
  }
  if (probes.length * gallery.length !== data.label.length) return undefined;
  const filled = new Uint8Array(probes.length * gallery.length);
  const cell = new Int32Array(data.label.length);
  for (let i = 0; i < data.label.length; i++) {
    const c = probeIndex.get(data.probe[i])! * gallery.length + galleryIndex.get(data.reference[i])!;
    if (filled[c]) return undefined;
    filled[c] = 1;
    cell[i] = c;
  }
  return data.systems.map((s) => {
    const scores = new Float64Array(probes.length * gallery.length);
    let failedComparisons = 0;
    for (let i = 0; i < data.label.length; i++) {
      scores[cell[i]] = s.scores[i];
      if (Number.isNaN(s.scores[i])) failedComparisons++;
    }
    const outcome = probeOutcomes({ scores, probeIds, galleryIds });
    const curve = cmc(outcome, Math.min(maxRank, outcome.identities));
    const failedProbes = outcome.failed.reduce((n, f) => n + f, 0);
    return { system: s.name, probes: probes.length, identities: outcome.identities, rank1: curve[0], cmc: Array.from(curve), failedComparisons, failedProbes };
  });
}

