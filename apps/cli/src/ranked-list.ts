import { textTableLines } from '@biofuse/experiments';

/** A candidate of a 1:N search as the identify commands list it. */
export interface ListedCandidate {
  readonly identity: string;
  /** Shown to 4 decimals, as the JSON form rounds it. */
  readonly similarity: number;
  /** At or above the decision threshold; undefined where the search has none (ranking only). */
  readonly accepted?: boolean;
}

/**
 * What the identify commands print without --json, as compare and verify print a sentence: the
 * probe, how candidates were decided (`decided`, such as "accepted at FMR 0.1 %, threshold
 * 0.0369"), then the candidates best first. The JSON form holds the same candidates with their details.
 */
export function formatRankedList(probe: string, decided: string, candidates: readonly ListedCandidate[]): string {
  if (candidates.length === 0) return `${probe}: no candidates (${decided})\n`;
  const rows = candidates.map((c) => [c.identity, c.similarity.toFixed(4), c.accepted === undefined ? '-' : c.accepted ? 'yes' : 'no']);
  const table = textTableLines(['identity', 'similarity', 'accepted'], rows);
  return `${[`${probe}: ${candidates.length} candidate(s), best first (${decided})`, ...table].join('\n')}\n`;
}
