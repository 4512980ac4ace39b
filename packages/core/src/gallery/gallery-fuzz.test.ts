import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AcquisitionError, BiometricError, DatasetError, TemplateFormatError } from '../errors';
import { seededRandom, type Random } from '../random';
import { randomBytes, seededMutants, temporaryFolders } from '../testing';
import { enrolFolder, enrolSamples } from './enrol';
import { Gallery, StaleGalleryError } from './gallery';

/**
 * Seeded mutation fuzzing of the SQLite gallery: a file that is damaged (cut short, bits flipped,
 * pages overwritten), not SQLite at all, or holding rows no gallery writes. Opening it is a typed
 * error naming the file, or it opens and every read answers or fails typed; a failed open leaves
 * the file as it was. A failing enrolment leaves the records as they were.
 */

const tempFolder = temporaryFolders();
const spec = { modality: 'test', model: 'fuzz', templateVersion: 1, dims: 8 };

function unitVector(random: Random, dims = spec.dims): Float32Array {
  const v = Float32Array.from({ length: dims }, () => random.normal());
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** What a gallery answers, read through every public read; a typed failure is an answer too. */
function readAll(gallery: Gallery, random: Random): string[] {
  const answers: string[] = [];
  const ask = (what: string, read: () => unknown) => {
    try {
      read();
      answers.push(`${what}: ok`);
    } catch (err) {
      if (!(err instanceof BiometricError)) throw new Error(`${what} failed untyped: ${String(err)}`, { cause: err });
      answers.push(`${what}: ${err.name}`);
    }
  };
  ask('size', () => gallery.size);
  ask('search', () => gallery.search(unitVector(random), 3));
  ask('list', () => gallery.list());
  ask('records', () => gallery.records('p3'));
  ask('sources', () => gallery.recordSources());
  ask('findBySource', () => gallery.findBySource('s7'));
  return answers;
}

describe('a gallery file under seeded mutation', () => {
  let pristine: Buffer;
  beforeAll(async () => {
    const path = join(await tempFolder('biofuse-gallery-fuzz-'), 'g.db');
    const gallery = await Gallery.open(path, spec);
    const random = seededRandom(1);
    gallery.transaction(() => {
      for (let i = 0; i < 30; i++) gallery.add(`p${i % 7}`, `s${i}`, `h${i}`, new Uint8Array(40).fill(i), unitVector(random));
    });
    gallery.close(); // the last connection writes the WAL back into the file
    pristine = await readFile(path);
  });

  it('opens a damaged or foreign file with a typed error naming it, or reads it typed; a failed open leaves the file as it was', async () => {
    const dir = await tempFolder('biofuse-gallery-fuzz-');
    const random = seededRandom(2);
    const mutants: [string, Uint8Array][] = [
      ['text', Buffer.from('identity,template\nalice,AAAA\n')],
      ['random bytes', randomBytes(random, 8192)],
      ['png', Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')],
      ['the SQLite header alone', pristine.subarray(0, 100)],
      ['the first page alone', pristine.subarray(0, 4096)],
    ];
    // Cut short, bits flipped, a run overwritten, or bytes replaced; every other one of each in the database header (100 bytes).
    for (const m of seededMutants(pristine, { random, count: 60, kinds: ['cut', 'flip', 'flips', 'run', 'overwrite'], headBytes: 100 })) mutants.push([m.what, m.bytes]);
    const outcomes = new Map<string, number>();
    for (const [n, [kind, bytes]] of mutants.entries()) {
      const path = join(dir, `mutant-${n}.db`);
      await writeFile(path, bytes);
      const create = n % 2 === 0;
      const opened = await Gallery.open(path, spec, { create }).catch((err: unknown) => err);
      if (opened instanceof Gallery) {
        const answers = readAll(opened, random);
        opened.close();
        for (const a of answers) outcomes.set(a, (outcomes.get(a) ?? 0) + 1);
        continue;
      }
      const what = `${kind} (create: ${create})`;
      expect(opened, what).toBeInstanceOf(BiometricError);
      const err = opened as BiometricError;
      expect(err.message.includes(path), `${what}: ${err.message}`).toBe(true);
      outcomes.set(`open: ${err.name}`, (outcomes.get(`open: ${err.name}`) ?? 0) + 1);
      // Refused, the file is left for whoever repairs it: not rewritten, no journal beside it.
      expect((await readFile(path)).equals(bytes), what).toBe(true);
      expect(existsSync(`${path}-wal`) || existsSync(`${path}-shm`), what).toBe(false);
    }
    expect(outcomes.get('open: DatasetError')).toBeGreaterThan(10);
    expect(outcomes.get('size: ok')).toBeGreaterThan(10);
  });

  it('refuses rows no gallery writes with an error naming the file, and leaves them for repair', async () => {
    const { default: Database } = await import('better-sqlite3');
    const dir = await tempFolder('biofuse-gallery-fuzz-');
    const damaged = async (name: string, sql: string, ...values: unknown[]): Promise<string> => {
      const path = join(dir, `${name}.db`);
      await writeFile(path, pristine);
      const db = new Database(path);
      db.prepare(sql).run(...values);
      db.close();
      return path;
    };
    const embedding = 'UPDATE records SET embedding = ? WHERE id = 3';
    const cases: [string, string, unknown, RegExp][] = [
      ['cut embedding', embedding, pristine.subarray(0, 31), /gallery record 3 holds a 7-value embedding, the gallery's are 8/],
      ['empty embedding', embedding, Buffer.alloc(0), /gallery record 3 holds a 0-value embedding/],
      ['text embedding', embedding, 'not a vector', /gallery record 3 holds a 0-value embedding/],
      ['number embedding', embedding, 42, /gallery record 3 holds a 0-value embedding/],
      ['NaN embedding', embedding, Buffer.from(new Float32Array(8).fill(Number.NaN).buffer), /gallery record 3 \(p2\) has a value that is not a finite number/],
    ];
    for (const [name, sql, value, message] of cases) {
      const path = await damaged(name, sql, value);
      const before = await readFile(path);
      const err = await Gallery.open(path, spec, { create: false }).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(TemplateFormatError);
      expect((err as Error).message, name).toMatch(new RegExp(`^${path}: ${message.source}`));
      expect((await readFile(path)).equals(before), name).toBe(true);
    }
    // A pipeline record whose key is NULL or a blob: SQLite keeps both in a TEXT key; it was a TypeError.
    for (const [name, key] of [['null key', null], ['blob key', Buffer.from([0, 255])]] as const) {
      const path = await damaged(name, 'INSERT INTO meta (key, value) VALUES (?, ?)', key, 'x');
      for (const create of [false, true]) {
        const err = await Gallery.open(path, spec, { create }).catch((e: unknown) => e);
        expect(err, `${name} (create: ${create})`).toBeInstanceOf(DatasetError);
        expect((err as Error).message).toBe(`${path}: cannot be opened as a biofuse gallery: it is damaged (its pipeline record holds a key that is not text)`);
      }
    }
    // A value of another type reads as another pipeline's.
    const numberValue = await damaged('number value', "UPDATE meta SET value = 7 WHERE key = 'model'");
    await expect(Gallery.open(numberValue, spec)).rejects.toBeInstanceOf(StaleGalleryError);
  });
});

describe('a failing enrolment', () => {
  // A toy modality: a sample's first two bytes, L2-normalised. 'x' cannot be acquired; 'y' gives a vector of the wrong length (a modality's bug).
  const dims = 2;
  const toySpec = { ...spec, dims };
  const enrol = async (bytes: Buffer) => {
    if (bytes[0] === 0x78) throw new AcquisitionError('no_sample', 'unusable sample');
    const length = Math.hypot(bytes[0], bytes[1]);
    const embedding = bytes[0] === 0x79 ? Float32Array.of(1, 0, 0) : Float32Array.of(bytes[0] / length, bytes[1] / length);
    return { template: Uint8Array.from(bytes), embedding };
  };
  const snapshot = (g: Gallery) => ({ list: g.list(), records: g.list().flatMap(({ identity }) => g.records(identity).map((r) => [r.id, r.identity, r.source, r.contentHash, Array.from(r.template)])) });

  it('leaves the records as they were: a sample that cannot be acquired is counted, one the gallery refuses rolls back', async () => {
    const dir = await tempFolder('biofuse-enrol-fuzz-');
    const random = seededRandom(3);
    const people = ['ada', 'bo', 'cy'];
    for (const p of people) await mkdir(join(dir, 'people', p), { recursive: true });
    const files: string[] = [];
    for (let i = 0; i < 12; i++) {
      const file = join(dir, 'people', people[i % 3], `${i}.bin`);
      await writeFile(file, Buffer.from([97 + random.int(26), 97 + random.int(26)]));
      files.push(file);
    }
    const gallery = await Gallery.open(join(dir, 'g.db'), toySpec);
    expect(await enrolFolder(gallery, join(dir, 'people'), enrol)).toMatchObject({ enrolled: 12, failed: [] });
    const before = snapshot(gallery);
    for (let round = 0; round < 6; round++) {
      // Samples given as bytes under a new identity: the unusable ones are failures to enrol, the gallery's records stay.
      const samples = Array.from({ length: 4 }, () => Buffer.from([[0x78, 97, 98][random.int(3)], 97 + random.int(26)]));
      const failing = samples.filter((s) => s[0] === 0x78).length;
      const report = await enrolSamples(gallery, `new${round}`, samples.filter((s) => s[0] === 0x78), (s) => enrol(s as Buffer), () => undefined);
      expect(report).toMatchObject({ enrolled: 0, failed: Array.from({ length: failing }, () => ({ reason: 'unusable sample' })) });
      expect(snapshot(gallery)).toEqual(before);
      // A changed file whose new embedding the gallery refuses: the whole replacement rolls back, the old record stays.
      const file = files[random.int(files.length)];
      const old = await readFile(file);
      await writeFile(file, Buffer.from([0x79, 0x7a]));
      await expect(enrolFolder(gallery, join(dir, 'people'), enrol)).rejects.toThrow(TemplateFormatError);
      expect(snapshot(gallery)).toEqual(before);
      await writeFile(file, old);
    }
    // The enrolment that stopped is named until one completes; then the gallery is whole and searchable.
    gallery.close();
    await expect(Gallery.open(join(dir, 'g.db'), toySpec, { create: false })).rejects.toThrow(/did not finish/);
    const again = await Gallery.open(join(dir, 'g.db'), toySpec);
    expect(await enrolFolder(again, join(dir, 'people'), enrol)).toMatchObject({ enrolled: 0, unchanged: 12, failed: [] });
    expect(snapshot(again)).toEqual(before);
    again.close();
    expect((await Gallery.open(join(dir, 'g.db'), toySpec, { create: false })).size).toBe(12);
  });
});
