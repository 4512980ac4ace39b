/**
 * Parameter exploration on the TUNING set only (FVC2004 ISO templates):
 *   npx tsx bench/match-tune.ts '{"cylinderRadiusPx":60}' '{"maxDirectionDifferenceRad":1.2}' ...
 * Each argument is a JSON object of MatchParams overrides; prints per-DB EER (all cross-finger
 * impostors) and FNMR@FMR=1 %, and their means. Never point this at FVC2002.
 * FRAME=original maps the records onto the databases' real image frames first (see match-data).
 */
import { join } from 'node:path';
import { compareFingerprints, matchParams, prepareTemplate, type MatchParams } from '../src/match/index';
import { DBS, FVC2004_ISO, loadIsoFolder, pct, protocolMetrics, protocolScores } from './match-data';

const frame = process.env.FRAME === 'original' ? 'original' : 'stored';
const sets = DBS.map((db) => ({ db, items: loadIsoFolder(join(FVC2004_ISO, db), frame) }));
const configs = process.argv.length > 2 ? process.argv.slice(2) : ['{}'];
for (const raw of configs) {
  const P: MatchParams = matchParams(JSON.parse(raw) as Partial<MatchParams>);
  const t0 = performance.now();
  const rows = sets.map(({ db, items }) => {
    const prepared = items.map((it) => prepareTemplate(it.template, P));
    return { db, m: protocolMetrics(protocolScores(items, (i, j) => compareFingerprints(prepared[i], prepared[j], P).similarity)) };
  });
  const mean = (f: (r: (typeof rows)[number]) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
  console.log(
    `${raw}  meanEER ${pct(mean((r) => r.m.eerAll))} meanFNMR@1% ${pct(mean((r) => r.m.fnmrAt1))} | ` +
      rows.map((r) => `${r.db.slice(0, 3)} ${pct(r.m.eerAll)}/${pct(r.m.fnmrAt1)}`).join('  ') +
      `  (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}
