/**
 * SVC2004 Task 2 (40 users), the competition's protocol: 10 seeded trials of 5 enrolment
 * signatures from S1-S10; genuine S11-S20, skilled forgeries S21-S40, random forgeries from 20
 * other users. Parameters are chosen on one half of the users by a grid search and reported on
 * the other half, both ways round; EERs are the mean and spread over the 10 trials, with one
 * threshold for all users (global) and, as many papers report, with a threshold per user
 * chosen a posteriori (per-user). Then the shipped defaults on all 40 users, and DTW
 * throughput on one core.
 *
 * The grid: the time functions of the first round or those the feature search
 * (svc2004-features.bench.ts) selected on the tuning half; Euclidean or city-block frames;
 * the nearest, mean or geometric mean of both as the distance to the references; the exponent
 * of the score normalisation; with or without the global features (their population spread
 * from the tuning users). DTW distances are memoised per time-function set and frame
 * distance, so the rest of the grid costs no DTW.
 *
 * Usage: npm run bench-svc2004 -w packages/signature [-- --data-root DIR]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sharedDatasetsRoot } from '@biofuse/core/testing';
import { dtwThroughput } from './dtw-speed';
import { PREVIOUS_TIME_FUNCTIONS, SELECTED_TIME_FUNCTIONS } from './svc2004-feature-sets';
import { globalFeatureSpread, loadSvc2004, meanSd, runSvc2004, type ProtocolResult } from './svc2004-protocol';
import { DEFAULT_SIGNATURE_PARAMS, LOCAL_COMBINATIONS, parseSignatureParams, type SignatureParams } from '../src/params';
import type { TimeFunction } from '../src/features/time-functions';

const { values } = parseArgs({ options: { 'data-root': { type: 'string' } } });
const signatures = await loadSvc2004(join(values['data-root'] ?? sharedDatasetsRoot(), 'svc2004-task2'));
const users = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const halves = { 'U1-U20': users(1, 20), 'U21-U40': users(21, 40) } as const;
type Half = keyof typeof halves;

/** Per tuning half: the first round's time functions and the set the feature search selected on that half (svc2004-feature-sets.ts). */
function grid(tune: Half): { name: string; params: SignatureParams }[] {
  const sets: Record<string, readonly TimeFunction[]> = { previous: PREVIOUS_TIME_FUNCTIONS, [`selected on ${tune}`]: SELECTED_TIME_FUNCTIONS[tune] };
  const out: { name: string; params: SignatureParams }[] = [];
  for (const [setName, functions] of Object.entries(sets)) {
    for (const frameDistance of ['euclidean', 'manhattan'] as const) {
      for (const localCombination of LOCAL_COMBINATIONS) {
        for (const localScaleExponent of [0.4, 0.6, 0.8, 1]) {
          for (const globalWeight of [0, 0.25]) {
            const name = `${setName}; ${frameDistance}; ${localCombination}; scale^${localScaleExponent}; global weight ${globalWeight}`;
            out.push({ name, params: parseSignatureParams({ functions, frameDistance, localCombination, localScaleExponent, globalWeight }) });
          }
        }
      }
    }
  }
  return out;
}

const pct = (x: number) => (x * 100).toFixed(2);
const line = (label: string, r: ProtocolResult) => {
  const s = meanSd(r.skilled);
  const rd = meanSd(r.random);
  const su = meanSd(r.skilledPerUser);
  const ru = meanSd(r.randomPerUser);
  return `${label.padEnd(34)} skilled ${pct(s.mean)} ± ${pct(s.sd)}   random ${pct(rd.mean)} ± ${pct(rd.sd)}   | per-user skilled ${pct(su.mean)} ± ${pct(su.sd)}   random ${pct(ru.mean)} ± ${pct(ru.sd)}`;
};

console.log('SVC2004 Task 2, 10 trials x 5 enrolment signatures; EER % mean ± sd over trials; one threshold for all users unless "per-user"');
for (const tuneName of Object.keys(halves) as Half[]) {
  const tuneUsers = halves[tuneName];
  const testName = (Object.keys(halves) as Half[]).find((n) => n !== tuneName)!;
  const tried = grid(tuneName).map(({ name, params }) => ({
    name,
    params,
    eer: meanSd(runSvc2004(signatures, tuneUsers, params, 1, globalFeatureSpread(signatures, tuneUsers), { skilledOnly: true }).skilled).mean,
  }));
  tried.sort((a, b) => a.eer - b.eer);
  console.log(`tuned on ${tuneName}: ${tried.length} settings; the best five (skilled EER on ${tuneName}):`);
  for (const t of tried.slice(0, 5)) console.log(`  ${pct(t.eer)} %  ${t.name}`);
  const best = tried[0];
  console.log(`chosen on ${tuneName}: ${best.name} (${best.params.functions.join(', ')})`);
  console.log(line(`  tuning users ${tuneName}`, runSvc2004(signatures, tuneUsers, best.params, 1, globalFeatureSpread(signatures, tuneUsers))));
  console.log(line(`  held-out users ${testName}`, runSvc2004(signatures, halves[testName], best.params, 1, globalFeatureSpread(signatures, tuneUsers))));
}
const d = DEFAULT_SIGNATURE_PARAMS;
console.log(`defaults: ${d.functions.join(', ')}; ${d.frameDistance}; ${d.localCombination}; scale^${d.localScaleExponent}; global weight ${d.globalWeight}`);
console.log(line('defaults, all 40 users', runSvc2004(signatures, users(1, 40), d)));
const speed = dtwThroughput(signatures, d);
console.log(`DTW: ${speed.perSecond.toFixed(0)} comparisons/s on one core, signatures of ${speed.meanPoints.toFixed(0)} points on average (${d.functions.length} time functions, ${d.frameDistance}, band ${d.dtwBand})`);
