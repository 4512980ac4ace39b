/**
 * 1:N search over a large gallery: fixed-length vector preselection (cosine after centring),
 * then full comparisons of the top K candidates, on one core.
 *   npx tsx bench/match-1toN.ts [galleryEntries=100000] [distinctDistractors=5000] [K,K,...]
 *   (SCAN=js scans with the JavaScript loop instead of the WebAssembly kernel, for comparison)
 *
 * Mates and probes: the FVC2004 DB3_B and DB4_B ISO templates (20 fingers): impression 1 of
 * each finger is enrolled, impressions 2-8 are the 140 probes. Distractors: chimeras of two
 * FVC2004 DB1_B/DB2_B templates (each moved by a random rotation and translation, cut along a
 * random line through its centre, with 15 % of its minutiae dropped and 3 px jitter), so they
 * look like prints locally but belong to no probe finger. `distinctDistractors` of them are
 * prepared; the rest of the gallery repeats them, each repeat with its vector slightly jittered
 * so that preselection still sees distinct vectors (the timing is that of distinct entries:
 * every full comparison loads its candidate). FVC2002 is not used.
 */
import { join } from 'node:path';
import { EmbeddingIndex, preselectionErrors, seededRandom, type Random } from '@biofuse/core';
import { centreVectors, compareFingerprints, prepareTemplate, type PreparedTemplate } from '../src/match/index';
import type { FingerprintTemplate } from '../src/template/fingerprint-template';
import { frameHolding } from '../src/template/frame';
import { minutiaList, minutiaSet, type Minutia } from '../src/template/minutiae';
import { FVC2004_ISO, loadIsoFolder, pct } from './match-data';

const galleryEntries = Number(process.argv[2] ?? 100_000);
const distinct = Number(process.argv[3] ?? 5_000);
const shortlists = (process.argv[4] ?? '500,2000,5000').split(',').map(Number);
const rng = seededRandom(2004);

const mateSets = ['DB3_B', 'DB4_B'].flatMap((db) => loadIsoFolder(join(FVC2004_ISO, db)).map((it) => ({ ...it, finger: `${db}/${it.finger}` })));
const sources = ['DB1_B', 'DB2_B'].flatMap((db) => loadIsoFolder(join(FVC2004_ISO, db)).map((it) => it.template));

let t0 = performance.now();
const enrolled = mateSets.filter((it) => it.impression === 1);
const probes = mateSets.filter((it) => it.impression !== 1);
const distractors: PreparedTemplate[] = [];
for (let k = 0; k < distinct; k++) distractors.push(prepareTemplate(chimera(sources[rng.int(sources.length)], sources[rng.int(sources.length)], rng)));
const enrolledPrepared = enrolled.map((it) => prepareTemplate(it.template));
const prepareSeconds = (performance.now() - t0) / 1000;

// Gallery: the enrolled mates at random rows, distractors (repeated) everywhere else.
const n = galleryEntries;
const d = enrolledPrepared[0].vector.length;
const gallery: PreparedTemplate[] = new Array(n);
const raw = new Float32Array(n * d);
const mateRow = new Map<string, number>();
const rows = rng.shuffle(Array.from({ length: n }, (_, i) => i));
enrolled.forEach((it, e) => {
  gallery[rows[e]] = enrolledPrepared[e];
  raw.set(enrolledPrepared[e].vector, rows[e] * d);
  mateRow.set(it.finger, rows[e]);
});
for (let e = enrolled.length; e < n; e++) {
  const t = distractors[(e - enrolled.length) % distinct];
  const row = rows[e];
  gallery[row] = t;
  const repeat = e - enrolled.length >= distinct;
  for (let k = 0; k < d; k++) raw[row * d + k] = t.vector[k] * (repeat ? 1 + 0.2 * (rng.next() - 0.5) : 1);
}
t0 = performance.now();
const { vectors: galleryVectors, centre } = centreVectors(raw, d);
const index = new EmbeddingIndex(d, n, { useWasm: process.env.SCAN !== 'js' });
for (let r = 0; r < n; r++) index.add(galleryVectors.subarray(r * d, (r + 1) * d));
const centreSeconds = (performance.now() - t0) / 1000;
console.log(`preselection scan: ${index.accelerated ? 'WebAssembly SIMD' : 'JavaScript'}`);
console.log(`gallery: ${n} entries (${enrolled.length} enrolled mates, ${distinct} distinct distractors), vectors ${d} floats = ${((n * d * 4) / 2 ** 20).toFixed(0)} MiB`);
console.log(`prepared ${enrolled.length + distinct} templates in ${prepareSeconds.toFixed(1)} s; centred the gallery's vectors in ${centreSeconds.toFixed(2)} s`);

for (const K of shortlists) {
  const times: number[] = [];
  const preselectTimes: number[] = [];
  let inShortlist = 0;
  let rank1 = 0;
  for (const probe of probes) {
    const start = performance.now();
    const p = prepareTemplate(probe.template);
    const q = centreVectors(p.vector, d, centre).vectors;
    const searchStart = performance.now();
    const indices = index.search(q, K).map((hit) => hit.row);
    preselectTimes.push(performance.now() - searchStart);
    let best = -1;
    let bestScore = -1;
    for (let c = 0; c < indices.length; c++) {
      const s = compareFingerprints(p, gallery[indices[c]]).similarity;
      if (s > bestScore) {
        bestScore = s;
        best = indices[c];
      }
    }
    times.push(performance.now() - start);
    const mate = mateRow.get(probe.finger);
    if (indices.includes(mate!)) inShortlist++;
    if (best === mate) rank1++;
  }
  times.sort((a, b) => a - b);
  preselectTimes.sort((a, b) => a - b);
  const median = times[times.length >> 1];
  const p95 = times[Math.floor(0.95 * (times.length - 1))];
  console.log(
    `K=${K}: ${probes.length} probes, time per search (prepare probe + preselect ${n} + ${K} comparisons) median ${median.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (preselection alone ${preselectTimes[preselectTimes.length >> 1].toFixed(0)} ms); ` +
      `mate in shortlist ${pct(inShortlist / probes.length)}, rank-1 identification ${pct(rank1 / probes.length)}`,
  );
}

// Pre-selection error against penetration rate (ISO/IEC 19795-1) of the vector ranking alone.
const mateRanks = probes.map((probe) => index.rankOf(centreVectors(prepareTemplate(probe.template).vector, d, centre).vectors, mateRow.get(probe.finger)!));
const curve = preselectionErrors(mateRanks, n, [0.001, 0.005, 0.01, 0.02, 0.05, 0.1]);
console.log(
  `pre-selection error by penetration rate (vector ranking of all ${n}): ` +
    curve.map((p) => `${pct(p.penetrationRate)} (${p.listLength}) -> ${pct(p.error)}`).join(', '),
);

function chimera(a: FingerprintTemplate, b: FingerprintTemplate, r: Random): FingerprintTemplate {
  const cut = r.next() * 2 * Math.PI;
  const keep = (t: FingerprintTemplate, side: 1 | -1): Minutia[] => {
    const list = minutiaList(t.minutiae);
    const cx = list.reduce((s, m) => s + m.x, 0) / Math.max(list.length, 1);
    const cy = list.reduce((s, m) => s + m.y, 0) / Math.max(list.length, 1);
    const rot = r.next() * 2 * Math.PI;
    const c = Math.cos(rot);
    const s = Math.sin(rot);
    return list
      .filter((m) => side * ((m.x - cx) * Math.cos(cut) + (m.y - cy) * Math.sin(cut)) >= 0 && r.next() > 0.15)
      .map((m) => {
        const dx = m.x - cx;
        const dy = m.y - cy;
        // A rotation by rot on screen (y down): the angle, counter-clockwise on screen, turns by -rot.
        return { ...m, x: 150 + c * dx - s * dy + 3 * r.normal(), y: 200 + s * dx + c * dy + 3 * r.normal(), angle: m.angle - rot };
      });
  };
  // Laid out around (150, 200) in a 300 x 400 frame, grown to hold it (the matcher reads no
  // frame, but prepareTemplate refuses minutiae outside it); a set reaching left of or above
  // the image is first moved right or down by whole pixels.
  const list = [...keep(a, 1), ...keep(b, -1)];
  const shiftX = Math.ceil(Math.max(0, ...list.map((m) => -m.x)));
  const shiftY = Math.ceil(Math.max(0, ...list.map((m) => -m.y)));
  const minutiae = minutiaSet(shiftX === 0 && shiftY === 0 ? list : list.map((m) => ({ ...m, x: m.x + shiftX, y: m.y + shiftY })));
  return { ...frameHolding(minutiae, { width: 300, height: 400 }), dpi: 500, quality: 0, minutiae };
}
