/**
 * Which time functions DTW should compare, chosen on one half of the SVC2004 users at a time
 * (searchTimeFunctions: single additions and removals from the earlier default set, skilled
 * forgeries, one threshold for all users) and checked on the other half with the same choice.
 * Slow (some 20 DTW configurations per move and half; about 10-20 minutes on one core): its
 * result is recorded in svc2004-feature-sets.ts.
 *
 * Usage: npm run bench-svc2004-features -w packages/signature [-- --data-root DIR]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sharedDatasetsRoot } from '@biofuse/core/testing';
import { searchTimeFunctions } from './svc2004-feature-search';
import { PREVIOUS_TIME_FUNCTIONS } from './svc2004-feature-sets';
import { loadSvc2004, meanSd, runSvc2004, SVC2004_HALVES } from './svc2004-protocol';
import { parseSignatureParams } from '../src/params';

const { values } = parseArgs({ options: { 'data-root': { type: 'string' } } });
const signatures = await loadSvc2004(join(values['data-root'] ?? sharedDatasetsRoot(), 'svc2004-task2'));
const halves: Record<string, readonly number[]> = SVC2004_HALVES;
const pct = (x: number) => (x * 100).toFixed(2);

for (const [tune, tuneUsers] of Object.entries(halves)) {
  const [other, otherUsers] = Object.entries(halves).find(([h]) => h !== tune)!;
  for (const step of searchTimeFunctions(signatures, tuneUsers, PREVIOUS_TIME_FUNCTIONS)) {
    const params = parseSignatureParams({ functions: step.functions, frameDistance: 'manhattan', localScaleExponent: step.exponent });
    const held = meanSd(runSvc2004(signatures, otherUsers, params, 1, undefined, { skilledOnly: true }).skilled).mean;
    console.log(`${tune}: ${step.move.padEnd(22)} ${pct(step.eer)} % skilled (scale^${step.exponent}); ${other} with the same: ${pct(held)} %  [${step.functions.join(', ')}]`);
  }
}
