import type { ComparisonScores, SystemScores } from '../src/sources/comparison-scores';

/**
 * Test data: the given comparisons (subjects are their own probe and reference ids, the kind
 * follows the label) with the systems `systems` makes from the labels.
 */
export function comparisonScores(probe: string[], reference: string[], label: Uint8Array, systems: (label: Uint8Array) => SystemScores[]): ComparisonScores {
  return {
    probe,
    reference,
    probeSubject: probe,
    referenceSubject: reference,
    label,
    kind: Array.from(label, (l) => (l ? 'genuine' : 'impostor')),
    systems: systems(label),
    skipped: [],
    dataFiles: [],
  };
}

/** Every subject compared with every subject (genuine on the diagonal). */
export function allPairsScores(subjects: readonly string[], systems: (label: Uint8Array) => SystemScores[]): ComparisonScores {
  const probe: string[] = [];
  const reference: string[] = [];
  for (const u of subjects) for (const w of subjects) (probe.push(u), reference.push(w));
  return comparisonScores(probe, reference, Uint8Array.from(probe, (u, i) => (u === reference[i] ? 1 : 0)), systems);
}
