/**
 * 1:N search speed: a gallery of N identities (default 100,000) with one template each, held
 * in SQLite with the in-memory exhaustive index. Embeddings are seeded random unit vectors of
 * the real models' sizes (search cost depends on size, not content): median time per query,
 * the time to enrol them, and the time to reopen the file (rebuilding the index).
 * Usage: npm run bench-identify -w packages/face -- [--identities 100000]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Gallery, seededRandom } from '@biofuse/core';

const { values: args } = parseArgs({ options: { identities: { type: 'string', default: '100000' } } });
const n = Number(args.identities);
const random = seededRandom(7);
const unit = (dims: number) => {
  const v = Float32Array.from({ length: dims }, () => random.normal());
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};

for (const [label, dims] of [['dlib-resnet (128-d)', 128], ['ensemble dlib+faceres+mobileface (1408-d)', 1408]] as const) {
  const dir = await mkdtemp(join(tmpdir(), 'biofuse-identify-'));
  const path = join(dir, 'gallery.db');
  const spec = { modality: 'face', model: `bench-${dims}`, templateVersion: 1, dims };
  const gallery = await Gallery.open(path, spec);
  const template = new Uint8Array(16 + dims * 4);
  const t0 = performance.now();
  gallery.transaction(() => {
    for (let i = 0; i < n; i++) gallery.add(`id-${i}`, `synthetic/${i}`, String(i), template, unit(dims));
  });
  const enrolMs = performance.now() - t0;
  gallery.close();
  const t1 = performance.now();
  const reopened = await Gallery.open(path, spec);
  const openMs = performance.now() - t1;
  const times: number[] = [];
  for (let q = 0; q < 50; q++) {
    const query = unit(dims);
    const t = performance.now();
    reopened.search(query, 5);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(`${label}: ${n.toLocaleString('en')} identities; search top-5 median ${times[25].toFixed(1)} ms (p90 ${times[45].toFixed(1)} ms); enrol ${(enrolMs / 1000).toFixed(1)} s; reopen + index rebuild ${(openMs / 1000).toFixed(2)} s`);
  reopened.close();
  await rm(dir, { recursive: true });
}
