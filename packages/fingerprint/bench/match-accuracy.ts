/**
 * FVC-protocol accuracy of the minutiae matcher on the ISO template folders.
 *   npx tsx bench/match-accuracy.ts [fvc2004|fvc2002] [original|stored] [DB...]
 * FVC2004 is the tuning set; FVC2002 is for reporting only (no parameter was chosen on it).
 * Frame: 'original' (default) maps the records onto each database's real image size and
 * resolution, 'stored' reads them as written (see match-data.ts).
 */
import { join } from 'node:path';
import { compareFingerprints, prepareTemplate } from '../src/match/index';
import { DBS, FVC2002_ISO, FVC2004_ISO, loadIsoFolder, pct, protocolMetrics, protocolScores, type IsoFrame } from './match-data';

const set = process.argv[2] ?? 'fvc2004';
const frame: IsoFrame = process.argv[3] === 'stored' ? 'stored' : 'original';
const root = set === 'fvc2002' ? FVC2002_ISO : FVC2004_ISO;
const dbs = process.argv.length > 4 ? process.argv.slice(4) : [...DBS];
console.log(`${set} (${frame} frame): EER with the FVC impostors (280 genuine / 45 impostor) | EER, FNMR@FMR<=1 %, ZeroFMR with all cross-finger impostors (280 / 2,880)`);
for (const db of dbs) {
  const items = loadIsoFolder(join(root, db), frame);
  const prepared = items.map((it) => prepareTemplate(it.template));
  const m = protocolMetrics(protocolScores(items, (i, j) => compareFingerprints(prepared[i], prepared[j]).similarity));
  console.log(`${db}  ${pct(m.eerFvc)} | ${pct(m.eerAll)}  ${pct(m.fnmrAt1)}  ${pct(m.zeroFmr)}`);
}
