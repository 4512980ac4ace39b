/**
 * Writes src/compare/decision-thresholds.json: the similarity thresholds at which the shipped
 * defaults accept 10 %, 5 % and 1 % of skilled forgeries on SVC2004 Task 2 (all 40 users, the
 * competition's protocol: 10 seeded trials of 5 enrolment signatures, 8,000 skilled-forgery
 * comparisons pooled). `biofuse signature verify` decides with them.
 *
 * The file also records how each threshold transfers: set on one half of the users and used on
 * the other (both ways), the share of skilled forgeries it accepts and of genuine signatures it
 * rejects there. (The defaults themselves were chosen with both halves in view; this checks
 * only the threshold.)
 *
 * Usage: npm run calibrate-thresholds -w packages/signature [-- --data-root DIR]   (~1 min)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { acceptanceThreshold, errorRateCurve, ratesAt, scoreSet, type SubjectComparison } from '@biofuse/core';
import { sharedDatasetsRoot } from '@biofuse/core/testing';
import { loadSvc2004, runSvc2004, SVC2004_HALVES, users } from './svc2004-protocol';
import { DEFAULT_SIGNATURE_PARAMS } from '../src/params';
import { DECISION_THRESHOLD_REFERENCES } from '../src/compare/decision';
import { SVC2004_GLOBAL_WITHIN_SPREAD } from '../src/features/global-spread';

const TARGETS = [0.1, 0.05, 0.01];
const { values } = parseArgs({ options: { 'data-root': { type: 'string' } } });
const signatures = await loadSvc2004(join(values['data-root'] ?? sharedDatasetsRoot(), 'svc2004-task2'));
const run = (u: readonly number[]) => runSvc2004(signatures, u, DEFAULT_SIGNATURE_PARAMS, 1, SVC2004_GLOBAL_WITHIN_SPREAD, { skilledOnly: true }).skilledByUser;

const forgeries = (c: readonly SubjectComparison[]) => Float64Array.from(c.filter((x) => !x.genuine).map((x) => x.score)).sort();
const rates = (c: readonly SubjectComparison[], threshold: number) =>
  ratesAt(errorRateCurve(scoreSet({ genuine: c.filter((x) => x.genuine).map((x) => x.score), impostor: c.filter((x) => !x.genuine).map((x) => x.score) })), threshold);

const all = run(users(1, 40));
const allForgeries = forgeries(all);
const thresholds = TARGETS.map((targetFmr) => {
  const threshold = acceptanceThreshold(allForgeries, targetFmr);
  return { targetFmr, threshold, ...rates(all, threshold) };
});
const halves = { 'U1-U20': run(SVC2004_HALVES['U1-U20']), 'U21-U40': run(SVC2004_HALVES['U21-U40']) };
const heldOut = TARGETS.flatMap((targetFmr) =>
  (['U1-U20', 'U21-U40'] as const).map((setOn) => {
    const usedOn = setOn === 'U1-U20' ? 'U21-U40' : 'U1-U20';
    const threshold = acceptanceThreshold(forgeries(halves[setOn]), targetFmr);
    return { setOn, usedOn, targetFmr, threshold, ...rates(halves[usedOn], threshold) };
  }),
);

const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
for (const t of thresholds) console.log(`skilled FMR ${pct(t.targetFmr)}: threshold ${t.threshold.toFixed(4)} (all 40 users; FNMR there ${pct(t.fnmr)})`);
for (const h of heldOut) console.log(`  set on ${h.setOn}, used on ${h.usedOn}, target ${pct(h.targetFmr)}: threshold ${h.threshold.toFixed(4)} -> FMR ${pct(h.fmr)}, FNMR ${pct(h.fnmr)}`);
const out = {
  source: `SVC2004 Task 2, all 40 users, shipped defaults, 5 enrolment signatures, 10 seeded trials: ${allForgeries.length} skilled-forgery comparisons pooled`,
  references: DECISION_THRESHOLD_REFERENCES,
  thresholds: thresholds.map(({ targetFmr, threshold }) => ({ targetFmr, threshold })),
  heldOut,
};
writeFileSync(join(import.meta.dirname, '..', 'src', 'compare', 'decision-thresholds.json'), `${JSON.stringify(out, null, 1)}\n`);
console.log('written src/compare/decision-thresholds.json');
