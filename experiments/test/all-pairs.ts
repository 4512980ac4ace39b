import type { ComparisonScores, SystemScores } from '../src/sources/comparison-scores';

/**
 * Test data: every subject compared with every subject (genuine on the diagonal), with the
 * systems `systems` makes from the rows' labels. Subjects are their own probe and reference ids.
 */
export function allPairsScores(subjects: readonly string[], systems: (label: Uint8Array) => SystemScores[]): ComparisonScores {
  const probe: string[] = [];
  const reference: string[] = [];
  for (const u of subjects) for (const w of subjects) (probe.push(u), reference.push(w));
  const label = Uint8Array.from(probe, (u, i) => (u === reference[i] ? 1 : 0));
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
