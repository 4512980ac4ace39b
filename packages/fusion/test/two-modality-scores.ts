import { seededRandom } from '@biofuse/core';
import type { MultiScores } from '../src/multi-scores';

type Rng = ReturnType<typeof seededRandom>;

/**
 * Two modalities a and b over 50 subjects, every fifth row genuine: a ~ N(3 | 0, 1); b from
 * `b(genuine, rng)`, by default N(1.5 | 0, 1).
 */
export function twoModalityScores(n: number, seed: number, b: (genuine: boolean, rng: Rng) => number = (genuine, rng) => (genuine ? 1.5 : 0) + rng.normal()): MultiScores {
  const rng = seededRandom(seed);
  const scores = new Float64Array(n * 2);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const genuine = i % 5 === 0;
    labels[i] = genuine ? 1 : 0;
    scores[2 * i] = (genuine ? 3 : 0) + rng.normal();
    scores[2 * i + 1] = b(genuine, rng);
  }
  const probeSubject = Int32Array.from({ length: n }, (_, i) => i % 50);
  const referenceSubject = Int32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? i % 50 : (i + 1) % 50));
  return { modalities: ['a', 'b'], scores, labels, probeSubject, referenceSubject };
}
