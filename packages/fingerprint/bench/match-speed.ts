/**
 * Comparison speed on one core: every ordered pair of one DB's templates, prepared once (so
 * each comparison is a prepared probe against a prepared candidate).
 *   npx tsx bench/match-speed.ts [folder] [original|stored]
 * Default: the FVC2002 DB1_B ISO templates in their original image frame. Prints the time per
 * prepareTemplate and comparisons per second (median of 7 runs after a warm-up run).
 */
import { join } from 'node:path';
import { compareFingerprints, prepareTemplate } from '../src/match/index';
import { FVC2002_ISO, loadIsoFolder } from './match-data';

const dir = process.argv[2] ?? join(FVC2002_ISO, 'DB1_B');
const items = loadIsoFolder(dir, process.argv[3] === 'stored' ? 'stored' : 'original');
const templates = items.map((it) => it.template);

let t0 = performance.now();
const prepareRuns = 5;
let prepared = templates.map((t) => prepareTemplate(t));
for (let r = 1; r < prepareRuns; r++) prepared = templates.map((t) => prepareTemplate(t));
const prepareMs = (performance.now() - t0) / (prepareRuns * templates.length);

const n = prepared.length;
let sink = 0;
const allPairs = () => {
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) sink += compareFingerprints(prepared[i], prepared[j]).similarity;
};
allPairs(); // warm-up
// Wall time, and this process's CPU time (which other load on the machine does not inflate).
const rates: number[] = [];
const cpuRates: number[] = [];
for (let r = 0; r < 7; r++) {
  t0 = performance.now();
  const c0 = process.cpuUsage();
  allPairs();
  const cpu = process.cpuUsage(c0);
  rates.push((n * (n - 1)) / ((performance.now() - t0) / 1000));
  cpuRates.push((n * (n - 1)) / ((cpu.user + cpu.system) / 1e6));
}
rates.sort((a, b) => a - b);
cpuRates.sort((a, b) => a - b);
const minutiae = prepared.reduce((s, p) => s + p.count, 0) / n;
console.log(`${dir}: ${n} templates, ${minutiae.toFixed(1)} matchable minutiae on average`);
console.log(`prepareTemplate: ${prepareMs.toFixed(3)} ms per template`);
console.log(`compareFingerprints: ${Math.round(rates[3])} pairs/s median wall time (min ${Math.round(rates[0])}, max ${Math.round(rates[6])}); ${Math.round(cpuRates[3])} pairs/s per CPU second; ${n * (n - 1)} ordered pairs per run, one thread`);
if (Number.isNaN(sink)) console.log('');
