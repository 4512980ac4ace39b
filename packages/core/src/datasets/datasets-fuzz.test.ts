import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../errors';
import { seededRandom, type Random } from '../random';
import { randomBytes, sharedDataset, temporaryFolders } from '../testing';
import { fvcProtocol, readFvcFolder } from './fvc';
import { pairsToComparisons, readPairsFile, readSampleList } from './generic';
import { readLfwPairs } from './lfw';
import { readPadManifest } from './nuaa';
import { parseScoreMatrix, readScoreMatrix } from './score-matrix';
import { readSvc2004Folder } from './svc2004';

/**
 * Seeded mutation fuzzing of the dataset readers: one line of a valid file is damaged (a field
 * dropped or added, NaN, an empty field, the line twice, binary garbage, the file cut in its
 * last line), or the whole file is re-encoded (CRLF, a byte-order mark, blank and comment lines).
 * A damaged line is a DatasetError naming the file and that line; a re-encoded file reads the same.
 */

const tempFolder = temporaryFolders();

type LineKind = 'drop' | 'add' | 'nan' | 'empty' | 'duplicate' | 'garbage' | 'cut';
type FileKind = 'crlf' | 'lf' | 'bom' | 'blank';

interface LineMutant {
  readonly kind: LineKind;
  readonly bytes: Buffer;
  /** The 1-based line of the damage in the mutant (a duplicate's second copy). */
  readonly line: number;
  readonly describe: string;
}

/** Bytes that are not UTF-8 (0xff never is), with no line break, separator or NUL-free guarantee. */
function garbage(random: Random): Buffer {
  const bytes = Buffer.from(randomBytes(random, 8 + random.int(24)).map((b) => (b === 0x0a || b === 0x0d ? 0xff : b)));
  bytes[random.int(bytes.length)] = 0xff;
  return bytes;
}

/**
 * One line of `lines` (0-based index `at`, a data line) damaged by `kind`. `split` and `join`
 * take a line apart into fields and back; `numeric` lists the fields that hold numbers (NaN goes
 * into one of those); `fields` limits which fields `empty` and `drop` touch.
 */
function damageLine(
  lines: readonly string[],
  at: number,
  kind: LineKind,
  random: Random,
  format: { split: (line: string) => string[]; join: (cells: string[]) => string; numeric: readonly number[]; fields?: readonly number[] },
): LineMutant {
  const out: Buffer[] = lines.map((l) => Buffer.from(l, 'utf8'));
  const cells = format.split(lines[at]);
  const pick = (from: readonly number[]) => from[random.int(from.length)];
  const some = format.fields ?? cells.map((_, i) => i);
  let line = at + 1;
  let describe: string;
  switch (kind) {
    case 'drop': {
      const k = pick(some);
      describe = `field ${k} dropped`;
      out[at] = Buffer.from(format.join(cells.filter((_, i) => i !== k)));
      break;
    }
    case 'add': {
      const k = random.int(cells.length + 1);
      describe = `field added at ${k}`;
      out[at] = Buffer.from(format.join([...cells.slice(0, k), 'extra', ...cells.slice(k)]));
      break;
    }
    case 'nan': {
      const k = pick(format.numeric);
      describe = `field ${k} is NaN`;
      out[at] = Buffer.from(format.join(cells.map((c, i) => (i === k ? 'NaN' : c))));
      break;
    }
    case 'empty': {
      const k = pick(some);
      describe = `field ${k} empty`;
      out[at] = Buffer.from(format.join(cells.map((c, i) => (i === k ? '' : c))));
      break;
    }
    case 'duplicate':
      describe = 'line repeated';
      out.splice(at + 1, 0, out[at]);
      line = at + 2;
      break;
    case 'garbage':
      describe = 'binary garbage';
      out[at] = garbage(random);
      break;
    case 'cut': {
      // The file ends inside its last line, as a copy that stopped half-way does.
      const last = out.length - 1;
      const keep = 1 + random.int(out[last].length - 1);
      describe = `file cut after ${keep} bytes of its last line`;
      out[last] = out[last].subarray(0, keep);
      line = out.length;
      return { kind, bytes: Buffer.concat(out.flatMap((b, i) => (i < last ? [b, Buffer.from('\n')] : [b]))), line, describe };
    }
  }
  return { kind, bytes: Buffer.concat(out.flatMap((b) => [b, Buffer.from('\n')])), line, describe };
}

/** The whole file re-encoded in a way that must not change what it says. */
function reencode(text: string, kind: FileKind, random: Random): Buffer {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  switch (kind) {
    case 'crlf':
      return Buffer.from(`${lines.join('\r\n')}\r\n`);
    case 'lf':
      return Buffer.from(`${lines.join('\n')}\n`);
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    case 'blank': {
      // Blank lines anywhere after the header; readers that take comments get one too.
      const at = 1 + random.int(lines.length - 1);
      return Buffer.from(`${[...lines.slice(0, at), '', '   ', ...lines.slice(at)].join('\n')}\n`);
    }
  }
}

const LINE_KINDS: readonly LineKind[] = ['drop', 'add', 'nan', 'empty', 'duplicate', 'garbage', 'cut'];

async function thrown(p: Promise<unknown>): Promise<DatasetError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DatasetError)) throw new Error(`expected a DatasetError, got ${err === undefined ? 'a reading' : String(err)}`, { cause: err });
  return err;
}

/** The reading was refused by a DatasetError that names the file and the damaged line (the file alone where `wholeFile`). */
function expectRefusedAt(reading: unknown, m: LineMutant, file: string, { wholeFile = false } = {}): void {
  const line = wholeFile ? undefined : m.line;
  expect(reading, m.describe).toBeInstanceOf(DatasetError);
  const err = reading as DatasetError;
  expect({ path: err.path, line: err.line }, `${m.describe} on line ${m.line}: ${err.message}`).toEqual({ path: file, line });
}

const tabs = { split: (l: string) => l.split('\t'), join: (c: string[]) => c.join('\t') };
const commas = { split: (l: string) => l.split(','), join: (c: string[]) => c.join(',') };

describe('pairs and list files under seeded mutation', () => {
  const labels = ['1', '0', 'genuine', 'impostor', 'true', 'false'];
  const pairLines = Array.from({ length: 30 }, (_, i) => `s${i % 7}/${i}.png\ts${(i * 3) % 7}/${i + 1}.png\t${labels[i % labels.length]}`);
  const listLines = Array.from({ length: 30 }, (_, i) => `s${i % 7}/${i}.png\ts${i % 7}`);

  it('names the file and line of every damaged pair (through to the protocol, which needs labels)', async () => {
    const dir = await tempFolder('biofuse-pairs-fuzz-');
    const file = join(dir, 'pairs.tsv');
    await writeFile(file, `${pairLines.join('\n')}\n`);
    const expected = pairsToComparisons(await readPairsFile(file));
    const random = seededRandom(1);
    for (let n = 0; n < 70; n++) {
      const kind = LINE_KINDS[n % LINE_KINDS.length];
      const m = damageLine(pairLines, kind === 'cut' ? pairLines.length - 1 : random.int(pairLines.length), kind, random, { ...tabs, numeric: [2] });
      await writeFile(file, m.bytes);
      // Every cut of a labelled line leaves a line without a label, with an unknown one, or short of a path.
      const err = await thrown(readPairsFile(file).then(pairsToComparisons));
      expect({ path: err.path, line: err.line }, `${m.describe} on line ${m.line}: ${err.message}`).toEqual({ path: file, line: m.line });
    }
    for (const kind of ['crlf', 'bom', 'blank'] as const) {
      await writeFile(file, reencode(`# pairs\n${pairLines.join('\n')}\n`, kind, random));
      expect(pairsToComparisons(await readPairsFile(file)), kind).toEqual(expected);
    }
  });

  it('refuses a labelled pair of a sample with itself (a perfect genuine score), and a line that is not UTF-8 text', async () => {
    const file = join(await tempFolder('biofuse-pairs-fuzz-'), 'pairs.tsv');
    await writeFile(file, 'a/1.png\ta/2.png\t1\na/1.png\ta/1.png\t1\n');
    expect(await thrown(readPairsFile(file))).toMatchObject({ path: file, line: 2, detail: 'labelled pair a/1.png, a/1.png compares a sample with itself' });
    // Unlabelled, it is a request for a score (biofuse score), not a claim about who is who.
    await writeFile(file, 'a/1.png\ta/1.png\n');
    expect(await readPairsFile(file)).toEqual([{ a: 'a/1.png', b: 'a/1.png', source: { path: file, line: 1 } }]);
    // Latin-1 or binary bytes were read as U+FFFD, and a NUL kept: paths that name no file, read without a word.
    await writeFile(file, Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from('\na/1.png\ta/2.png\t1\na/'), Buffer.from([0xe9]), Buffer.from('.png\tb/1.png\t0\n')]));
    expect(await thrown(readPairsFile(file))).toMatchObject({ path: file, line: 3, detail: expect.stringMatching(/^not UTF-8 text: bytes that are not UTF-8 at column 3 /) });
    await writeFile(file, 'a/1.png\ta/2.png\t1\nb/1.png\tb\u00002.png\t0\n');
    expect(await thrown(readPairsFile(file))).toMatchObject({ path: file, line: 2, detail: expect.stringMatching(/^not UTF-8 text: a NUL byte at column 10 /) });
    await writeFile(file, Buffer.concat([Buffer.from('s/1.png\t'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]));
    expect(await thrown(readSampleList(file))).toMatchObject({ path: file, line: 1 });
    // U+FFFD written as UTF-8 is text like any other (it was refused as "not UTF-8").
    await writeFile(file, 'a/\uFFFD.png\ta/2.png\t1\n');
    expect(await readPairsFile(file)).toEqual([{ a: 'a/\uFFFD.png', b: 'a/2.png', genuine: true, source: { path: file, line: 1 } }]);
  });

  it('names the file and line of every damaged list line; a cut in the last subject is the one damage it cannot see', async () => {
    const dir = await tempFolder('biofuse-list-fuzz-');
    const file = join(dir, 'list.tsv');
    await writeFile(file, `${listLines.join('\n')}\n`);
    const expected = await readSampleList(file);
    const random = seededRandom(2);
    let cutUnseen = 0;
    for (let n = 0; n < 60; n++) {
      const kind = (['drop', 'add', 'empty', 'duplicate', 'garbage', 'cut'] as const)[n % 6];
      const m = damageLine(listLines, kind === 'cut' ? listLines.length - 1 : random.int(listLines.length), kind, random, { ...tabs, numeric: [] });
      await writeFile(file, m.bytes);
      const reading = await readSampleList(file).catch((e: unknown) => e);
      if (kind === 'cut' && !(reading instanceof Error)) {
        // "s6/29.png<TAB>s6" cut to "...<TAB>s": another subject's name, which no reader could tell.
        const samples = reading as typeof expected;
        expect(samples.slice(0, -1)).toEqual(expected.slice(0, -1));
        expect(expected.at(-1)?.subject.startsWith(samples.at(-1)?.subject ?? '?'), m.describe).toBe(true);
        cutUnseen++;
        continue;
      }
      expectRefusedAt(reading, m, file);
    }
    expect(cutUnseen).toBeLessThan(10);
    for (const kind of ['crlf', 'bom', 'blank'] as const) {
      await writeFile(file, reencode(`${listLines.join('\n')}\n`, kind, random));
      expect(await readSampleList(file), kind).toEqual(expected);
    }
  });
});

const lfw = sharedDataset('lfw');
describe.skipIf(lfw.skip)('LFW pairs.txt under seeded mutation', () => {
  let original = '';
  let lines: string[] = [];
  beforeAll(async () => {
    original = await readFile(join(lfw.path, 'pairs.txt'), 'utf8');
    lines = original.replace(/\n$/, '').split('\n');
  });
  const lfwFields = { split: (l: string) => l.split('\t'), join: (c: string[]) => c.join('\t') };

  it('names the line of a damaged pair, and the file where a repeated line breaks the count', async () => {
    const file = join(await tempFolder('biofuse-lfw-fuzz-'), 'pairs.txt');
    const expected = await readLfwPairs(join(lfw.path, 'pairs.txt'));
    const random = seededRandom(3);
    let cutUnseen = 0;
    for (let n = 0; n < 56; n++) {
      const kind = LINE_KINDS[n % LINE_KINDS.length];
      const at = kind === 'cut' ? lines.length - 1 : 1 + random.int(lines.length - 1);
      const numbers = lines[at].split('\t').length === 3 ? [1, 2] : [1, 3];
      const m = damageLine(lines, at, kind, random, { ...lfwFields, numeric: numbers });
      await writeFile(file, m.bytes);
      const reading = await readLfwPairs(file).catch((e: unknown) => e);
      if (kind === 'cut' && !(reading instanceof Error)) {
        // "Name<TAB>1<TAB>12" cut to "...<TAB>1": image 1 of that person, which no reader could tell.
        const read = reading as typeof expected;
        expect(read.slice(0, -1)).toEqual(expected.slice(0, -1));
        expect(read.at(-1)?.probe, m.describe).not.toBe(expected.at(-1)?.probe);
        cutUnseen++;
        continue;
      }
      // A repeated line is well-formed: the count of lines, not the line, is what is wrong.
      expectRefusedAt(reading, m, file, { wholeFile: kind === 'duplicate' });
    }
    expect(cutUnseen).toBeLessThan(8);
    for (const kind of ['crlf', 'bom'] as const) {
      await writeFile(file, reencode(original, kind, random));
      expect(await readLfwPairs(file), kind).toEqual(expected);
    }
  });

  it('refuses a matched pair of one image, a mismatched pair of one person, and image numbers that are not digits', async () => {
    const file = join(await tempFolder('biofuse-lfw-fuzz-'), 'pairs.txt');
    const matched = lines.findIndex((l, i) => i > 0 && l.split('\t').length === 3);
    const mismatched = lines.findIndex((l, i) => i > 0 && l.split('\t').length === 4);
    const withLine = (at: number, text: string) => `${lines.map((l, i) => (i === at ? text : l)).join('\n')}\n`;
    const [name, n1] = lines[matched].split('\t');
    const [other, m1, , m2] = lines[mismatched].split('\t');
    const cases: [string, string, RegExp][] = [
      [withLine(matched, `${name}\t${n1}\t${n1}`), `${matched + 1}`, /matched pair compares image \d+ of .+ with itself/],
      [withLine(mismatched, `${other}\t${m1}\t${other}\t${m2}`), `${mismatched + 1}`, /mismatched pair names one person twice/],
      [withLine(matched, `${name}\t0x1\t${n1}`), `${matched + 1}`, /image number "0x1" is not a positive integer/],
      [withLine(matched, `${name}\t1e0\t${n1}`), `${matched + 1}`, /image number "1e0" is not a positive integer/],
      [withLine(0, 'NaN\t300'), '1', /first line must be/],
      // Number() read a hex header as 10 folds.
      [withLine(0, '0xA\t300'), '1', /first line must be/],
      [withLine(0, '10\t3e2'), '1', /first line must be/],
    ];
    for (const [text, line, message] of cases) {
      await writeFile(file, text);
      const err = await thrown(readLfwPairs(file));
      expect(err.message).toMatch(new RegExp(`^${file}:${line}: `));
      expect(err.detail).toMatch(message);
    }
  });
});

const bssr1 = sharedDataset('nist-bssr1-set1');
describe.skipIf(bssr1.skip)('BSSR1 score matrix under seeded mutation', () => {
  it('names the line of a damaged row, reads re-encoded files the same, and refuses a cell beyond the largest number', async () => {
    // The first 25 subjects of face-C: the real file's ids and scores, small enough to mutate often.
    const full = (await readFile(join(bssr1.path, 'face-C.csv'), 'utf8')).split(/\r?\n/);
    const lines = full.slice(0, 26).map((l) => l.split(',').slice(0, 26).join(','));
    const file = join(await tempFolder('biofuse-bssr1-fuzz-'), 'face-C-25.csv');
    await writeFile(file, `${lines.join('\n')}\n`);
    const expected = await readScoreMatrix(file);
    expect(expected.subjects.length).toBe(25);
    const random = seededRandom(4);
    const cells = Array.from({ length: 25 }, (_, j) => j + 1);
    let cutUnseen = 0;
    for (let n = 0; n < 70; n++) {
      const kind = LINE_KINDS[n % LINE_KINDS.length];
      const at = kind === 'cut' ? lines.length - 1 : 1 + random.int(lines.length - 1);
      const m = damageLine(lines, at, kind, random, { ...commas, numeric: cells, fields: cells });
      await writeFile(file, m.bytes);
      const reading = await readScoreMatrix(file).catch((e: unknown) => e);
      if (kind === 'cut' && !(reading instanceof Error)) {
        // "0.54121" cut to "0.54": another score in the last cell, which no reader could tell.
        const scores = (reading as typeof expected).scores;
        const differing = scores.map((v, i) => (v === expected.scores[i] ? 0 : 1)).reduce((a, b) => a + b, 0);
        expect(differing, m.describe).toBeLessThanOrEqual(1);
        expect(scores.subarray(0, -1)).toEqual(expected.scores.subarray(0, -1));
        cutUnseen++;
        continue;
      }
      expectRefusedAt(reading, m, file, { wholeFile: kind === 'duplicate' });
    }
    expect(cutUnseen).toBeLessThan(10);
    for (const kind of ['crlf', 'lf', 'bom', 'blank'] as const) {
      await writeFile(file, reencode(`${lines.join('\r\n')}\r\n`, kind, random));
      expect(await readScoreMatrix(file), kind).toEqual(expected);
    }
    // 1e999 was read as Infinity (parseDecimal), a score no matcher gave; refused, it is named as too large, not as a typo.
    for (const cell of ['1e999', '-1e999']) {
      const huge = lines.map((l, i) => (i === 3 ? l.replace(/,[^,]*$/, `,${cell}`) : l)).join('\n');
      expect(() => parseScoreMatrix(huge, 'm.csv')).toThrow(new RegExp(`^m\\.csv:4: cell 26 is beyond the largest number \\(about ±1\\.8e308\\): "${cell}"$`));
    }
  });
});

const nuaa = sharedDataset('nuaa-pad-subset');
describe.skipIf(nuaa.skip)('PAD manifest under seeded mutation', () => {
  it('names the line of a damaged presentation and reads re-encoded manifests the same', async () => {
    const original = await readFile(join(nuaa.path, 'manifest_subset.csv'), 'utf8');
    const lines = original.replace(/\r?\n$/, '').split(/\r?\n/);
    const file = join(await tempFolder('biofuse-pad-fuzz-'), 'manifest.csv');
    const expected = await readPadManifest(join(nuaa.path, 'manifest_subset.csv'));
    const header = lines[0].split(',');
    const read = ['relpath', 'label'].map((h) => header.indexOf(h));
    const unread = ['glasses', 'pos', 'session', 'pic_no'].map((h) => header.indexOf(h));
    const random = seededRandom(5);
    for (let n = 0; n < 70; n++) {
      const kind = LINE_KINDS[n % LINE_KINDS.length];
      const at = kind === 'cut' ? lines.length - 1 : 1 + random.int(lines.length - 1);
      // NaN and empty go into the cells the reader reads (into the others, they change nothing it gives).
      const m = damageLine(lines, at, kind, random, { ...commas, numeric: [read[1]], fields: kind === 'drop' ? undefined : read });
      await writeFile(file, m.bytes);
      const reading = await readPadManifest(file).catch((e: unknown) => e);
      if (kind === 'cut' && !(reading instanceof Error)) {
        // Cut inside the last cell, pic_no, which the reader does not read: the same presentations.
        expect(reading, m.describe).toEqual(expected);
        continue;
      }
      expectRefusedAt(reading, m, file);
    }
    // Empty cells the reader does not read change nothing.
    const blanked = lines.map((l, i) => (i === 7 ? l.split(',').map((c, k) => (unread.includes(k) ? '' : c)).join(',') : l)).join('\n');
    await writeFile(file, blanked);
    expect(await readPadManifest(file)).toEqual(expected);
    for (const kind of ['lf', 'crlf', 'bom', 'blank'] as const) {
      await writeFile(file, reencode(original, kind, random));
      expect(await readPadManifest(file), kind).toEqual(expected);
    }
  });
});

describe('FVC and SVC2004 folders under seeded mutation', () => {
  const fvc = sharedDataset('fvc2002');
  const svc = sharedDataset('svc2004-task2');

  /** Empty files named as in `names`: the readers read names only (nothing of the shared data is copied). */
  async function folderOf(names: readonly string[]): Promise<string> {
    const dir = await tempFolder('biofuse-folder-fuzz-');
    await Promise.all(names.map((n) => writeFile(join(dir, n), '')));
    return dir;
  }

  /** A seeded choice of stray names beside a folder's samples: editors' and systems' leftovers, and a sample's second spelling. */
  function strays(names: readonly string[], random: Random, respell: (name: string) => string): string[] {
    const pick = () => names[random.int(names.length)];
    const makers = [() => '.DS_Store', () => 'Thumbs.db', () => `${pick()}.bak`, () => `${pick()}~`, () => `copy of ${pick()}`, () => `${pick().replace(/\.[^.]*$/, '')} (2)${pick().slice(pick().lastIndexOf('.'))}`, () => respell(pick()), () => 'notes.txt', () => `\u00e9${pick()}`];
    const out = new Set<string>();
    while (out.size < 6) {
      const name = makers[random.int(makers.length)]();
      if (!names.includes(name)) out.add(name);
    }
    return [...out];
  }

  it('lists the same FVC samples with strays beside them, each stray skipped with its reason', async () => {
    const names = fvc.skip ? Array.from({ length: 80 }, (_, i) => `${101 + Math.floor(i / 8)}_${1 + (i % 8)}.tif`) : await readdir(join(fvc.path, 'DB1_B'));
    const expected = await readFvcFolder(await folderOf(names));
    expect(expected.skipped).toEqual([]);
    const random = seededRandom(6);
    for (let n = 0; n < 6; n++) {
      // 101_1.tif spelt 101_01.tif or 101_1.TIF: one impression, and only one of them is read.
      const extra = strays(names, random, (name) => (random.int(2) ? name.replace(/_(\d+)\./, '_0$1.') : name.replace(/\.tif$/, '.TIF')));
      const listing = await readFvcFolder(await folderOf([...names, ...extra]));
      expect(new Set(listing.samples.map((s) => s.subject)), extra.join(' | ')).toEqual(new Set(expected.samples.map((s) => s.subject)));
      expect(listing.samples.length, extra.join(' | ')).toBe(expected.samples.length);
      expect(listing.skipped.map((s) => s.path).sort(), extra.join(' | ')).toEqual(
        // Of two spellings of one impression, the first in name order is read; the other is skipped.
        [...extra, ...names].filter((x) => !listing.samples.some((s) => s.path === x)).sort(),
      );
      for (const s of listing.skipped) expect(s.reason, s.path).toMatch(/^(name is not <finger>_<impression>\.<tif\|bmp\|png>|impression \d+_\d+ again \(.+ is used\))$/);
      expect(fvcProtocol(listing.samples).length).toBe(fvcProtocol(expected.samples).length);
    }
    await expect(readFvcFolder(join(await tempFolder('biofuse-folder-fuzz-'), 'missing'))).rejects.toThrow(/missing: cannot list FVC folder \(ENOENT\)$/);
  });

  it('lists the same SVC2004 signatures with strays beside them, each stray skipped with its reason', async () => {
    const names = svc.skip ? Array.from({ length: 120 }, (_, i) => `U${1 + Math.floor(i / 40)}S${1 + (i % 40)}.TXT`) : await readdir(svc.path);
    const expected = await readSvc2004Folder(await folderOf(names));
    const random = seededRandom(7);
    for (let n = 0; n < 4; n++) {
      const extra = strays(names, random, (name) => (random.int(2) ? name.toLowerCase() : name.replace(/S(\d+)\./, 'S0$1.')));
      const listing = await readSvc2004Folder(await folderOf([...names, ...extra]));
      expect(listing.samples.map((s) => `${s.subject} ${s.path.toUpperCase().replace(/S0+(\d)/, 'S$1')}`), extra.join(' | ')).toEqual(expected.samples.map((s) => `${s.subject} ${s.path}`));
      for (const s of listing.skipped) expect(s.reason, s.path).toMatch(/^(name is not U<user>S<signature>\.TXT|signature U\d+S\d+ again \(.+ is used\))$/);
      expect(listing.skipped.length).toBe(extra.length);
    }
  });
});
