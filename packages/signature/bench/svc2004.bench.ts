/**
 * SVC2004 Task 2 (40 users), the competition's protocol: 10 seeded trials of 5 enrolment
 * signatures from S1-S10; genuine S11-S20, skilled forgeries S21-S40, random forgeries from 20
 * other users. Everything is chosen and fitted on one half of the users and reported on the
 * other, both ways round: the global features' within-writer spread (enrolmentPoolSpread, from
 * the tuning users' S1-S10) and the scoring parameters, by a grid on the tuning half. EERs are
 * the mean and spread over the 10 trials, with one threshold for all users (global) and, as
 * many papers report, with a threshold per user chosen a posteriori (per-user); the trials'
 * spread says nothing of which users happened to be sampled, so the held-out and 40-user lines
 * also give the skilled EER of all trials pooled with its 95 % interval when the users are
 * resampled (bootstrapEer). Then the
 * shipped defaults (with their built-in spread, fitted on all 40 users) on each half and on
 * all 40 users, which are NOT held out, and DTW throughput on one core.
 *
 * The grid keeps the time functions and city-block frames of the defaults (the feature search,
 * svc2004-features.bench.ts, overfitted: the set it selected on U21-U40 raised U1-U20's EER
 * from 7 to 10 %) and searches only how the distances become a score: the nearest, mean or
 * geometric mean of both as the distance to the references, the exponent of the user
 * normalisation, and the weight of the global-feature distance. DTW distances are memoised,
 * so the grid costs no DTW beyond the first setting.
 *
 * Usage: npm run bench-svc2004 -w packages/signature [-- --data-root DIR]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bootstrapEer } from '@biofuse/core';
import { sharedDatasetsRoot } from '@biofuse/core/testing';
import { dtwThroughput } from './dtw-speed';
import { enrolmentPoolSpread, loadSvc2004, meanSd, runSvc2004, SVC2004_HALVES, users, type ProtocolResult } from './svc2004-protocol';
import { DEFAULT_SIGNATURE_PARAMS, LOCAL_COMBINATIONS, parseSignatureParams, type SignatureParams } from '../src/params';
import { SVC2004_GLOBAL_WITHIN_SPREAD } from '../src/features/global-spread';

const { values } = parseArgs({ options: { 'data-root': { type: 'string' } } });
const signatures = await loadSvc2004(join(values['data-root'] ?? sharedDatasetsRoot(), 'svc2004-task2'));
const halves = SVC2004_HALVES;
type Half = keyof typeof halves;

/** The scoring grid; the DTW behind it (time functions, frames, band) stays the defaults'. */
function grid(): { name: string; params: SignatureParams }[] {
  const out: { name: string; params: SignatureParams }[] = [];
  for (const localCombination of LOCAL_COMBINATIONS) {
    for (const localScaleExponent of [0.4, 0.6, 0.8]) {
      for (const globalWeight of [0, 0.05, 0.1, 0.2, 0.3]) {
        const name = `${localCombination}; scale^${localScaleExponent}; global weight ${globalWeight}`;
        out.push({ name, params: parseSignatureParams({ localCombination, localScaleExponent, globalWeight }) });
      }
    }
  }
  return out;
}

const pct = (x: number) => (x * 100).toFixed(2);
/** The skilled EER of all trials pooled, with its 95 % interval when the users are resampled. */
const usersInterval = (r: ProtocolResult) => {
  const b = bootstrapEer(r.skilledByUser, { seed: 1 });
  return `pooled skilled ${pct(b.estimate)}, users resampled 95 % ${pct(b.low)}-${pct(b.high)}`;
};
const line = (label: string, r: ProtocolResult) => {
  const s = meanSd(r.skilled);
  const rd = meanSd(r.random);
  const su = meanSd(r.skilledPerUser);
  const ru = meanSd(r.randomPerUser);
  return `${label.padEnd(34)} skilled ${pct(s.mean)} ± ${pct(s.sd)}   random ${pct(rd.mean)} ± ${pct(rd.sd)}   | per-user skilled ${pct(su.mean)} ± ${pct(su.sd)}   random ${pct(ru.mean)} ± ${pct(ru.sd)}`;
};

console.log('SVC2004 Task 2, 10 trials x 5 enrolment signatures; EER % mean ± sd over trials; one threshold for all users unless "per-user"');
const heldOut: string[] = [];
for (const tuneName of Object.keys(halves) as Half[]) {
  const tuneUsers = halves[tuneName];
  const testName = (Object.keys(halves) as Half[]).find((n) => n !== tuneName)!;
  const spread = enrolmentPoolSpread(signatures, tuneUsers);
  const tried = grid().map(({ name, params }) => ({
    name,
    params,
    eer: meanSd(runSvc2004(signatures, tuneUsers, params, 1, spread, { skilledOnly: true }).skilled).mean,
  }));
  tried.sort((a, b) => a.eer - b.eer);
  console.log(`tuned on ${tuneName}: ${tried.length} settings; the best five (skilled EER on ${tuneName}):`);
  for (const t of tried.slice(0, 5)) console.log(`  ${pct(t.eer)} %  ${t.name}`);
  const best = tried[0];
  console.log(`chosen on ${tuneName}: ${best.name}`);
  console.log(line(`  tuning users ${tuneName}`, runSvc2004(signatures, tuneUsers, best.params, 1, spread)));
  const heldResult = runSvc2004(signatures, halves[testName], best.params, 1, spread);
  const held = line(`  held-out users ${testName}`, heldResult);
  console.log(held);
  heldOut.push(`${held}   (chosen on ${tuneName}: ${best.name}; ${usersInterval(heldResult)})`);
}
console.log('held out, both ways:');
for (const h of heldOut) console.log(h);
const d = DEFAULT_SIGNATURE_PARAMS;
console.log(`defaults (NOT held out: both halves informed them): ${d.functions.join(', ')}; ${d.frameDistance}; ${d.localCombination}; scale^${d.localScaleExponent}; global weight ${d.globalWeight}, built-in spread`);
for (const name of Object.keys(halves) as Half[]) console.log(line(`  defaults, ${name}`, runSvc2004(signatures, halves[name], d, 1, SVC2004_GLOBAL_WITHIN_SPREAD)));
const all40 = runSvc2004(signatures, users(1, 40), d, 1, SVC2004_GLOBAL_WITHIN_SPREAD);
console.log(`${line('  defaults, all 40 users', all40)}   (${usersInterval(all40)})`);
const speed = dtwThroughput(signatures, d);
console.log(`DTW: ${speed.perSecond.toFixed(0)} comparisons/s on one core, signatures of ${speed.meanPoints.toFixed(0)} points on average (${d.functions.length} time functions, ${d.frameDistance}, band ${d.dtwBand})`);
