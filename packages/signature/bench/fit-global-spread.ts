/**
 * Prints the pooled within-writer spread of each global feature over the SVC2004 Task 2
 * enrolment pool (S1-S10) of all 40 users: the constant SVC2004_GLOBAL_WITHIN_SPREAD in
 * src/features/global-spread.ts, which a modality built from a config uses.
 *
 * Usage: npx tsx packages/signature/bench/fit-global-spread.ts [--data-root DIR]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sharedDatasetsRoot } from '@biofuse/core/testing';
import { enrolmentPoolSpread, loadSvc2004 } from './svc2004-protocol';
import { GLOBAL_FEATURES } from '../src/features/global-features';

const { values } = parseArgs({ options: { 'data-root': { type: 'string' } } });
const signatures = await loadSvc2004(join(values['data-root'] ?? sharedDatasetsRoot(), 'svc2004-task2'));
const spread = enrolmentPoolSpread(signatures, Array.from({ length: 40 }, (_, i) => i + 1));
console.log(Array.from(spread, (v, k) => `  ${Number(v.toPrecision(4))}, // ${GLOBAL_FEATURES[k]}`).join('\n'));
