import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import { EmbeddingIndex } from './embedding-index';
import { AcquisitionError, ConfigError, TemplateFormatError } from '../errors';
import { enrolFolder, enrolSamples } from './enrol';
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
    expect(() => index.add(new Float32Array(3))).toThrow(TemplateFormatError);
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

  it('refuses embeddings it could not search before writing them, and stays whole after a rolled-back transaction', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'biofuse-gallery-')), 'g.db');
    const [a, b, c] = unitVectors(3, 8, 9);
    const gallery = await Gallery.open(path, spec);
    gallery.add('alice', 'a.jpg', 'h1', Uint8Array.of(1), a);
    expect(() => gallery.add('bob', 'b.jpg', 'h2', Uint8Array.of(2), b.slice(0, 3))).toThrow(TemplateFormatError);
    const nan = Float32Array.from(b);
    nan[4] = Number.NaN;
    expect(() => gallery.add('bob', 'b.jpg', 'h2', Uint8Array.of(2), nan)).toThrow(/not a finite number/);
    expect(() => gallery.search(nan, 1)).toThrow(/the query has a value that is not a finite number/);
    // A transaction that fails half-way: SQLite rolls back, and so does the search index.
    expect(() =>
      gallery.transaction(() => {
        gallery.add('carol', 'c.jpg', 'h3', Uint8Array.of(3), c);
        gallery.add('dave', 'd.jpg', 'h4', Uint8Array.of(4), c.slice(0, 2));
      }),
    ).toThrow(TemplateFormatError);
    expect(gallery.size).toBe(1);
    expect(gallery.list()).toEqual([{ identity: 'alice', samples: 1 }]);
    expect(gallery.search(c, 5).map((x) => x.identity)).toEqual(['alice']);
    gallery.close();
    const reopened = await Gallery.open(path, spec);
    expect(reopened.size).toBe(1);
    reopened.close();
  });

  it('refuses vectors that are not of unit length, on add and in a damaged file (one long vector topped every search)', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'biofuse-gallery-')), 'g.db');
    const [a, b, q] = unitVectors(3, 8, 11);
    const gallery = await Gallery.open(path, spec);
    gallery.add('alice', 'a.jpg', 'h1', Uint8Array.of(1), a);
    gallery.add('bob', 'b.jpg', 'h2', Uint8Array.of(2), b);
    expect(() => gallery.add('mallory', 'm.jpg', 'h3', Uint8Array.of(3), a.map((v) => v * 1e30))).toThrow(/has length 1\.00000e\+30; a gallery holds unit vectors/);
    gallery.add('zero', 'z.jpg', 'h4', Uint8Array.of(4), new Float32Array(8)); // all zeros: a template with nothing to describe
    gallery.close();
    // Bob's stored vector damaged on disk: opening says which record, and leaves the file as it is.
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path);
    const long = Buffer.from(b.map((v) => v * 1e30).buffer);
    db.prepare('UPDATE records SET embedding = ? WHERE identity = ?').run(long, 'bob');
    db.close();
    await expect(Gallery.open(path, spec)).rejects.toThrow(/gallery record 2 \(bob\) has length .*e\+30/);
    const nan = Buffer.from(new Float32Array(8).fill(Number.NaN).buffer);
    const again = new Database(path);
    again.prepare('UPDATE records SET embedding = ? WHERE identity = ?').run(nan, 'bob');
    again.close();
    await expect(Gallery.open(path, spec)).rejects.toThrow(/gallery record 2 \(bob\) has a value that is not a finite number/);
    expect(() => gallery.search(q, 1)).toThrow(); // closed
  });

  it('opens only what is a gallery: a missing file when asked not to create one, another SQLite database never', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'biofuse-gallery-'));
    await expect(Gallery.open(join(dir, 'typo.db'), spec, { create: false })).rejects.toThrow(/typo\.db: no such gallery/);
    expect(existsSync(join(dir, 'typo.db'))).toBe(false);
    const { default: Database } = await import('better-sqlite3');
    const other = new Database(join(dir, 'other.db'));
    other.exec('CREATE TABLE invoices (id INTEGER)');
    other.close();
    await expect(Gallery.open(join(dir, 'other.db'), spec)).rejects.toThrow(/other\.db: cannot be opened as a biofuse gallery: an SQLite database of other tables \(invoices\)/);
    // A path under a file, and an embedding length of 0: typed errors (they were a raw EEXIST and a RangeError).
    await writeFile(join(dir, 'a-file'), 'x');
    await expect(Gallery.open(join(dir, 'a-file', 'g.db'), spec)).rejects.toThrow(/a-file\/g\.db: cannot be opened as a biofuse gallery/);
    await expect(Gallery.open(join(dir, 'zero.db'), { ...spec, dims: 0 })).rejects.toThrow(ConfigError);
    // A search for NaN candidates never ended.
    const g = await Gallery.open(':memory:', spec);
    g.add('alice', 'a', 'h', new Uint8Array(1), new Float32Array(spec.dims).fill(1 / Math.sqrt(spec.dims)));
    for (const k of [Number.NaN, 0, 1.5]) expect(() => g.search(new Float32Array(spec.dims), k)).toThrow(ConfigError);
    g.close();
  });
});

describe('enrolment', () => {
  const spec = { modality: 'test', model: 'bytes', templateVersion: 1, dims: 2 };
  // A toy modality: a file's first two bytes, L2-normalised, are its embedding; a file starting with 'x' cannot be enrolled.
  const enrol = async (bytes: Buffer) => {
    if (bytes[0] === 0x78) throw new AcquisitionError('no_sample', 'unusable sample');
    const length = Math.hypot(bytes[0], bytes[1]);
    return { template: Uint8Array.from(bytes), embedding: Float32Array.of(bytes[0] / length, bytes[1] / length) };
  };

  it('keeps a gallery in line with its folder: skips the unchanged, replaces the changed, removes what no longer stands for a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'biofuse-enrol-'));
    for (const person of ['alice', 'bob']) await mkdir(join(dir, person));
    await writeFile(join(dir, 'alice', '1.bin'), 'ab');
    await writeFile(join(dir, 'alice', '2.bin'), 'cd');
    await writeFile(join(dir, 'bob', '1.bin'), 'ef');
    const gallery = await Gallery.open(join(dir, 'g.db'), spec);
    expect(await enrolFolder(gallery, dir, enrol)).toMatchObject({ enrolled: 3, unchanged: 0, replaced: 0, removed: 0, failed: [] });
    expect(await enrolFolder(gallery, dir, enrol)).toMatchObject({ enrolled: 0, unchanged: 3, replaced: 0, removed: 0 });
    await writeFile(join(dir, 'alice', '1.bin'), 'xx'); // changed, and no longer enrols
    await writeFile(join(dir, 'alice', '2.bin'), 'gh'); // changed
    await rm(join(dir, 'bob', '1.bin')); // gone
    await writeFile(join(dir, 'bob', '2.bin'), 'ij'); // new
    const report = await enrolFolder(gallery, dir, enrol);
    expect(report).toMatchObject({ enrolled: 2, unchanged: 0, replaced: 1, removed: 2 });
    expect(report.failed).toEqual([{ source: join(dir, 'alice', '1.bin'), reason: 'unusable sample (its earlier record was removed)' }]);
    expect(gallery.list()).toEqual([
      { identity: 'alice', samples: 1 },
      { identity: 'bob', samples: 1 },
    ]);
    expect(gallery.records('bob').map((r) => r.source)).toEqual([join(dir, 'bob', '2.bin')]);
    // Files enrolled one by one follow the same rule: the same file twice is one record.
    const again = await enrolSamples(gallery, 'alice', [join(dir, 'alice', '2.bin'), join(dir, 'alice', '2.bin')], (s) => enrol(s as Buffer), (p) => p);
    expect(again).toMatchObject({ enrolled: 0, unchanged: 2 });
    expect(gallery.list()[0]).toEqual({ identity: 'alice', samples: 1 });
    gallery.close();
  });
});
