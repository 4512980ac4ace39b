import { byCodeUnits } from '../code-unit-order';
import { ConfigError, DatasetError } from '../errors';
import { checkSeed, seededRandom } from '../random';
import { readKeyedFolder } from './keyed-folder';
import type { DatasetListing, DatasetSample, ProtocolComparison } from './samples';

const SVC_NAME = /^U(\d+)S(\d+)\.TXT$/i;

/**
 * An SVC2004 folder: `U<user>S<signature>.TXT`; S1-S20 genuine, S21-S40 skilled forgeries of that
 * user. A signature is its (user, signature) numbers: a second file for one (u1s1.txt or
 * U1S01.TXT beside U1S1.TXT) is skipped with the name of the one kept, the first in name order,
 * and the subject is the user's number (U01S1.TXT is user 1's, so U01 and U1 are one subject).
 */
export async function readSvc2004Folder(dir: string): Promise<DatasetListing> {
  const { samples, skipped } = await readKeyedFolder(dir, {
    dataset: 'SVC2004',
    pattern: SVC_NAME,
    mismatch: 'name is not U<user>S<signature>.TXT',
    key: (m) => ({ key: `signature U${Number(m[1])}S${Number(m[2])}`, subject: String(Number(m[1])) }),
    order: byCodeUnits,
  });
  samples.sort((a, b) => svcKey(a.path) - svcKey(b.path));
  return { samples, skipped };
}

export interface Svc2004ProtocolOptions {
  /** A whole number in [0, 2^32 - 1]. */
  readonly seed: number;
  /** Trials with a fresh random choice of enrolment signatures (10 in SVC2004). */
  readonly trials?: number;
  /** Enrolment signatures drawn from S1-S10 (5 in SVC2004). */
  readonly enrolment?: number;
  /**
   * Random forgeries per user: one genuine signature of each of this many other users (20, or
   * every other user when there are fewer). Asking for more than there are others is a ConfigError.
   */
  readonly randomForgeries?: number;
  /** The folder the samples were listed from, named in errors about a missing signature. */
  readonly folder?: string;
}

/**
 * The SVC2004 protocol: in each trial, every user enrols `enrolment` signatures drawn from
 * S1-S10; the probes are the genuine S11-S20 (genuine), the skilled forgeries S21-S40
 * (kind 'skilled') and one genuine S1-S20 signature of each of `randomForgeries` other users
 * (kind 'random'). Trials are numbered from 1 in `fold`. All draws follow `seed`.
 */
export function svc2004Protocol(samples: readonly DatasetSample[], opts: Svc2004ProtocolOptions): ProtocolComparison[] {
  const trials = opts.trials ?? 10;
  const enrolment = opts.enrolment ?? 5;
  // 1.9 and 2^32 + 1 drew seed 1's trials.
  checkSeed(opts.seed, 'SVC2004 protocol: seed');
  if (!(Number.isInteger(enrolment) && enrolment >= 1 && enrolment <= 10)) throw new ConfigError(`SVC2004 enrols 1 to 10 of S1-S10, got ${enrolment}`);
  if (!(Number.isInteger(trials) && trials >= 1)) throw new ConfigError(`SVC2004 protocol: trials must be a whole number >= 1, got ${trials}`);
  const asked = opts.randomForgeries;
  if (asked !== undefined && !(Number.isInteger(asked) && asked >= 0)) throw new ConfigError(`SVC2004 protocol: randomForgeries must be a whole number >= 0, got ${asked}`);
  const byUser = new Map<number, Map<number, string>>();
  for (const s of samples) {
    const m = SVC_NAME.exec(s.path);
    // Skipped, such a sample (a path with a folder, say) was left out of the protocol without a word.
    if (!m) throw new DatasetError(`SVC2004 sample "${s.path}" is not named U<user>S<signature>.TXT`, opts.folder);
    const user = Number(m[1]);
    const sigs = byUser.get(user) ?? new Map<number, string>();
    const other = sigs.get(Number(m[2]));
    // Two files for one signature: the later one in the listing replaced the other, silently.
    if (other !== undefined) throw new DatasetError(`SVC2004 user ${user} has signature S${Number(m[2])} twice: ${other} and ${s.path}`, opts.folder);
    sigs.set(Number(m[2]), s.path);
    byUser.set(user, sigs);
  }
  const users = [...byUser.keys()].sort((a, b) => a - b);
  if (users.length < 2) throw new DatasetError('SVC2004 protocol needs at least 2 users', opts.folder);
  // Random forgeries are other users' signatures: asking for more than there are others got fewer, silently.
  const otherUsers = users.length - 1;
  if (asked !== undefined && asked > otherUsers) {
    const where = opts.folder === undefined ? '' : ` in ${opts.folder}`;
    throw new ConfigError(`SVC2004 protocol: randomForgeries: ${asked} random forgeries for each of the ${users.length} users${where}, who have ${otherUsers} others each`);
  }
  const randomForgeries = asked ?? Math.min(20, otherUsers);
  const rng = seededRandom(opts.seed);
  const out: ProtocolComparison[] = [];
  const sig = (user: number, s: number): string => {
    const p = byUser.get(user)?.get(s);
    if (!p) throw new DatasetError(`SVC2004 user ${user} lacks signature S${s}: no file U${user}S${s}.TXT${opts.folder === undefined ? ' among the samples' : ' in this folder'}`, opts.folder);
    return p;
  };
  for (let trial = 1; trial <= trials; trial++) {
    for (const user of users) {
      const pool = rng.shuffle(Array.from({ length: 10 }, (_, i) => i + 1));
      const reference = pool.slice(0, enrolment).sort((a, b) => a - b).map((s) => sig(user, s));
      for (let s = 11; s <= 20; s++) out.push({ reference, probe: sig(user, s), genuine: true, kind: 'genuine', fold: trial });
      for (let s = 21; s <= 40; s++) out.push({ reference, probe: sig(user, s), genuine: false, kind: 'skilled', fold: trial });
      const others = rng.shuffle(users.filter((u) => u !== user)).slice(0, randomForgeries);
      for (const other of others) {
        out.push({ reference, probe: sig(other, 1 + rng.int(20)), genuine: false, kind: 'random', fold: trial });
      }
    }
  }
  return out;
}

function svcKey(name: string): number {
  const m = SVC_NAME.exec(name);
  return m ? Number(m[1]) * 1000 + Number(m[2]) : Number.MAX_SAFE_INTEGER;
}
