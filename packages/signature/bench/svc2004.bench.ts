/**
 * SVC2004 Task 2 (40 users), the competition's protocol: 10 seeded trials of 5 enrolment
 * signatures from S1-S10; genuine S11-S20, skilled forgeries S21-S40, random forgeries from 20
 * other users. Parameters are chosen on one half of the users by a small grid search and
 * reported on the other half, both ways round; EERs are the mean and spread over the 10 trials,
 * with one threshold for all users (global) and, as many papers report, with a threshold per
 * user chosen a posteriori (per-user). Then DTW throughput on one core.
 *
 * Usage: npm run bench-svc2004 -w packages/signature [-- --data-root DIR]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sharedDatasetsRoot } from '@biofuse/core/testing';
import { dtwThroughput } from './dtw-speed';
import { globalFeatureSpread, loadSvc2004, meanSd, runSvc2004, type ProtocolResult } from './svc2004-protocol';
import { DEFAULT_SIGNATURE_PARAMS, parseSignatureParams, type SignatureParams } from '../src/params';

const { values } = parseArgs({ options: { 'data-root': { type: 'string' } } });
const signatures = await loadSvc2004(join(values['data-root'] ?? sharedDatasetsRoot(), 'svc2004-task2'));
const users = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const halves = { 'U1-U20': users(1, 20), 'U21-U40': users(21, 40) };

const grid: SignatureParams[] = [];
for (const functions of [['x', 'y', 'dx', 'dy', 'pressure', 'dPressure'], ['x', 'y', 'dx', 'dy', 'pressure', 'dPressure', 'dAngle', 'logCurvatureRadius'], ['dx', 'dy', 'pressure']]) {
  for (const localNormalisation of ['mean-pairwise', 'mean-nearest']) {
    grid.push(parseSignatureParams({ functions, localNormalisation, keepPenUp: false, globalWeight: 0 }));
  }
}
for (const keepPenUp of [false, true]) {
  grid.push(parseSignatureParams({ localNormalisation: 'mean-nearest', keepPenUp, globalWeight: 0 }));
  grid.push(parseSignatureParams({ localNormalisation: 'mean-nearest', keepPenUp, globalWeight: 0.5, globalSpreadFloor: 1 }));
}

const pct = (x: number) => (x * 100).toFixed(2);
const describe = (p: SignatureParams) => `${p.functions.join(',')}; ${p.keepPenUp ? 'pen-up kept' : 'pen-down only'}; ${p.localNormalisation}; global weight ${p.globalWeight}`;
const line = (label: string, r: ProtocolResult) => {
  const s = meanSd(r.skilled);
  const rd = meanSd(r.random);
  const su = meanSd(r.skilledPerUser);
  const ru = meanSd(r.randomPerUser);
  return `${label.padEnd(34)} skilled ${pct(s.mean)} ± ${pct(s.sd)}   random ${pct(rd.mean)} ± ${pct(rd.sd)}   | per-user skilled ${pct(su.mean)} ± ${pct(su.sd)}   random ${pct(ru.mean)} ± ${pct(ru.sd)}`;
};

console.log('SVC2004 Task 2, 10 trials x 5 enrolment signatures; EER % mean ± sd over trials');
for (const [tuneName, tuneUsers] of Object.entries(halves)) {
  const [testName, testUsers] = Object.entries(halves).find(([n]) => n !== tuneName)!;
  let best: { params: SignatureParams; eer: number } | undefined;
  for (const params of grid) {
    // Global features need a population spread: take it from the tuning users only.
    const r = runSvc2004(signatures, tuneUsers, params, 1, globalFeatureSpread(signatures, tuneUsers));
    const eer = meanSd(r.skilled).mean;
    console.log(`  tune on ${tuneName}: ${pct(eer)} % skilled (global) with ${describe(params)}`);
    if (!best || eer < best.eer) best = { params, eer };
  }
  const chosen = best!.params;
  console.log(`chosen on ${tuneName}: ${describe(chosen)}`);
  console.log(line(`  tuning users ${tuneName}`, runSvc2004(signatures, tuneUsers, chosen, 1, globalFeatureSpread(signatures, tuneUsers))));
  console.log(line(`  held-out users ${testName}`, runSvc2004(signatures, testUsers, chosen, 1, globalFeatureSpread(signatures, tuneUsers))));
}
console.log(line('defaults, all 40 users', runSvc2004(signatures, users(1, 40), DEFAULT_SIGNATURE_PARAMS)));
const speed = dtwThroughput(signatures, DEFAULT_SIGNATURE_PARAMS);
console.log(`DTW: ${speed.perSecond.toFixed(0)} comparisons/s on one core, signatures of ${speed.meanPoints.toFixed(0)} points on average (${DEFAULT_SIGNATURE_PARAMS.functions.length} time functions, band ${DEFAULT_SIGNATURE_PARAMS.dtwBand})`);
