import { ConfigError } from '../errors';
import { checkSeed, seededRandom } from '../random';

export interface IdentitySplitOptions {
  /** Share of identities held out for validation (early stopping), 0 for none. */
  readonly validationShare: number;
  /** Share of identities held out for the test, 0 for none. */
  readonly testShare: number;
  readonly seed: number;
}

export interface IdentitySplit {
  /** Sample indices, ascending, of each part. No identity is in two parts. */
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
  /** The identity labels of each part, ascending. */
  readonly trainIdentities: Int32Array;
  readonly validationIdentities: Int32Array;
  readonly testIdentities: Int32Array;
}

/**
 * Identity-disjoint split: identities (not samples) are shuffled with the seed and dealt into
 * test, validation and train, so no test or validation identity is ever seen in training.
 * A non-zero share gets at least 2 identities (a metric needs impostors); train keeps at least 2.
 */
export function splitIdentities(labels: Int32Array, opts: IdentitySplitOptions): IdentitySplit {
  const { validationShare, testShare, seed } = opts;
  // The generator keeps 32 bits of a whole seed: 1, 1.9 and 2^32 + 1 gave the same split.
  checkSeed(seed, 'splitIdentities: seed');
  for (const [name, v] of [['validationShare', validationShare], ['testShare', testShare]] as const) {
    if (!(v >= 0 && v < 1)) throw new ConfigError(`${name} must be in [0, 1), got ${v}`);
  }
  const ids = Array.from(new Set(labels)).sort((a, b) => a - b);
  const count = (share: number) => (share === 0 ? 0 : Math.max(2, Math.round(share * ids.length)));
  const nTest = count(testShare);
  const nVal = count(validationShare);
  if (ids.length - nTest - nVal < 2) {
    throw new ConfigError(
      `${ids.length} identities cannot give ${nTest} test + ${nVal} validation identities and still 2 to train: add identities or lower the shares`,
    );
  }
  seededRandom(seed).shuffle(ids);
  const role = new Map<number, 0 | 1 | 2>();
  ids.forEach((id, r) => role.set(id, r < nTest ? 2 : r < nTest + nVal ? 1 : 0));
  const buckets: number[][] = [[], [], []];
  for (let i = 0; i < labels.length; i++) buckets[role.get(labels[i])!].push(i);
  const idsOf = (r: number) => Int32Array.from(ids.filter((id) => role.get(id) === r)).sort();
  return {
    train: Int32Array.from(buckets[0]),
    validation: Int32Array.from(buckets[1]),
    test: Int32Array.from(buckets[2]),
    trainIdentities: idsOf(0),
    validationIdentities: idsOf(1),
    testIdentities: idsOf(2),
  };
}
