/**
 * How well the fixed-length vector separates genuine from impostor pairs by cosine similarity
 * after centring on the set's mean (FVC protocol, all cross-finger impostors), and how deep a 1:N shortlist must go to keep the
 * mates: for every template, the share of its 7 mates among the top 10 % of the other 79.
 *   FRAME=original npx tsx bench/match-vector.ts [fvc2004|fvc2002] ['{"vectorDistanceBins":10}' ...]
 * (FRAME: 'original' or, by default, 'stored'; see match-data.ts.)
 */
import { join } from 'node:path';
import { centreVectors, matchParams, prepareTemplate, type MatchParams } from '../src/match/index';
import { DBS, FVC2002_ISO, FVC2004_ISO, loadIsoFolder, pct, protocolMetrics, protocolScores } from './match-data';

const set = process.argv[2] ?? 'fvc2004';
const root = set === 'fvc2002' ? FVC2002_ISO : FVC2004_ISO;
const configs = process.argv.length > 3 ? process.argv.slice(3) : ['{}'];
const frame = process.env.FRAME === 'original' ? 'original' : 'stored';
const data = DBS.map((db) => ({ db, items: loadIsoFolder(join(root, db), frame) }));
for (const raw of configs) {
  const P: MatchParams = matchParams(JSON.parse(raw) as Partial<MatchParams>);
  const rows = data.map(({ db, items }) => {
    const raw = items.map((it) => prepareTemplate(it.template, P).vector);
    const d = raw[0].length;
    const all = new Float32Array(raw.length * d);
    raw.forEach((x, i) => all.set(x, i * d));
    // Centred on this set's own mean, as a gallery would be (no labels involved).
    const centred = centreVectors(all, d).vectors;
    const v = raw.map((_, i) => centred.subarray(i * d, (i + 1) * d));
    const cos = (i: number, j: number) => v[i].reduce((s, x, k) => s + x * v[j][k], 0);
    const m = protocolMetrics(protocolScores(items, cos));
    let kept = 0;
    let mates = 0;
    for (let i = 0; i < items.length; i++) {
      const others = items.map((_, j) => j).filter((j) => j !== i);
      others.sort((p, q) => cos(i, q) - cos(i, p));
      const top = new Set(others.slice(0, Math.ceil(0.1 * others.length)));
      for (const j of others) {
        if (items[j].finger !== items[i].finger) continue;
        mates++;
        if (top.has(j)) kept++;
      }
    }
    return { db, eer: m.eerAll, hit: kept / mates };
  });
  const mean = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  console.log(`${raw}  meanEER ${pct(mean((r) => r.eer))} mates in top 10 % ${pct(mean((r) => r.hit))} | ` + rows.map((r) => `${r.db.slice(0, 3)} ${pct(r.eer)}/${pct(r.hit)}`).join('  '));
}
