/**
 * Leave-one-DB-out (LODO) selection of extraction parameters on the FVC2002 B sets: every
 * candidate extracts all four DBs (our extractor, our matcher, EER with all 2,880 cross-finger
 * impostor pairs); then, for each DB, the candidate with the lowest mean EER on the OTHER three
 * is picked and its EER on the held-out DB reported. Only a choice made this way is an honest
 * figure for the DB it is reported on.
 *
 * The default candidates replay the two decisions behind today's defaults: one, two or three
 * enhancement passes (with the earlier 6 px border margin), then border margins 2-6 and the
 * alternative the DB2 fold preferred. `--candidates FILE` takes a JSON list of
 * { "name": string, "params": partial ExtractionParams (sub-objects replace whole) } instead;
 * `bench/lodo-margin-steps.json` is the full grid of those two detection options (border margin
 * 2-5 x 7/10/13 direction steps).
 *
 * Usage: npx tsx bench/fvc-lodo.ts [--candidates FILE] [--data-root DIR]   (about 40 s per candidate)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sharedDatasetsRoot } from '@biofuse/core/testing';
import { FingerprintAcquisitionError } from '../src/errors';
import { extractFingerprint } from '../src/extract/extract';
import { DEFAULT_EXTRACTION_PARAMS, type ExtractionParams } from '../src/extract/params';
import type { FingerprintImage } from '../src/image/fingerprint-image';
import { loadFingerprintImage } from '../src/image/load';
import { compareFingerprints, prepareTemplate, type PreparedTemplate } from '../src/match/index';
import { fvc2002Dpi, pct, protocolMetrics, protocolScores } from './match-data';

interface Candidate {
  readonly name: string;
  readonly params: Partial<ExtractionParams>;
}

const D = DEFAULT_EXTRACTION_PARAMS;
const filter = (borderMargin: number) => ({ ...D.filter, borderMargin });
const DEFAULT_CANDIDATES: Candidate[] = [
  { name: '1 pass, margin 6', params: { enhancementPasses: 1, filter: filter(6) } },
  { name: '2 passes, margin 6', params: { enhancementPasses: 2, filter: filter(6) } },
  { name: '3 passes, margin 6', params: { enhancementPasses: 3, filter: filter(6) } },
  ...[2, 3, 4, 5].map((m) => ({ name: `2 passes, margin ${m}`, params: { enhancementPasses: 2, filter: filter(m) } })),
  { name: '2 passes, margin 4, 7 direction steps', params: { enhancementPasses: 2, filter: filter(4), detect: { ...D.detect, directionSteps: 7 } } },
];

const { values } = parseArgs({ options: { candidates: { type: 'string' }, 'data-root': { type: 'string' } } });
const candidates: Candidate[] = values.candidates ? (JSON.parse(readFileSync(values.candidates, 'utf8')) as Candidate[]) : DEFAULT_CANDIDATES;
const root = join(values['data-root'] ?? sharedDatasetsRoot(), 'fvc2002');
const DBS = ['1', '2', '3', '4'];

// Images are decoded once; each candidate extracts them all.
const images: { finger: number; impression: number; image: FingerprintImage }[][] = [];
for (const db of DBS) {
  const dir = join(root, `DB${db}_B`);
  const files = readdirSync(dir).filter((f) => /^\d+_\d+\.tif$/.test(f)).sort();
  const loaded = [];
  for (const file of files) {
    const [finger, impression] = file.replace('.tif', '').split('_').map(Number);
    loaded.push({ finger, impression, image: await loadFingerprintImage(join(dir, file), { dpi: fvc2002Dpi(`DB${db}_B`) }) });
  }
  images.push(loaded);
}

/** EER (2,880 impostor pairs) per DB; a failure to enrol stays in as a non-match. */
function evaluate(params: ExtractionParams): number[] {
  return images.map((items) => {
    const prepared = items.map(({ image }): PreparedTemplate | undefined => {
      try {
        return prepareTemplate(extractFingerprint(image, { params }).template);
      } catch (err) {
        if (err instanceof FingerprintAcquisitionError) return undefined;
        throw err;
      }
    });
    const scores = protocolScores(items, (i, j) => {
      const a = prepared[i];
      const b = prepared[j];
      return a && b ? compareFingerprints(a, b).similarity : -1;
    });
    return protocolMetrics(scores).eerAll;
  });
}

const table: { name: string; eer: number[] }[] = [];
for (const c of candidates) {
  const eer = evaluate({ ...D, ...c.params } as ExtractionParams);
  table.push({ name: c.name, eer });
  console.log(`${c.name.padEnd(40)} ${eer.map((e, k) => `DB${DBS[k]} ${pct(e).padStart(6)}`).join('  ')}   mean ${pct(eer.reduce((a, b) => a + b, 0) / eer.length)}`);
}

console.log('\nleave-one-DB-out: for each DB, the candidate best on the other three, and its EER on this one');
const heldOut: number[] = [];
DBS.forEach((db, k) => {
  const others = (row: { eer: number[] }) => row.eer.reduce((a, e, q) => (q === k ? a : a + e), 0) / (DBS.length - 1);
  const pick = table.reduce((best, row) => (others(row) < others(best) ? row : best));
  heldOut.push(pick.eer[k]);
  console.log(`  DB${db}: ${pick.name} (mean ${pct(others(pick))} on the others) -> held out ${pct(pick.eer[k])}`);
});
console.log(`  held-out mean ${pct(heldOut.reduce((a, b) => a + b, 0) / heldOut.length)}`);
