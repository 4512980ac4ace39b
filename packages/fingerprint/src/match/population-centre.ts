import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FingerprintTemplate } from '../template/fingerprint-template';
import { centreVectors } from './centre-vectors';
import { fingerprintVector } from './fingerprint-vector';
import type { PreparedTemplate } from './prepared-template';

let centre: Float32Array | undefined;

/**
 * The mean fixed-length vector of a seeded synthetic population (written by
 * bench/population-centre.ts from our generator and extractor; no real data involved), read on
 * first use.
 */
export function populationCentre(): Float32Array {
  // A copy: a caller writing into the shared one would move every later embedding and search.
  return sharedCentre().slice();
}

function sharedCentre(): Float32Array {
  centre ??= Float32Array.from((JSON.parse(readFileSync(join(import.meta.dirname, 'population-centre.json'), 'utf8')) as { centre: number[] }).centre);
  return centre;
}

/**
 * The fixed-length vector with the population centre subtracted, at unit length: what `embed`
 * returns and galleries index. Every print shares much of its minutia-pair statistics; without
 * the centre, cosine similarity mostly measures that (FVC2002 vector EER 20-26 % raw, 13-18 %
 * centred on this population, 8-12 % centred on the test set's own mean).
 *
 * A template with no minutia pair in the vector's distance range has nothing to describe: it
 * stays all zeros (cosine 0 with everything; see centreVectors).
 */
export function centredFingerprintVector(t: FingerprintTemplate | PreparedTemplate): Float32Array {
  const v = fingerprintVector(t);
  return centreVectors(v, v.length, sharedCentre()).vectors;
}
