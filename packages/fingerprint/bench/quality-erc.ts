/**
 * Does the image quality score predict recognition failures? Error-versus-reject curves
 * (ISO/IEC 29794-1) on the genuine comparisons of the four FVC2002 B sets (280 each, a failure
 * to enrol kept as a false non-match): at a fixed threshold, the FNMR left after rejecting the
 * comparisons whose poorer sample has the lowest quality. "share of ideal" sums a curve up over
 * 0-20 % rejected: 0 is what a random quality gives (a flat curve), 1 a perfect one (rejecting
 * exactly the false non-matches first).
 *
 * 1. The shipped quality beside the measurements it is made from, the earlier formula, and
 *    random qualities (mean and 95 % range over 200 seeds: the noise floor of ~25-45 errors),
 *    on the four sets pooled at the shipped decision thresholds (FMR 1 % and 0.1 %).
 * 2. How the shipped formula was chosen: leave-one-DB-out among the candidates below, each
 *    fold picking the candidate with the best mean share on the other three sets (at thresholds
 *    set on those three sets' impostors only), then measured on the held-out set.
 *
 * Usage: npm run bench-quality-erc -w packages/fingerprint [-- --data-root DIR]   (~1 min)
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { acceptanceThreshold, ercShareOfIdeal, errorVersusReject, fnmrAtRejection, seededRandom } from '@biofuse/core';
import { sharedDatasetsRoot } from '@biofuse/core/testing';
import { FingerprintAcquisitionError } from '../src/errors';
import { extractFingerprint } from '../src/extract/extract';
import { CLEAR_FLOW_COHERENCE, LOW_QUALITY_BELOW, type QualityFeatures } from '../src/extract/quality';
import { loadFingerprintImage } from '../src/image/load';
import { fingerprintDecisionThreshold } from '../src/match/decision';
import { compareFingerprints, prepareTemplate, type PreparedTemplate } from '../src/match/index';
import { DBS, fvc2002Dpi, pct } from './match-data';

const MAX_REJECTED = 0.2;
const TARGET_FMRS = [0.01, 0.001];
const { values } = parseArgs({ options: { 'data-root': { type: 'string' } } });
const root = join(values['data-root'] ?? sharedDatasetsRoot(), 'fvc2002');

/** What a sample offers the candidate measures; absent for a failure to enrol. */
interface Measured {
  readonly features: QualityFeatures;
  /** Sorted coherence over the ridge area (from the debug stage image: steps of 1/255). */
  readonly coherence: Float32Array;
  readonly meanMinutiaQuality: number;
}
interface Sample {
  readonly finger: number;
  readonly quality: number;
  readonly measured?: Measured;
  readonly prepared?: PreparedTemplate;
}
type Measure = (m: Measured) => number;

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
const percentile = (m: Measured, q: number) => m.coherence[Math.floor(q * (m.coherence.length - 1))];
/**
 * The share of the ridge area with coherence >= `from`. At the shipped cut it is the extractor's
 * own exact figure; other cuts are read from the 8-bit coherence image (steps of 1/255).
 */
const clearShare = (m: Measured, from: number) => {
  if (from === CLEAR_FLOW_COHERENCE) return m.features.clearShare;
  let below = 0;
  while (below < m.coherence.length && m.coherence[below] < from) below++;
  return 1 - below / m.coherence.length;
};
/** The formula shipped before this comparison: mean coherence, ridge period, area and minutiae, weighted 4:2:2:2. */
const earlierMix: Measure = ({ features: f }) =>
  0.4 * clamp01((f.meanCoherence - 0.25) / 0.45) + 0.2 * f.periodShare + 0.2 * clamp01(f.areaMm2 / 250) + 0.2 * clamp01(f.minutiae / 30);

const CANDIDATES: Record<string, Measure> = {
  'earlier mix': earlierMix,
  'mean coherence': (m) => m.features.meanCoherence,
  'coherence, 10th percentile': (m) => percentile(m, 0.1),
  'coherence, 25th percentile': (m) => percentile(m, 0.25),
  ...Object.fromEntries([0.3, 0.4, 0.5, 0.6].map((c) => [`clear share (coherence >= ${c})`, (m: Measured) => clearShare(m, c)])),
  'mean minutia quality': (m) => m.meanMinutiaQuality,
  ...Object.fromEntries(
    [10, 15, 20, 25].map((n) => [`clear share (>= 0.4) x min(1, minutiae / ${n})`, (m: Measured) => clearShare(m, CLEAR_FLOW_COHERENCE) * Math.min(1, m.features.minutiae / n)]),
  ),
};

// Extract every image once, keep the genuine and impostor scores per set.
const sets: { db: string; samples: Sample[]; genuine: { a: number; b: number; score: number }[]; impostor: number[] }[] = [];
for (const db of DBS) {
  const dir = join(root, db);
  const samples: Sample[] = [];
  for (const file of readdirSync(dir).filter((f) => /^\d+_\d+\.tif$/.test(f)).sort()) {
    const finger = Number(file.split('_')[0]);
    try {
      const { template, qualityFeatures, stages } = extractFingerprint(await loadFingerprintImage(join(dir, file), { dpi: fvc2002Dpi(db) }), { debug: true });
      const coherenceImage = stages?.get('coherence')?.data;
      const mask = stages?.get('segmentation')?.data;
      if (!coherenceImage || !mask) throw new Error('debug extraction did not return the coherence and segmentation stages');
      const inside: number[] = [];
      for (let i = 0; i < mask.length; i++) if (mask[i] > 127) inside.push(coherenceImage[i] / 255);
      let minutiaQuality = 0;
      for (let i = 0; i < template.minutiae.count; i++) minutiaQuality += template.minutiae.quality[i];
      const measured = { features: qualityFeatures, coherence: Float32Array.from(inside).sort(), meanMinutiaQuality: minutiaQuality / template.minutiae.count };
      samples.push({ finger, quality: template.quality, measured, prepared: prepareTemplate(template) });
    } catch (err) {
      if (!(err instanceof FingerprintAcquisitionError)) throw err;
      samples.push({ finger, quality: 0 });
    }
  }
  const genuine: { a: number; b: number; score: number }[] = [];
  const impostor: number[] = [];
  for (let a = 0; a < samples.length; a++) {
    for (let b = a + 1; b < samples.length; b++) {
      const pa = samples[a].prepared;
      const pb = samples[b].prepared;
      const score = pa && pb ? compareFingerprints(pa, pb).similarity : Number.NaN;
      if (samples[a].finger === samples[b].finger) genuine.push({ a, b, score });
      else impostor.push(Number.isNaN(score) ? -1 : score);
    }
  }
  sets.push({ db, samples, genuine, impostor });
}

/** A sample's quality under a measure; a failure to enrol is below every measured sample. */
type SampleQuality = (s: Sample) => number;
// errorVersusReject takes finite qualities: a failure gets a value below any measure's.
const lowest = -1e9;
/** Each sample measured once (a sample is in several genuine pairs, folds and thresholds). */
const fromMeasure = (measure: Measure): SampleQuality => {
  const memo = new Map<Sample, number>();
  return (s) => {
    let q = memo.get(s);
    if (q === undefined) memo.set(s, (q = s.measured ? measure(s.measured) : lowest));
    return q;
  };
};

interface ErcSummary {
  readonly initial: number;
  readonly at: (share: number) => number;
  readonly share: number;
}
function summarise(chosen: typeof sets, quality: SampleQuality, threshold: number): ErcSummary {
  const scores: number[] = [];
  const qualities: number[] = [];
  for (const set of chosen) {
    for (const g of set.genuine) {
      scores.push(g.score);
      qualities.push(Math.min(quality(set.samples[g.a]), quality(set.samples[g.b])));
    }
  }
  const erc = errorVersusReject(scores, qualities, threshold);
  return { initial: erc.fnmr[0], at: (share) => fnmrAtRejection(erc, share), share: ercShareOfIdeal(erc, MAX_REJECTED) };
}

const genuineCount = sets.reduce((n, s) => n + s.genuine.length, 0);
const failures = sets.reduce((n, s) => n + s.samples.filter((x) => !x.prepared).length, 0);
console.log(`FVC2002 DB1_B-DB4_B: ${genuineCount} genuine comparisons, ${failures} failures to enrol (kept as false non-matches)\n`);

// 1. Pooled, at the shipped thresholds.
const shown: Record<string, SampleQuality> = {
  'quality score (shipped)': (s) => s.quality,
  'clear share (coherence >= 0.4)': fromMeasure((m) => m.features.clearShare),
  'minutiae count': fromMeasure((m) => m.features.minutiae),
  'mean coherence': fromMeasure((m) => m.features.meanCoherence),
  'share with a ridge period': fromMeasure((m) => m.features.periodShare),
  'ridge area': fromMeasure((m) => m.features.areaMm2),
  'earlier mix (shipped before)': fromMeasure(earlierMix),
};
for (const fmr of TARGET_FMRS) {
  const { threshold } = fingerprintDecisionThreshold(fmr);
  console.log(`all four sets pooled, threshold ${threshold.toFixed(4)} (shipped, FMR ${fmr * 100} %); clear flow from coherence ${CLEAR_FLOW_COHERENCE}`);
  console.log('| quality measure | FNMR, none rejected | 5 % rejected | 10 % rejected | 20 % rejected | share of ideal (0-20 %) |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, quality] of Object.entries(shown)) {
    const e = summarise(sets, quality, threshold);
    console.log(`| ${name} | ${pct(e.initial)} | ${pct(e.at(0.05))} | ${pct(e.at(0.1))} | ${pct(e.at(0.2))} | ${e.share.toFixed(2)} |`);
  }
  const randomShares: number[] = [];
  for (let seed = 1; seed <= 200; seed++) {
    const random = seededRandom(seed);
    const draws = new Map(sets.flatMap((set) => set.samples.map((s) => [s, random.next()] as const)));
    randomShares.push(summarise(sets, (s) => draws.get(s) ?? 0, threshold).share);
  }
  randomShares.sort((a, b) => a - b);
  const meanRandom = randomShares.reduce((t, v) => t + v, 0) / randomShares.length;
  console.log(`| random (200 seeds) | | | | | ${meanRandom.toFixed(2)} [${randomShares[4].toFixed(2)}, ${randomShares[195].toFixed(2)}] |\n`);
}

// The low-quality flag: how much more often the flagged prints' genuine comparisons fail.
const flagged = (s: Sample) => s.quality < LOW_QUALITY_BELOW;
const flaggedCount = sets.reduce((n, set) => n + set.samples.filter(flagged).length, 0);
const sampleCount = sets.reduce((n, set) => n + set.samples.length, 0);
const rates = TARGET_FMRS.map((fmr) => {
  const { threshold } = fingerprintDecisionThreshold(fmr);
  const tally = { flagged: [0, 0], others: [0, 0] };
  for (const set of sets) {
    for (const g of set.genuine) {
      const side = flagged(set.samples[g.a]) || flagged(set.samples[g.b]) ? tally.flagged : tally.others;
      side[1]++;
      if (!(g.score >= threshold)) side[0]++;
    }
  }
  return `FMR ${fmr * 100} %: ${pct(tally.flagged[0] / tally.flagged[1])} of their ${tally.flagged[1]} genuine comparisons fail, ${pct(tally.others[0] / tally.others[1])} of the other ${tally.others[1]}`;
});
console.log(`low-quality flag (quality < ${LOW_QUALITY_BELOW}): ${flaggedCount} of ${sampleCount} prints; ${rates.join('; ')}\n`);

// 2. The choice on all four sets (what ships), then leave one set out.
const allThresholds = TARGET_FMRS.map((fmr) => fingerprintDecisionThreshold(fmr).threshold);
const choose = (chosenSets: typeof sets, thresholds: number[]) => {
  let best = '';
  let bestShare = Number.NEGATIVE_INFINITY;
  for (const [name, measure] of Object.entries(CANDIDATES)) {
    const share = thresholds.reduce((t, th) => t + summarise(chosenSets, fromMeasure(measure), th).share, 0) / thresholds.length;
    if (share > bestShare) {
      bestShare = share;
      best = name;
    }
  }
  return { best, bestShare };
};
const onAll = choose(sets, allThresholds);
console.log(`chosen on all four sets: ${onAll.best} (mean share of ideal ${onAll.bestShare.toFixed(3)})\n`);

console.log('leave-one-DB-out choice among the candidates (share of ideal at FMR 1 % / 0.1 %)');
console.log('| held out | chosen on the other three | held-out share, chosen | held-out share, earlier mix |');
console.log('|---|---|---|---|');
const heldOut: number[][] = [];
const earlierHeldOut: number[][] = [];
for (const held of sets) {
  const others = sets.filter((s) => s !== held);
  const pooledImpostors = Float64Array.from(others.flatMap((s) => s.impostor)).sort();
  const trainThresholds = TARGET_FMRS.map((fmr) => acceptanceThreshold(pooledImpostors, fmr));
  const { best } = choose(others, trainThresholds);
  const chosen = trainThresholds.map((th) => summarise([held], fromMeasure(CANDIDATES[best]), th).share);
  const earlier = trainThresholds.map((th) => summarise([held], fromMeasure(earlierMix), th).share);
  heldOut.push(chosen);
  earlierHeldOut.push(earlier);
  console.log(`| ${held.db} | ${best} | ${chosen.map((v) => v.toFixed(2)).join(' / ')} | ${earlier.map((v) => v.toFixed(2)).join(' / ')} |`);
}
const meanOf = (rows: number[][], k: number) => rows.reduce((t, r) => t + r[k], 0) / rows.length;
console.log(`| mean | | ${TARGET_FMRS.map((_, k) => meanOf(heldOut, k).toFixed(2)).join(' / ')} | ${TARGET_FMRS.map((_, k) => meanOf(earlierHeldOut, k).toFixed(2)).join(' / ')} |`);
