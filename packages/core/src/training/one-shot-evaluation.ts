import { ConfigError } from '../errors';
import { acceptanceThreshold, cmc, equalErrorRate, errorRateCurve, fnmrAtFmr, openSetRates, probeOutcomes, rankAccuracy, scoreSet, type ProbeOutcome } from '../metrics/index';
import { checkSeed, seededRandom } from '../random';
import { allPairCosine, checkLabelledSet, rowDot, unitRows, type LabelledEmbeddings } from './labelled-set';

export interface OneShotOptions {
  /** Picks the enrolment sample of each identity; without it, the first sample is enrolled. */
  readonly seed?: number;
  /** Target FPIR of the open-set operating point (default 0.01). */
  readonly targetFpir?: number;
  /** Target FAR (FMR) of the verification operating point (default 1e-3). */
  readonly targetFar?: number;
  /** Longest rank of the returned CMC (default min(identities, 20)). */
  readonly maxRank?: number;
}

export interface OneShotResult {
  readonly identities: number;
  readonly probes: number;
  /** Closed-set rank-1 identification rate. */
  readonly rank1: number;
  readonly cmc: Float64Array;
  /** Open-set: FNIR at the threshold that gives FPIR <= target. */
  readonly openSet: { readonly targetFpir: number; readonly threshold: number; readonly fpir: number; readonly fnir: number };
  /** Verification over all pairs of test samples (cosine similarity). */
  readonly eer: number;
  readonly tarAtFar: { readonly targetFar: number; readonly tar: number; readonly far: number; readonly belowResolution: boolean; readonly unreachable: boolean };
  readonly genuinePairs: number;
  readonly impostorPairs: number;
}

/**
 * One-shot protocol on a test set: enrol one sample per identity, identify every other sample
 * against that gallery by cosine similarity (rank-1 / CMC, core's identification metrics).
 * The open set is leave-mate-out: each probe is also presented as a non-mated probe with its own
 * identity's enrolment removed (its best non-mate score), so every identity serves as both
 * enrolled and unknown; the threshold is set on those non-mated scores for FPIR <= target.
 * Verification: EER and TAR @ FAR over all pairs of test samples.
 */
export function oneShotEvaluation(set: LabelledEmbeddings, opts: OneShotOptions = {}): OneShotResult {
  const n = checkLabelledSet(set, 'one-shot test set');
  const targetFpir = opts.targetFpir ?? 0.01;
  const targetFar = opts.targetFar ?? 1e-3;
  // Outside (0, 1) a target meant "accept everyone" (FAR 2 gave TAR 1) or a NaN threshold.
  for (const [name, v] of [['targetFpir', targetFpir], ['targetFar', targetFar]] as const) {
    if (!(v > 0 && v < 1)) throw new ConfigError(`${name} must lie strictly between 0 and 1, got ${v}`);
  }
  if (opts.maxRank !== undefined && !(Number.isInteger(opts.maxRank) && opts.maxRank >= 1)) throw new ConfigError(`maxRank must be a whole number >= 1, got ${opts.maxRank}`);
  if (opts.seed !== undefined) checkSeed(opts.seed, 'seed');
  const { labels, dim } = set;
  const byIdentity = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    let list = byIdentity.get(labels[i]);
    if (list === undefined) byIdentity.set(labels[i], (list = []));
    list.push(i);
  }
  if (byIdentity.size < 2) throw new ConfigError(`one-shot evaluation needs at least 2 test identities, got ${byIdentity.size}`);
  const rng = opts.seed === undefined ? undefined : seededRandom(opts.seed);
  const enrolled: number[] = [];
  const probes: number[] = [];
  for (const id of [...byIdentity.keys()].sort((a, b) => a - b)) {
    const list = byIdentity.get(id)!;
    const pick = rng === undefined ? 0 : rng.int(list.length);
    list.forEach((i, r) => (r === pick ? enrolled : probes).push(i));
  }
  if (probes.length === 0) throw new ConfigError('one-shot evaluation needs identities with at least 2 samples (one to enrol, one to probe)');

  const unit = unitRows(set.embeddings, dim);
  const nG = enrolled.length;
  const scores = new Float64Array(probes.length * nG);
  for (let p = 0; p < probes.length; p++) {
    for (let g = 0; g < nG; g++) scores[p * nG + g] = rowDot(unit, probes[p], unit, enrolled[g], dim);
  }
  const outcome = probeOutcomes({
    scores,
    probeIds: probes.map((i) => String(labels[i])),
    galleryIds: enrolled.map((i) => String(labels[i])),
  });
  const maxRank = Math.min(opts.maxRank ?? 20, outcome.identities);

  // leave-mate-out non-mated presentations: the best non-mate score of each probe
  const nP = probes.length;
  const open: ProbeOutcome = {
    mateRank: concat(outcome.mateRank, new Float64Array(nP).fill(Number.POSITIVE_INFINITY)),
    mateScore: concat(outcome.mateScore, new Float64Array(nP).fill(Number.NaN)),
    topNonMateScore: concat(outcome.topNonMateScore, outcome.topNonMateScore),
    mated: Uint8Array.from({ length: 2 * nP }, (_, i) => (i < nP ? 1 : 0)),
    failed: new Uint8Array(2 * nP),
    identities: outcome.identities,
  };
  const threshold = acceptanceThreshold(outcome.topNonMateScore.slice().sort(), targetFpir);
  const rates = openSetRates(open, threshold);

  const pairs = allPairCosine(set);
  const curve = errorRateCurve(scoreSet(pairs));
  const op = fnmrAtFmr(curve, targetFar);
  return {
    identities: outcome.identities,
    probes: nP,
    rank1: rankAccuracy(outcome, 1),
    cmc: cmc(outcome, maxRank),
    openSet: { targetFpir, threshold, fpir: rates.fpir, fnir: rates.fnir },
    eer: equalErrorRate(curve).value,
    tarAtFar: { targetFar, tar: 1 - op.fnmr, far: op.fmr, belowResolution: op.belowResolution, unreachable: op.unreachable },
    genuinePairs: pairs.genuine.length,
    impostorPairs: pairs.impostor.length,
  };
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
