import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import { EmbeddingIndex } from './embedding-index';
import { Gallery, StaleGalleryError } from './gallery';

function unitVectors(n: number, dims: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const v = Float32Array.from({ length: dims }, () => random.normal());
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('EmbeddingIndex', () => {
  it('returns exactly the brute-force top k, best first', () => {
    const vectors = unitVectors(500, 16, 1);
    const index = new EmbeddingIndex(16, 4);
    for (const v of vectors) index.add(v);
    const [query] = unitVectors(1, 16, 2);
    const truth = vectors.map((v, row) => ({ row, score: dot(v, query) })).sort((a, b) => b.score - a.score).slice(0, 7);
    const hits = index.search(query, 7);
    expect(hits.map((h) => h.row)).toEqual(truth.map((t) => t.row));
    hits.forEach((h, i) => expect(h.score).toBeCloseTo(truth[i].score, 5));
  });

  it('keeps rows dense on removal and reports which row moved', () => {
    const vectors = unitVectors(3, 4, 3);
    const index = new EmbeddingIndex(4);
    vectors.forEach((v) => index.add(v));
    expect(index.remove(0)).toBe(2);
    expect(index.size).toBe(2);
    expect(index.search(vectors[2], 1)[0]).toMatchObject({ row: 0 });
    expect(() => index.add(new Float32Array(3))).toThrow(RangeError);
  });
});

describe('Gallery', () => {
  const spec = { modality: 'face', model: 'test-model/aligned', templateVersion: 1, dims: 8 };

  it('enrols, searches by best sample per identity, removes, and survives a reopen', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'biofuse-gallery-')), 'g.db');
    const [a1, a2, b1, c1] = unitVectors(4, 8, 5);
    const gallery = await Gallery.open(path, spec);
    gallery.add('alice', 'alice/1.jpg', 'h1', Uint8Array.of(1), a1);
    gallery.add('alice', 'alice/2.jpg', 'h2', Uint8Array.of(2), a2);
    gallery.add('bob', 'bob/1.jpg', 'h3', Uint8Array.of(3), b1);
    gallery.add('carol', 'carol/1.jpg', 'h4', Uint8Array.of(4), c1);
    const top = gallery.search(a2, 2);
    expect(top[0]).toMatchObject({ identity: 'alice', source: 'alice/2.jpg' });
    expect(top[0].score).toBeCloseTo(1, 5);
    expect(top.map((c) => c.identity)).not.toContain(undefined);
    expect(new Set(top.map((c) => c.identity)).size).toBe(2);
    expect(gallery.list()).toEqual([
      { identity: 'alice', samples: 2 },
      { identity: 'bob', samples: 1 },
      { identity: 'carol', samples: 1 },
    ]);
    expect(gallery.findBySource('bob/1.jpg')).toMatchObject({ identity: 'bob', contentHash: 'h3' });
    expect(gallery.remove('alice')).toBe(2);
    expect(gallery.search(a2, 3).map((c) => c.identity).sort()).toEqual(['bob', 'carol']);
    gallery.close();

    const reopened = await Gallery.open(path, spec);
    expect(reopened.size).toBe(2);
    expect(reopened.search(c1, 1)[0]).toMatchObject({ identity: 'carol' });
    expect(Array.from(reopened.records('bob')[0].template)).toEqual([3]);
    reopened.close();
  });

  it('refuses to open a gallery built by another pipeline', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'biofuse-gallery-')), 'g.db');
    (await Gallery.open(path, spec)).close();
    await expect(Gallery.open(path, { ...spec, model: 'other-model/aligned' })).rejects.toBeInstanceOf(StaleGalleryError);
    await expect(Gallery.open(path, { ...spec, templateVersion: 2 })).rejects.toThrow(/templateVersion "1"/);
  });
});
