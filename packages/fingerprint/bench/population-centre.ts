/**
 * Writes src/match/population-centre.json: the mean fixed-length vector of a seeded synthetic
 * population (our generator, our extractor), which `embed` subtracts so that cosine similarity
 * measures what is particular to a print rather than what all prints share. No real data is
 * involved, so no test set leaks into it.
 *
 * Usage: npx tsx bench/population-centre.ts [--fingers 150] [--impressions 2] [--seed 424242]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FingerprintAcquisitionError } from '../src/errors';
import { extractFingerprint } from '../src/extract/extract';
import { fingerprintVector } from '../src/match/index';
import { synthesizeImpression, synthesizeMasterFingerprint } from '../src/synthetic/index';

const { values } = parseArgs({ options: { fingers: { type: 'string', default: '150' }, impressions: { type: 'string', default: '2' }, seed: { type: 'string', default: '424242' } } });
const fingers = Number(values.fingers);
const impressions = Number(values.impressions);
const seed = Number(values.seed);
let sum: Float64Array | undefined;
let count = 0;
for (let f = 0; f < fingers; f++) {
  const master = synthesizeMasterFingerprint(seed + f);
  for (let i = 0; i < impressions; i++) {
    try {
      const v = fingerprintVector(extractFingerprint(synthesizeImpression(master, seed * 7 + f * impressions + i)).template);
      sum ??= new Float64Array(v.length);
      for (let k = 0; k < v.length; k++) sum[k] += v[k];
      count++;
    } catch (err) {
      if (!(err instanceof FingerprintAcquisitionError)) throw err;
    }
  }
}
if (!sum) throw new Error('no print could be extracted');
const centre = Array.from(sum, (v) => Number((v / count).toPrecision(6)));
const out = join(import.meta.dirname, '..', 'src', 'match', 'population-centre.json');
writeFileSync(out, `${JSON.stringify({ source: 'synthetic', fingers, impressions, seed, prints: count, centre })}\n`);
console.log(`${count} prints -> ${out}`);
