import { ConfigError } from '../errors';
import { checkSeed, seededRandom } from '../random';

export interface PkSamplerOptions {
  /** Identities per batch (P); capped at the number of identities with at least K samples. */
  readonly p: number;
  /** Samples per identity in a batch (K). */
  readonly k: number;
  readonly seed: number;
}

export interface PkSampler {
  /** Identities that have at least K samples, so can appear in a batch. */
  readonly eligibleIdentities: Int32Array;
  /** Identities with fewer than K samples: never in a batch, so their samples never train (report them). */
  readonly unusedIdentities: Int32Array;
  /** Samples of those identities. */
  readonly unusedSamples: number;
  /** Identities per batch actually used: min(P, eligible identities). */
  readonly p: number;
  readonly k: number;
  readonly batchesPerEpoch: number;
  /**
   * One epoch of batches: every eligible identity appears once, in P-identity batches of K
   * samples each (drawn without replacement within the identity). Batches hold sample indices,
   * identity by identity. The last short batch is dropped when it would hold fewer than 2
   * identities (no negatives). Successive calls continue the seeded sequence.
   */
  epoch(): Int32Array[];
}

/**
 * P identities x K samples per batch (Hermans, Beyer & Leibe 2017) over a labelled set.
 * Throws ConfigError before any training when the set cannot give a batch with negatives.
 */
export function createPkSampler(labels: Int32Array, opts: PkSamplerOptions): PkSampler {
  const { k, seed } = opts;
  // The generator keeps 32 bits of a whole seed: 1, 1.9 and 2^32 + 1 gave the same batches.
  checkSeed(seed, 'createPkSampler: seed');
  if (!Number.isInteger(opts.p) || opts.p < 2) throw new ConfigError(`P (identities per batch) must be an integer >= 2, got ${opts.p}`);
  // One sample per identity gives no positive pair: triplet losses would be 0 and nothing would train.
  if (!Number.isInteger(k) || k < 2) throw new ConfigError(`K (samples per identity) must be an integer >= 2, got ${k}`);
  const byIdentity = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    let list = byIdentity.get(labels[i]);
    if (list === undefined) byIdentity.set(labels[i], (list = []));
    list.push(i);
  }
  if (byIdentity.size < 2) {
    throw new ConfigError(`the training set has ${byIdentity.size} identit${byIdentity.size === 1 ? 'y' : 'ies'}; a Siamese batch needs at least 2: add identities`);
  }
  const eligible: number[] = [];
  const unused: number[] = [];
  let unusedSamples = 0;
  let most = 0;
  for (const [id, list] of byIdentity) {
    most = Math.max(most, list.length);
    if (list.length >= k) eligible.push(id);
    else {
      unused.push(id);
      unusedSamples += list.length;
    }
  }
  eligible.sort((a, b) => a - b);
  unused.sort((a, b) => a - b);
  if (eligible.length === 0) {
    throw new ConfigError(`no identity has K = ${k} samples (the most any identity has is ${most}): lower K to at most ${most} or add samples`);
  }
  if (eligible.length < 2) {
    throw new ConfigError(`only 1 identity has K = ${k} samples; a batch needs 2: lower K or add samples`);
  }
  const p = Math.min(opts.p, eligible.length);
  const rng = seededRandom(seed);
  const members = eligible.map((id) => byIdentity.get(id)!);
  const full = Math.floor(eligible.length / p);
  const batchesPerEpoch = full + (eligible.length - full * p >= 2 ? 1 : 0);
  return {
    eligibleIdentities: Int32Array.from(eligible),
    unusedIdentities: Int32Array.from(unused),
    unusedSamples,
    p,
    k,
    batchesPerEpoch,
    epoch() {
      const order = rng.shuffle(Array.from(members.keys()));
      const batches: Int32Array[] = [];
      for (let start = 0; start < order.length; start += p) {
        const count = Math.min(p, order.length - start);
        if (count < 2) break;
        const batch = new Int32Array(count * k);
        for (let q = 0; q < count; q++) {
          const pool = members[order[start + q]];
          // partial Fisher-Yates on a copy: K distinct samples
          const copy = pool.slice();
          for (let j = 0; j < k; j++) {
            const r = j + rng.int(copy.length - j);
            const t = copy[j];
            copy[j] = copy[r];
            copy[r] = t;
            batch[q * k + j] = copy[j];
          }
        }
        batches.push(batch);
      }
      return batches;
    },
  };
}
