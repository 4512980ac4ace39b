import { MetricsInputError } from '../errors';
import { checkThreshold } from './check-threshold';
import { countBelow } from './error-rate-curve';
import { acceptanceThreshold, checkRate } from './operating-points';

/**
 * Presentation attack detection metrics (ISO/IEC 30107-3). Scores are "bona fide-ness": a
 * presentation is classified bona fide when its score >= threshold. APCER is computed per
 * presentation attack instrument (PAI) species and the worst species is the system's APCER.
 */
export interface PadScores {
  readonly bonaFide: ArrayLike<number>;
  /** Attack scores by PAI species, e.g. { print_photo: [...], replay: [...] }. */
  readonly attacks: Readonly<Record<string, ArrayLike<number>>>;
}

export interface PadAtThreshold {
  readonly threshold: number;
  readonly apcerBySpecies: Readonly<Record<string, number>>;
  readonly apcer: number;
  readonly bpcer: number;
  /** (APCER + BPCER) / 2, the average classification error rate of the 2017 standard. */
  readonly acer: number;
}

export interface BpcerAtApcer {
  readonly targetApcer: number;
  readonly threshold: number;
  readonly apcer: number;
  readonly bpcer: number;
}

interface SortedPad {
  bonaFide: Float64Array;
  species: string[];
  attacks: Float64Array[];
}

export function padAtThreshold(scores: PadScores, threshold: number): PadAtThreshold {
  checkThreshold('padAtThreshold', threshold);
  const s = sortPad(scores);
  const apcerBySpecies: Record<string, number> = {};
  let apcer = 0;
  s.species.forEach((name, i) => {
    const a = s.attacks[i];
    const rate = (a.length - countBelow(a, threshold)) / a.length;
    apcerBySpecies[name] = rate;
    apcer = Math.max(apcer, rate);
  });
  const bpcer = countBelow(s.bonaFide, threshold) / s.bonaFide.length;
  return { threshold, apcerBySpecies, apcer, bpcer, acer: (apcer + bpcer) / 2 };
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
  return { targetApcer, threshold, apcer: at.apcer, bpcer: at.bpcer };
}

function sortPad(scores: PadScores): SortedPad {
  const bonaFide = checked(scores.bonaFide, 'bona fide').sort();
  const species = Object.keys(scores.attacks).sort();
  if (bonaFide.length === 0) throw new MetricsInputError('PAD metrics need at least one bona fide presentation');
  if (species.length === 0) throw new MetricsInputError('PAD metrics need at least one attack species');
  const attacks = species.map((name) => {
    const a = checked(scores.attacks[name], `attack species "${name}"`).sort();
    if (a.length === 0) throw new MetricsInputError(`attack species "${name}" has no presentations`);
    return a;
  });
  return { bonaFide, species, attacks };
}

function checked(values: ArrayLike<number>, what: string): Float64Array {
  const out = Float64Array.from(values);
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) throw new MetricsInputError(`${what} score at index ${i} is NaN`);
  }
  return out;
}
