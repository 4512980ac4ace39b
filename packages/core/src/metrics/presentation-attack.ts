import { MetricsInputError } from '../errors';
import { checkThreshold } from './check-threshold';
import { countBelow } from './error-rate-curve';
import { acceptanceThreshold, checkRate } from './operating-points';

/**
 * Presentation attack detection metrics (ISO/IEC 30107-3). Scores are "bona fide-ness": a
 * presentation is classified bona fide when its score >= threshold. APCER is computed per
 * presentation attack instrument (PAI) species and the worst species is the system's APCER.
 *
 * Non-responses (a presentation the PAD subsystem, or the data capture before it, gave no
 * decision for: no face found, a file that would not decode) are counted, never dropped.
 * 30107-3 gives them rates of their own, APNRR per PAI species and BPNRR, each over all the
 * presentations of its kind, beside APCER and BPCER, which are classification error rates: each
 * presentation in their sums is classified attack or bona fide. So non-responses stay out of
 * APCER and BPCER, numerator and denominator. Counting a bona fide one as classified bona fide
 * would lower BPCER, an attack one as detected would lower APCER, and counting either as an
 * error would merge two rates the standard reports apart. Whenever non-response counts are
 * given, every result carries the non-response rates beside APCER and BPCER (`nonResponse`).
 */
export interface PadScores {
  readonly bonaFide: ArrayLike<number>;
  /** Attack scores by PAI species, e.g. { print_photo: [...], replay: [...] }. */
  readonly attacks: Readonly<Record<string, ArrayLike<number>>>;
  /** Bona fide presentations with no PAD decision: a whole number >= 0. */
  readonly bonaFideNonResponses?: number;
  /**
   * Attack presentations with no PAD decision, by PAI species: whole numbers >= 0, each under a
   * species of `attacks` (list a species none of whose presentations was classified there with
   * no scores). A species left out had none.
   */
  readonly attackNonResponses?: Readonly<Record<string, number>>;
}

/** ISO/IEC 30107-3 non-response rates: non-responses over all presentations of their kind. */
export interface PadNonResponse {
  /** APNRR of each PAI species of the input. */
  readonly apnrrBySpecies: Readonly<Record<string, number>>;
  readonly bpnrr: number;
}

export interface PadAtThreshold {
  readonly threshold: number;
  /**
   * Over the classified presentations of each species; NaN for a species none of whose
   * presentations was classified (its APNRR is 1), which `apcer` then leaves out.
   */
  readonly apcerBySpecies: Readonly<Record<string, number>>;
  readonly apcer: number;
  readonly bpcer: number;
  /** (APCER + BPCER) / 2, the average classification error rate of the 2017 standard. */
  readonly acer: number;
  /** Present when the input gives non-response counts (even of 0). */
  readonly nonResponse?: PadNonResponse;
}

export interface BpcerAtApcer {
  readonly targetApcer: number;
  readonly threshold: number;
  readonly apcer: number;
  readonly bpcer: number;
  /** Present when the input gives non-response counts (even of 0). */
  readonly nonResponse?: PadNonResponse;
}

/** The input, checked (see checkedPad), each score list sorted ascending. */
interface CheckedPad {
  bonaFide: Float64Array;
  species: string[];
  attacks: Float64Array[];
  bonaFideMissed: number;
  attackMissed: ReadonlyMap<string, number>;
  /** Whether the input gives non-response counts (even of 0). */
  given: boolean;
}

interface SortedPad {
  bonaFide: Float64Array;
  species: string[];
  attacks: Float64Array[];
  nonResponse: PadNonResponse | undefined;
}

export function padAtThreshold(scores: PadScores, threshold: number): PadAtThreshold {
  checkThreshold('padAtThreshold', threshold);
  const s = sortPad(scores);
  const apcerBySpecies: Record<string, number> = {};
  let apcer = 0;
  s.species.forEach((name, i) => {
    const a = s.attacks[i];
    const rate = a.length === 0 ? Number.NaN : (a.length - countBelow(a, threshold)) / a.length;
    apcerBySpecies[name] = rate;
    if (!Number.isNaN(rate)) apcer = Math.max(apcer, rate);
  });
  const bpcer = countBelow(s.bonaFide, threshold) / s.bonaFide.length;
  const at = { threshold, apcerBySpecies, apcer, bpcer, acer: (apcer + bpcer) / 2 };
  return s.nonResponse === undefined ? at : { ...at, nonResponse: s.nonResponse };
}

/** APNRR per species and BPNRR alone: they do not depend on the threshold. */
export function padNonResponse(scores: PadScores): PadNonResponse {
  // Not through sortPad: its checks are for the classification error rates. Every bona fide
  // presentation a non-response leaves BPCER undefined but is BPNRR 1.
  return nonResponseRates(checkedPad(scores));
}

/**
 * BPCER at the lowest threshold where every species' APCER is at most the target
 * (BPCER20 for 5 %, BPCER10 for 10 %).
 */
export function bpcerAtApcer(scores: PadScores, targetApcer: number): BpcerAtApcer {
  checkRate('bpcerAtApcer: target APCER', targetApcer);
  const s = sortPad(scores);
  let threshold = Number.NEGATIVE_INFINITY;
  for (const a of s.attacks) threshold = Math.max(threshold, acceptanceThreshold(a, targetApcer));
  const at = padAtThreshold(scores, threshold);
  const out = { targetApcer, threshold, apcer: at.apcer, bpcer: at.bpcer };
  return at.nonResponse === undefined ? out : { ...out, nonResponse: at.nonResponse };
}

/** The input checked and sorted, with the checks of the classification error rates (APCER and BPCER) on top. */
function sortPad(scores: PadScores): SortedPad {
  const c = checkedPad(scores);
  if (c.bonaFide.length === 0) throw new MetricsInputError(`no bona fide presentation was classified (${c.bonaFideMissed} non-responses): BPCER is undefined`);
  if (c.attacks.every((a) => a.length === 0)) {
    throw new MetricsInputError('no attack presentation was classified (every one is a non-response): APCER is undefined');
  }
  return { bonaFide: c.bonaFide, species: c.species, attacks: c.attacks, nonResponse: c.given ? nonResponseRates(c) : undefined };
}

/**
 * Checks what every PAD rate needs: scores that are numbers, valid non-response counts, some
 * bona fide presentation (scored or not), some attack species, and some presentation in each.
 */
function checkedPad(scores: PadScores): CheckedPad {
  const bonaFide = checked(scores.bonaFide, 'bona fide').sort();
  const species = Object.keys(scores.attacks).sort();
  const bonaFideMissed = scores.bonaFideNonResponses === undefined ? 0 : nonResponseCount(scores.bonaFideNonResponses, 'bonaFideNonResponses');
  const attackMissed = checkedAttackNonResponses(scores.attackNonResponses, species);
  if (bonaFide.length === 0 && bonaFideMissed === 0) throw new MetricsInputError('PAD metrics need at least one bona fide presentation');
  if (species.length === 0) throw new MetricsInputError('PAD metrics need at least one attack species');
  const attacks = species.map((name) => {
    const a = checked(scores.attacks[name], `attack species "${name}"`).sort();
    if (a.length === 0 && !attackMissed.get(name)) throw new MetricsInputError(`attack species "${name}" has no presentations`);
    return a;
  });
  const given = scores.bonaFideNonResponses !== undefined || scores.attackNonResponses !== undefined;
  return { bonaFide, species, attacks, bonaFideMissed, attackMissed, given };
}

function nonResponseRates(c: CheckedPad): PadNonResponse {
  const apnrrBySpecies: Record<string, number> = {};
  c.species.forEach((name, i) => {
    const missed = c.attackMissed.get(name) ?? 0;
    apnrrBySpecies[name] = missed / (c.attacks[i].length + missed);
  });
  return { apnrrBySpecies, bpnrr: c.bonaFideMissed / (c.bonaFide.length + c.bonaFideMissed) };
}

/** Checks the attack non-response counts: an object of whole numbers >= 0 under species of `attacks`. */
function checkedAttackNonResponses(given: PadScores['attackNonResponses'], species: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  if (given === undefined) return out;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new MetricsInputError(`attackNonResponses must be an object of counts by attack species, got ${String(given)}`);
  }
  const known = new Set(species);
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      throw new MetricsInputError(`attackNonResponses names species "${name}", which attacks does not (${species.map((n) => `"${n}"`).join(', ')})`);
    }
    out.set(name, nonResponseCount(given[name], `attackNonResponses of species "${name}"`));
  }
  return out;
}

function nonResponseCount(n: unknown, what: string): number {
  if (!(typeof n === 'number' && Number.isInteger(n) && n >= 0)) throw new MetricsInputError(`${what} must be a whole number >= 0, got ${String(n)}`);
  return n;
}

function checked(values: ArrayLike<number>, what: string): Float64Array {
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) throw new MetricsInputError(`${what} score at index ${i} is NaN`);
  }
  return out;
}
