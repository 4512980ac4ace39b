import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random';
import { EmbeddingIndex } from './embedding-index';
import { AcquisitionError, ConfigError, DatasetError, TemplateFormatError } from '../errors';
import { enrolFolder, enrolSamples } from './enrol';
import { Gallery, StaleGalleryError } from './gallery';
import { temporaryFolders } from '../testing';

const tempFolder = temporaryFolders();

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

  it('orders equal scores by the tie keys given, also at the edge of the k kept', () => {
    const [v] = unitVectors(1, 4, 4);
    const index = new EmbeddingIndex(4);
    for (let i = 0; i < 6; i++) index.add(v);
    const keys = [50, 40, 30, 20, 10, 60];
    expect(index.search(v, 3, keys).map((h) => h.row)).toEqual([4, 3, 2]);
    expect(index.search(v, 6, keys).map((h) => keys[h.row])).toEqual([10, 20, 30, 40, 50, 60]);
    expect(index.search(v, 2).map((h) => h.row)).toEqual([0, 1]);
  });
});

describe('Gallery', () => {
  const spec = { modality: 'face', model: 'test-model/aligned', templateVersion: 1, dims: 8 };

  it('enrols, searches by best sample per identity, removes, and survives a reopen', async () => {
    const path = join(await tempFolder('biofuse-gallery-'), 'g.db');
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
    const path = join(await tempFolder('biofuse-gallery-'), 'g.db');
    (await Gallery.open(path, spec)).close();
    await expect(Gallery.open(path, { ...spec, model: 'other-model/aligned' })).rejects.toBeInstanceOf(StaleGalleryError);
    await expect(Gallery.open(path, { ...spec, templateVersion: 2 })).rejects.toThrow(/templateVersion "1"/);
    // The pipeline it records travels with the error, for a modality to word its own message from.
    const stale = await Gallery.open(path, { ...spec, dims: spec.dims + 1 }).catch((err: unknown) => err);
    expect(stale).toBeInstanceOf(StaleGalleryError);
    expect((stale as StaleGalleryError).recorded).toEqual({ modality: spec.modality, model: spec.model, templateVersion: String(spec.templateVersion), dims: String(spec.dims) });
  });

  it('opens a gallery of an older template version the modality still reads, and records the newer one with its first record of it', async () => {
    const path = join(await tempFolder('biofuse-gallery-'), 'g.db');
    const [a, b] = unitVectors(2, 8, 5);
    const old = await Gallery.open(path, spec);
    old.add('alice', 'a.jpg', 'h1', Uint8Array.of(1), a);
    old.close();
    const reads1to2 = { ...spec, templateVersion: 2, oldestTemplateVersion: 1 };
    // Searching changes nothing: a build of version 1 still opens it.
    (await Gallery.open(path, reads1to2, { create: false })).close();
    (await Gallery.open(path, spec, { create: false })).close();
    // A rolled-back record leaves the recorded version as it was.
    const rolledBack = await Gallery.open(path, reads1to2);
    expect(() => rolledBack.transaction(() => {
      rolledBack.add('bob', 'b.jpg', 'h2', Uint8Array.of(2), b);
      throw new Error('stop');
    })).toThrow('stop');
    rolledBack.close();
    (await Gallery.open(path, spec, { create: false })).close();
    // A version-2 record: the gallery says so, and a build reading version 1 only refuses it.
    const upgraded = await Gallery.open(path, reads1to2);
    upgraded.add('bob', 'b.jpg', 'h2', Uint8Array.of(2), b);
    expect(upgraded.size).toBe(2);
    upgraded.close();
    await expect(Gallery.open(path, spec, { create: false })).rejects.toThrow(/holds templates of version 2, newer than this build of biofuse reads \(1\): upgrade biofuse to use it/);
    // Not read: versions outside the range, and a range that does not reach the recorded one.
    await expect(Gallery.open(path, { ...spec, templateVersion: 3, oldestTemplateVersion: 3 })).rejects.toBeInstanceOf(StaleGalleryError);
    await expect(Gallery.open(path, { ...spec, templateVersion: 3, oldestTemplateVersion: 3 })).rejects.toThrow(/built with templateVersion "2", this pipeline uses "3": enrol again/);
    const reads1to3 = await Gallery.open(path, { ...spec, templateVersion: 3, oldestTemplateVersion: 1 }, { create: false });
    expect(reads1to3.size).toBe(2);
    reads1to3.close();
    // The range is the opening build's, not the gallery's: a new gallery records no oldest version.
    const fresh = join(await tempFolder('biofuse-gallery-'), 'g.db');
    (await Gallery.open(fresh, reads1to2)).close();
    const stale = await Gallery.open(fresh, spec).catch((err: unknown) => err);
    expect((stale as StaleGalleryError).recorded).toEqual({ modality: spec.modality, model: spec.model, templateVersion: '2', dims: String(spec.dims) });
  });

  it('refuses embeddings it could not search before writing them, and stays whole after a rolled-back transaction', async () => {
    const path = join(await tempFolder('biofuse-gallery-'), 'g.db');
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
    const path = join(await tempFolder('biofuse-gallery-'), 'g.db');
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
    const dir = await tempFolder('biofuse-gallery-');
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

  it('says an empty gallery holds no records instead of answering no candidates', async () => {
    const path = join(await tempFolder('biofuse-gallery-'), 'g.db');
    const gallery = await Gallery.open(path, spec);
    const [a] = unitVectors(1, 8, 12);
    expect(() => gallery.search(a, 1)).toThrow(DatasetError);
    expect(() => gallery.search(a, 1)).toThrow(`${path}: the gallery holds no records`);
    gallery.add('alice', 'a.jpg', 'h1', Uint8Array.of(1), a);
    expect(gallery.remove('alice')).toBe(1);
    expect(() => gallery.search(a, 1)).toThrow(/holds no records/);
    gallery.close();
  });

  it('opens an empty file for a search as no gallery, and leaves it as it was', async () => {
    const dir = await tempFolder('biofuse-gallery-');
    const path = join(dir, 'empty.db');
    await writeFile(path, '');
    await expect(Gallery.open(path, spec, { create: false })).rejects.toThrow(`${path}: not a biofuse gallery (an empty database)`);
    await expect(Gallery.open(path, spec, { create: false })).rejects.toBeInstanceOf(DatasetError);
    expect((await stat(path)).size).toBe(0);
    expect(existsSync(`${path}-wal`) || existsSync(`${path}-shm`)).toBe(false);
    // Enrolling into it (create) makes it a gallery, as before.
    (await Gallery.open(path, spec)).close();
    expect((await Gallery.open(path, spec, { create: false })).size).toBe(0);
  });

  it('fails at once, with a DatasetError, for a gallery under /proc (a recursive mkdir there never returned)', () => {
    // In a child process: the old mkdirSync blocked its thread for good, which no timeout in this one could end.
    const script = `const { Gallery } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'gallery.ts')).href)});
      for (const path of ['/proc/self/biofuse-no-such/g.db', '/proc/self/g.db']) {
        try { await Gallery.open(path, ${JSON.stringify(spec)}); console.log('opened'); } catch (e) { console.log(e.name + ': ' + e.message); }
      }`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(run.signal).toBe(null);
    const [nested, direct] = run.stdout.trim().split('\n');
    expect(nested).toMatch(/^DatasetError: \/proc\/self\/biofuse-no-such\/g\.db: cannot be opened as a biofuse gallery: .*cannot create the gallery folder \(E[A-Z]+\)$/);
    expect(direct).toMatch(/^DatasetError: \/proc\/self\/g\.db: cannot be opened as a biofuse gallery/);
  }, 30_000);

  it('names the gallery and says it is damaged when a page of its file is (not an internal SqliteError)', async () => {
    const dir = await tempFolder('biofuse-gallery-');
    const path = join(dir, 'g.db');
    const gallery = await Gallery.open(path, spec);
    const vectors = unitVectors(40, 8, 13);
    gallery.transaction(() => vectors.forEach((v, i) => gallery.add(`person${i % 10}`, `p${i}.jpg`, `h${i}`, new Uint8Array(64).fill(i), v)));
    gallery.close(); // the last connection checkpoints the WAL into the file
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(path, { readonly: true });
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const rootOf = (name: string) => (db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(name) as { rootpage: number }).rootpage;
    const tablePage = rootOf('records');
    const indexPage = rootOf('records_identity');
    db.close();
    const pristine = await readFile(path);
    const damage = (page: number) => {
      const fd = openSync(path, 'r+');
      writeSync(fd, Buffer.alloc(pageSize, 0xff), 0, pageSize, (page - 1) * pageSize);
      closeSync(fd);
    };
    // The index of identities damaged: the gallery opens (the search index is read from the table), and reading identities says what is wrong.
    damage(indexPage);
    const opened = await Gallery.open(path, spec);
    expect(() => opened.records('person3')).toThrow(DatasetError);
    expect(() => opened.records('person3')).toThrow(`${path}: the gallery cannot be used: it is damaged (database disk image is malformed)`);
    expect(() => opened.list()).toThrow(/it is damaged/);
    expect(opened.search(vectors[3], 1)[0]).toMatchObject({ identity: 'person3', source: 'p3.jpg' });
    opened.close();
    // The records damaged: opening fails, naming the file.
    await writeFile(path, pristine);
    damage(tablePage);
    const failure = await Gallery.open(path, spec).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DatasetError);
    expect((failure as Error).message).toMatch(new RegExp(`^${path}: .*it is damaged \\(database disk image is malformed\\)`));
    await expect(Gallery.open(path, spec, { create: false })).rejects.toThrow(/it is damaged/);
  });

  it('breaks ties by record id, the same live (after removals moved rows) and after a reopen', async () => {
    const path = join(await tempFolder('biofuse-gallery-'), 'g.db');
    const [v] = unitVectors(1, 8, 14);
    const gallery = await Gallery.open(path, spec);
    for (const who of ['anna', 'bert', 'cleo', 'dora', 'emil']) gallery.add(who, `${who}.jpg`, who, Uint8Array.of(1), v);
    expect(gallery.remove('anna')).toBe(1); // emil's row moves into anna's
    const live = gallery.search(v, 3).map((c) => c.identity);
    expect(live).toEqual(['bert', 'cleo', 'dora']);
    gallery.close();
    const reopened = await Gallery.open(path, spec);
    expect(reopened.search(v, 3).map((c) => c.identity)).toEqual(live);
    expect(reopened.search(v, 4).map((c) => c.identity)).toEqual(['bert', 'cleo', 'dora', 'emil']);
    reopened.close();
  });

  it('removes a failed first gallery only while it is empty and no one else holds it', async () => {
    const dir = await tempFolder('biofuse-gallery-');
    const [a] = unitVectors(1, 8, 15);
    const empty = join(dir, 'empty.db');
    (await Gallery.open(empty, spec)).close();
    expect(await Gallery.removeIfEmpty(empty)).toBe(true);
    expect(existsSync(empty) || existsSync(`${empty}-wal`) || existsSync(`${empty}-shm`)).toBe(false);
    expect(await Gallery.removeIfEmpty(empty)).toBe(true);
    // Holding a record: kept.
    const full = join(dir, 'full.db');
    const filled = await Gallery.open(full, spec);
    filled.add('alice', 'a.jpg', 'h', Uint8Array.of(1), a);
    filled.close();
    expect(await Gallery.removeIfEmpty(full)).toBe(false);
    expect((await Gallery.open(full, spec, { create: false })).size).toBe(1);
    // Empty, but open in another enrolment that has not written yet: kept, and that one can still write into it.
    const busy = join(dir, 'busy.db');
    const other = await Gallery.open(busy, spec);
    expect(await Gallery.removeIfEmpty(busy)).toBe(false);
    other.add('bob', 'b.jpg', 'h', Uint8Array.of(1), a);
    other.close();
    expect((await Gallery.open(busy, spec, { create: false })).size).toBe(1);
    // Not a gallery: kept.
    await writeFile(join(dir, 'notes.txt'), 'hello');
    expect(await Gallery.removeIfEmpty(join(dir, 'notes.txt'))).toBe(false);
    expect(existsSync(join(dir, 'notes.txt'))).toBe(true);
  }, 10_000);
});

describe('enrolment', () => {
  const spec = { modality: 'test', model: 'bytes', templateVersion: 1, dims: 2 };
  // A toy modality: a file's first two bytes, L2-normalised, are its embedding; a file starting with 'x' cannot be enrolled.
  const enrol = async (bytes: Buffer) => {
    if (bytes[0] === 0x78) throw new AcquisitionError('no_sample', 'unusable sample');
    const length = Math.hypot(bytes[0], bytes[1]);
    return { template: Uint8Array.from(bytes), embedding: Float32Array.of(bytes[0] / length, bytes[1] / length) };
  };

  it('refuses searches of a gallery whose enrolment stopped half-way, until an enrolment completes it (Ctrl-C left a gallery that was searched as whole)', async () => {
    const dir = await tempFolder('biofuse-enrol-');
    for (const person of ['alice', 'bob']) await mkdir(join(dir, person));
    await writeFile(join(dir, 'alice', '1.bin'), 'ab');
    await writeFile(join(dir, 'bob', '1.bin'), 'cd');
    const path = join(dir, 'g.db');
    const gallery = await Gallery.open(path, spec);
    // The process dies after alice: an error that is not the sample's (a bug, a kill) ends the enrolment.
    const dying = async (bytes: Buffer) => {
      if (bytes[0] === 0x63) throw new Error('killed');
      return enrol(bytes);
    };
    await expect(enrolFolder(gallery, dir, dying)).rejects.toThrow('killed');
    gallery.close();
    await expect(Gallery.open(path, spec, { create: false })).rejects.toThrow(/g\.db: an enrolment of folder .* into this gallery \(process \d+, started .*\) did not finish: it was interrupted, or is still running; enrol again to complete it/);
    // Enrolling someone else completes nothing of that folder: still refused.
    const other = await Gallery.open(path, spec);
    await enrolSamples(other, 'carol', [Buffer.from('ef')], (b) => enrol(b as Buffer), () => undefined);
    other.close();
    await expect(Gallery.open(path, spec, { create: false })).rejects.toThrow(/an enrolment of folder/);
    const again = await Gallery.open(path, spec);
    expect(await enrolFolder(again, dir, enrol)).toMatchObject({ enrolled: 1, unchanged: 1 });
    again.close();
    const searched = await Gallery.open(path, spec, { create: false });
    expect(searched.size).toBe(3);
    searched.close();
  });

  it('keeps a gallery in line with its folder: skips the unchanged, replaces the changed, removes what no longer stands for a file', async () => {
    const dir = await tempFolder('biofuse-enrol-');
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

  // Two enrolments into one gallery file at once: each awaits a slow extraction between looking a file up and writing it.
  const slowEnrol = async (bytes: Buffer) => {
    await new Promise((r) => setTimeout(r, 5));
    return enrol(bytes);
  };

  async function threeFiles(): Promise<string> {
    const dir = await tempFolder('biofuse-enrol-');
    for (const person of ['alice', 'bob']) await mkdir(join(dir, 'people', person), { recursive: true });
    await writeFile(join(dir, 'people', 'alice', '1.bin'), 'ab');
    await writeFile(join(dir, 'people', 'alice', '2.bin'), 'cd');
    await writeFile(join(dir, 'people', 'bob', '1.bin'), 'ef');
    return dir;
  }

  it('makes one record per file when two enrolments of one folder run at once (they left duplicates)', async () => {
    const dir = await threeFiles();
    const path = join(dir, 'g.db');
    const [one, two] = [await Gallery.open(path, spec), await Gallery.open(path, spec)];
    const [r1, r2] = await Promise.all([enrolFolder(one, join(dir, 'people'), slowEnrol), enrolFolder(two, join(dir, 'people'), slowEnrol)]);
    expect(r1.enrolled + r2.enrolled).toBe(3);
    expect(r1.unchanged + r2.unchanged).toBe(3);
    expect(one.recordSources()).toHaveLength(3);
    // Each handle's search index knows the other's records.
    expect(one.size).toBe(3);
    expect(two.size).toBe(3);
    expect(two.search(Float32Array.of(0.6, 0.8), 2).map((c) => c.identity).sort()).toEqual(['alice', 'bob']);
    one.close();
    two.close();
    const reopened = await Gallery.open(path, spec);
    expect(reopened.size).toBe(3);
    reopened.close();
  });

  it('replaces, not doubles, a record another enrolment wrote meanwhile with other content', async () => {
    const dir = await threeFiles();
    const path = join(dir, 'g.db');
    const [one, two] = [await Gallery.open(path, spec), await Gallery.open(path, spec)];
    // Other settings make another content key for the same files.
    const [r1, r2] = await Promise.all([enrolFolder(one, join(dir, 'people'), slowEnrol, undefined, 'a'), enrolFolder(two, join(dir, 'people'), slowEnrol, undefined, 'b')]);
    expect(r1.enrolled + r2.enrolled).toBe(6);
    expect(r1.replaced + r2.replaced).toBe(3);
    expect(one.recordSources()).toHaveLength(3);
    expect(one.size).toBe(3);
    // Whichever wrote last holds each file: settle all on 'b' before the next check.
    await enrolFolder(two, join(dir, 'people'), enrol, undefined, 'b');
    expect(two.size).toBe(3);
    // Duplicates left by earlier races are taken out on the next enrolment.
    const { default: Database } = await import('better-sqlite3');
    one.close();
    two.close();
    const db = new Database(path);
    db.exec('INSERT INTO records (identity, source, content_hash, template, embedding, enrolled_at) SELECT identity, source, content_hash, template, embedding, enrolled_at FROM records');
    db.close();
    const healed = await Gallery.open(path, spec);
    expect(healed.size).toBe(6);
    const report = await enrolFolder(healed, join(dir, 'people'), enrol, undefined, 'b');
    expect(report).toMatchObject({ unchanged: 3, enrolled: 0, removed: 3 });
    expect(healed.size).toBe(3);
    healed.close();
  });

  it('lists what folder enrolment skipped, with the reason', async () => {
    const dir = await threeFiles();
    const people = join(dir, 'people');
    await writeFile(join(people, 'stray.bin'), 'gh');
    await mkdir(join(people, 'alice', 'nested'));
    await writeFile(join(people, 'alice', 'nested', '3.bin'), 'ij');
    await symlink(join(dir, 'nowhere.bin'), join(people, 'bob', 'gone.bin'));
    await mkdir(join(people, 'carol'));
    const gallery = await Gallery.open(':memory:', spec);
    const report = await enrolFolder(gallery, people, enrol);
    expect(report.enrolled).toBe(3);
    expect([...report.skipped].sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual([
      { path: join(people, 'alice', 'nested'), reason: 'not a file' },
      { path: join(people, 'bob', 'gone.bin'), reason: 'a link to no file' },
      { path: `${join(people, 'carol')}/`, reason: 'no samples' },
      { path: join(people, 'stray.bin'), reason: 'not inside an identity folder' },
    ]);
    expect((await enrolSamples(gallery, 'dave', [Buffer.from('kl')], (s) => enrol(s as Buffer), () => undefined)).skipped).toEqual([]);
    gallery.close();
  });

  it('counts samples given as bytes or data URLs unchanged when their content is enrolled under the identity (they were added again)', async () => {
    const gallery = await Gallery.open(':memory:', spec);
    type Sample = Buffer | string | { raster: string };
    const asBytes = (s: Sample) => enrol(typeof s === 'string' ? Buffer.from(s.slice(5)) : Buffer.isBuffer(s) ? s : Buffer.from(s.raster));
    const noPath = () => undefined;
    expect(await enrolSamples<Sample>(gallery, 'alice', [Buffer.from('ab'), Buffer.from('cd')], asBytes, noPath)).toMatchObject({ enrolled: 2, unchanged: 0 });
    expect(await enrolSamples<Sample>(gallery, 'alice', [Buffer.from('ab'), Buffer.from('ab'), Buffer.from('ef')], asBytes, noPath)).toMatchObject({ enrolled: 1, unchanged: 2 });
    expect(await enrolSamples<Sample>(gallery, 'alice', ['data:gh', 'data:gh'], asBytes, noPath)).toMatchObject({ enrolled: 1, unchanged: 1 });
    // Content is keyed within an identity, and with the settings: the same bytes elsewhere are a new record.
    expect(await enrolSamples<Sample>(gallery, 'bob', [Buffer.from('ab')], asBytes, noPath)).toMatchObject({ enrolled: 1 });
    expect(await enrolSamples<Sample>(gallery, 'alice', [Buffer.from('ab')], asBytes, noPath, 'dpi 400')).toMatchObject({ enrolled: 1 });
    // A decoded raster has no content key: always added.
    expect(await enrolSamples<Sample>(gallery, 'carol', [{ raster: 'ij' }, { raster: 'ij' }], asBytes, noPath)).toMatchObject({ enrolled: 2 });
    expect(gallery.list()).toEqual([
      { identity: 'alice', samples: 5 },
      { identity: 'bob', samples: 1 },
      { identity: 'carol', samples: 2 },
    ]);
    gallery.close();
  });
});
