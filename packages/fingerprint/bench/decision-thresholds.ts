/**
 * Writes src/match/decision-thresholds.json: the similarity thresholds at which our extractor
 * and matcher (default parameters) accept 1 % and 0.1 % of impostors, from every cross-finger
 * pair of the four FVC2002 B sets pooled (11,520 impostor comparisons). `biofuse fingerprint
 * compare` decides with them.
 *
 * A threshold only helps if it transfers to prints it was not set on, so the script also sets
 * each threshold on three of the sets and measures the false match and false non-match rates
 * it gives on the fourth; those figures go into the file beside the thresholds.
 *
 * Usage: npm run calibrate-thresholds -w packages/fingerprint [-- --data-root DIR]   (~1 min)
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { acceptanceThreshold } from '@biofuse/core';
import { sharedDatasetsRoot } from '@biofuse/core/testing';
import { FingerprintAcquisitionError } from '../src/errors';
import { extractFingerprint } from '../src/extract/extract';
import { loadFingerprintImage } from '../src/image/load';
import { compareFingerprints, prepareTemplate, type PreparedTemplate } from '../src/match/index';
import { DBS, fvc2002Dpi, pct, protocolScores } from './match-data';

const TARGETS = [0.01, 0.001];

const { values } = parseArgs({ options: { 'data-root': { type: 'string' } } });
const root = join(values['data-root'] ?? sharedDatasetsRoot(), 'fvc2002');

const sets: { db: string; genuine: number[]; impostor: number[] }[] = [];
for (const db of DBS) {
  const dir = join(root, db);
  const items: { finger: number; impression: number; prepared?: PreparedTemplate }[] = [];
  for (const file of readdirSync(dir).filter((f) => /^\d+_\d+\.tif$/.test(f)).sort()) {
    const [finger, impression] = file.replace('.tif', '').split('_').map(Number);
    let prepared: PreparedTemplate | undefined;
    try {
      prepared = prepareTemplate(extractFingerprint(await loadFingerprintImage(join(dir, file), { dpi: fvc2002Dpi(db) })).template);
    } catch (err) {
      if (!(err instanceof FingerprintAcquisitionError)) throw err;
    }
    items.push({ finger, impression, prepared });
  }
  // A failure to enrol scores -1: it never matches, and it counts among the comparisons.
  const s = protocolScores(items, (i, j) => {
    const a = items[i].prepared;
    const b = items[j].prepared;
    return a && b ? compareFingerprints(a, b).similarity : -1;
  });
  sets.push({ db, genuine: s.genuine, impostor: s.impostorAll });
  console.log(`${db}: ${s.genuine.length} genuine, ${s.impostorAll.length} impostor comparisons`);
}

const sorted = (xs: number[]) => Float64Array.from(xs).sort();
const share = (xs: number[], accept: (s: number) => boolean) => xs.filter(accept).length / xs.length;
const pooled = sorted(sets.flatMap((s) => s.impostor));
const thresholds = TARGETS.map((targetFmr) => ({ targetFmr, threshold: acceptanceThreshold(pooled, targetFmr) }));
const heldOut = TARGETS.flatMap((targetFmr) =>
  sets.map((held) => {
    const threshold = acceptanceThreshold(sorted(sets.filter((s) => s !== held).flatMap((s) => s.impostor)), targetFmr);
    return {
      db: held.db,
      targetFmr,
      threshold,
      fmr: share(held.impostor, (s) => s >= threshold),
      fnmr: share(held.genuine, (s) => s < threshold),
    };
  }),
);

for (const t of thresholds) console.log(`FMR ${pct(t.targetFmr)}: threshold ${t.threshold.toFixed(4)} (all four sets pooled)`);
console.log('set on the other three sets, measured on this one:');
for (const h of heldOut) console.log(`  ${h.db} target FMR ${pct(h.targetFmr)}: threshold ${h.threshold.toFixed(4)} -> FMR ${pct(h.fmr)}, FNMR ${pct(h.fnmr)}`);

const out = {
  source: `FVC2002 DB1_B-DB4_B, our extractor and matcher with default parameters, ${pooled.length} cross-finger impostor comparisons pooled`,
  thresholds,
  heldOut,
};
writeFileSync(join(import.meta.dirname, '..', 'src', 'match', 'decision-thresholds.json'), `${JSON.stringify(out, null, 1)}\n`);
console.log('written src/match/decision-thresholds.json');
