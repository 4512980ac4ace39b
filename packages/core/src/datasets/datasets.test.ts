import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DatasetError } from '../errors';
import { sharedDataset } from '../testing/shared-data';
import { thrownBy } from '../testing/thrown-by';
import {
  fvcProtocol,
  pairsToComparisons,
  readFvcFolder,
  readIdentityFolders,
  readLfwPairs,
  readPadManifest,
  readPairsFile,
  readSampleList,
  readSvc2004Folder,
  svc2004Protocol,
} from './index';
import { temporaryFolders } from '../testing';

const tempFolder = temporaryFolders();

describe('generic loaders', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await tempFolder('biofuse-ds-');
    await mkdir(join(dir, 'ids/bob'), { recursive: true });
    await mkdir(join(dir, 'ids/alice'), { recursive: true });
    await writeFile(join(dir, 'ids/alice/1.jpg'), '');
    await writeFile(join(dir, 'ids/alice/notes.txt'), '');
    await writeFile(join(dir, 'ids/bob/1.png'), '');
    await writeFile(join(dir, 'ids/stray.jpg'), '');
    await writeFile(join(dir, 'list.tsv'), 'a.jpg\talice\n# comment\nb.jpg\tbob\n');
    await writeFile(join(dir, 'bad-list.tsv'), 'a.jpg\talice\nb.jpg\n');
    await writeFile(join(dir, 'pairs.tsv'), 'a.jpg\tb.jpg\t1\nc.jpg\td.jpg\timpostor\n');
    await writeFile(join(dir, 'unlabelled.tsv'), 'a.jpg\tb.jpg\n');
    await writeFile(join(dir, 'bad-label.tsv'), 'a.jpg\tb.jpg\tmaybe\n');
  });

  it('reads a folder per identity and lists what it skipped', async () => {
    const l = await readIdentityFolders(join(dir, 'ids'), { extensions: ['.jpg', '.png'] });
    expect(l.samples).toEqual([
      { path: 'alice/1.jpg', subject: 'alice' },
      { path: 'bob/1.png', subject: 'bob' },
    ]);
    expect(l.skipped.map((s) => s.path).sort()).toEqual(['alice/notes.txt', 'stray.jpg']);
  });

  it('skips hidden files and reports an identity folder left without samples', async () => {
    await mkdir(join(dir, 'ids2/carol'), { recursive: true });
    await mkdir(join(dir, 'ids2/dave'), { recursive: true });
    await writeFile(join(dir, 'ids2/carol/1.jpg'), '');
    await writeFile(join(dir, 'ids2/carol/.DS_Store'), '');
    await writeFile(join(dir, 'ids2/dave/._1.jpg'), '');
    const l = await readIdentityFolders(join(dir, 'ids2'));
    expect(l.samples).toEqual([{ path: 'carol/1.jpg', subject: 'carol' }]);
    expect(l.skipped).toEqual([
      { path: 'carol/.DS_Store', reason: 'hidden file' },
      { path: 'dave/._1.jpg', reason: 'hidden file' },
      { path: 'dave/', reason: 'no samples' },
    ]);
  });

  it('follows symbolic links to identity folders and samples, and names a broken one', async () => {
    await mkdir(join(dir, 'elsewhere/erin'), { recursive: true });
    await writeFile(join(dir, 'elsewhere/erin/1.jpg'), '');
    await writeFile(join(dir, 'elsewhere/frank.jpg'), '');
    await mkdir(join(dir, 'ids3/frank'), { recursive: true });
    await symlink(join(dir, 'elsewhere/erin'), join(dir, 'ids3/erin'));
    await symlink(join(dir, 'elsewhere/frank.jpg'), join(dir, 'ids3/frank/1.jpg'));
    await symlink(join(dir, 'elsewhere/nothing.jpg'), join(dir, 'ids3/frank/2.jpg'));
    const l = await readIdentityFolders(join(dir, 'ids3'));
    expect(l.samples).toEqual([
      { path: 'erin/1.jpg', subject: 'erin' },
      { path: 'frank/1.jpg', subject: 'frank' },
    ]);
    expect(l.skipped).toEqual([{ path: 'frank/2.jpg', reason: 'a link to no file' }]);
  });

  it('reads list and pairs files, naming the line of a bad one', async () => {
    expect(await readSampleList(join(dir, 'list.tsv'))).toEqual([
      { path: 'a.jpg', subject: 'alice' },
      { path: 'b.jpg', subject: 'bob' },
    ]);
    await expect(readSampleList(join(dir, 'bad-list.tsv'))).rejects.toThrow(/bad-list.tsv:2/);
    const pairs = await readPairsFile(join(dir, 'pairs.tsv'));
    expect(pairs).toEqual([
      { a: 'a.jpg', b: 'b.jpg', genuine: true, source: { path: join(dir, 'pairs.tsv'), line: 1 } },
      { a: 'c.jpg', b: 'd.jpg', genuine: false, source: { path: join(dir, 'pairs.tsv'), line: 2 } },
    ]);
    expect(pairsToComparisons(pairs)[1]).toMatchObject({ reference: ['c.jpg'], probe: 'd.jpg', kind: 'impostor' });
    expect(() => pairsToComparisons([{ a: 'x', b: 'y' }])).toThrow(/no label/);
    expect(await readPairsFile(join(dir, 'unlabelled.tsv'))).toEqual([{ a: 'a.jpg', b: 'b.jpg', source: { path: join(dir, 'unlabelled.tsv'), line: 1 } }]);
    await expect(readPairsFile(join(dir, 'bad-label.tsv'))).rejects.toThrow(/bad-label.tsv:1: unknown label/);
    await expect(readPairsFile(join(dir, 'missing.tsv'))).rejects.toThrow(DatasetError);
  });

  it('names the file and line of a pair with no label where a protocol needs one', async () => {
    const file = join(dir, 'half-labelled.tsv');
    await writeFile(file, '# comparisons\na.jpg\tb.jpg\t1\n\nc.jpg\td.jpg\n');
    const pairs = await readPairsFile(file);
    const thrown = thrownBy(() => pairsToComparisons(pairs));
    expect(thrown).toBeInstanceOf(DatasetError);
    expect(thrown).toMatchObject({ path: file, line: 4, message: `${file}:4: pair 2 (c.jpg, d.jpg) has no label; a protocol needs ground truth` });
  });

  it('refuses a pair listed twice, naming both lines (it counted twice in every rate)', async () => {
    const file = join(dir, 'twice.tsv');
    // Both directions are two comparisons, and may both be wanted.
    await writeFile(file, 'a.jpg\tb.jpg\t1\nb.jpg\ta.jpg\t1\nc.jpg\td.jpg\t0\n');
    expect((await readPairsFile(file)).length).toBe(3);
    await writeFile(file, 'a.jpg\tb.jpg\t1\nc.jpg\td.jpg\t0\n# again\na.jpg\tb.jpg\tgenuine\n');
    const err = await readPairsFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect(err).toMatchObject({ path: file, line: 4, detail: 'pair a.jpg, b.jpg is listed again (first on line 1)' });
  });

  it('skips hidden top-level folders (.ipynb_checkpoints, .git): they are no identities', async () => {
    await mkdir(join(dir, 'ids4/.ipynb_checkpoints'), { recursive: true });
    await mkdir(join(dir, 'ids4/.git'), { recursive: true });
    await mkdir(join(dir, 'ids4/alice'), { recursive: true });
    await writeFile(join(dir, 'ids4/.ipynb_checkpoints/1-checkpoint.jpg'), '');
    await writeFile(join(dir, 'ids4/.git/HEAD'), '');
    await writeFile(join(dir, 'ids4/alice/1.jpg'), '');
    const l = await readIdentityFolders(join(dir, 'ids4'));
    expect(l.samples).toEqual([{ path: 'alice/1.jpg', subject: 'alice' }]);
    expect(l.skipped).toEqual([
      { path: '.git/', reason: 'hidden folder' },
      { path: '.ipynb_checkpoints/', reason: 'hidden folder' },
    ]);
  });
});

describe('FVC folders', () => {
  it('keeps one file per (finger, impression): later duplicates in name order are skipped, whatever the listing order', async () => {
    const dir = await tempFolder('biofuse-fvc-');
    for (const name of ['103_1.tif', '101_1.png', '101_01.tif', '102_1.tif', '101_1.tif', '0102_2.tif', '101_2.tif', '103_2.tif']) await writeFile(join(dir, name), '');
    const l = await readFvcFolder(dir);
    expect(l.samples).toEqual([
      { path: '101_01.tif', subject: '101' },
      { path: '101_2.tif', subject: '101' },
      { path: '102_1.tif', subject: '102' },
      { path: '0102_2.tif', subject: '102' },
      { path: '103_1.tif', subject: '103' },
      { path: '103_2.tif', subject: '103' },
    ]);
    expect(l.skipped).toEqual([
      { path: '101_1.png', reason: 'impression 101_1 again (101_01.tif is used)' },
      { path: '101_1.tif', reason: 'impression 101_1 again (101_01.tif is used)' },
    ]);
    const p = fvcProtocol(l.samples);
    // No impression compared with itself; one genuine pair per finger, the first impressions as impostor references.
    expect(p.filter((c) => c.genuine).map((c) => `${c.reference[0]} ${c.probe}`)).toEqual(['101_01.tif 101_2.tif', '102_1.tif 0102_2.tif', '103_1.tif 103_2.tif']);
    expect(p.filter((c) => !c.genuine).map((c) => `${c.reference[0]} ${c.probe}`)).toEqual(['101_01.tif 102_1.tif', '101_01.tif 103_1.tif', '102_1.tif 103_1.tif']);
  });
  it('refuses a sample listed twice (it was compared with itself: genuine under one subject, impostor under two)', () => {
    const samples = [
      { path: 'a/1.png', subject: 'a' },
      { path: 'a/2.png', subject: 'a' },
      { path: 'b/1.png', subject: 'b' },
    ];
    expect(fvcProtocol(samples).map((c) => `${c.reference[0]} ${c.probe} ${c.kind}`)).toEqual(['a/1.png a/2.png genuine', 'a/1.png b/1.png impostor']);
    expect(() => fvcProtocol([...samples, { path: 'a/1.png', subject: 'a' }])).toThrow(
      new DatasetError('FVC protocol: sample "a/1.png" is listed twice (subjects "a" and "a")'),
    );
    expect(() => fvcProtocol([...samples, { path: 'b/1.png', subject: 'a' }])).toThrow(DatasetError);
  });

  it('gives the same comparisons, roles included, for every order of a listing that mixes numbers and names', () => {
    // Numbers against names by code units was circular (9 < 10 < 1a < 9), and so was 101_2 < 101_10 < 101_1a < 101_2.
    const samples = [
      { path: '9/x.png', subject: '9' },
      { path: '10/x.png', subject: '10' },
      { path: '1a/x.png', subject: '1a' },
      { path: '101_2.tif', subject: '101' },
      { path: '101_10.tif', subject: '101' },
      { path: '101_1a.tif', subject: '101' },
    ];
    const show = (list: typeof samples) => fvcProtocol(list).map((c) => `${c.reference[0]}>${c.probe}`);
    const expected = show(samples);
    expect(expected.filter((c) => !c.startsWith('101'))).toContain('9/x.png>10/x.png');
    const permutations = (items: typeof samples): (typeof samples)[] =>
      items.length <= 1 ? [items] : items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
    for (const order of permutations(samples)) expect(show(order), order.map((s) => s.path).join(' ')).toEqual(expected);
  });
});

describe('SVC2004 protocol checks', () => {
  const samples = [1, 2].flatMap((u) => Array.from({ length: 40 }, (_, s) => ({ path: `U${u}S${s + 1}.TXT`, subject: String(u) })));
  it('refuses seeds that are not whole numbers in [0, 2^32 - 1] and trials or draws that are not whole numbers', () => {
    for (const seed of [1.9, 2 ** 32 + 1, -1, Number.NaN]) expect(() => svc2004Protocol(samples, { seed }), String(seed)).toThrow(ConfigError);
    expect(() => svc2004Protocol(samples, { seed: 1, trials: Number.NaN })).toThrow(ConfigError);
    expect(() => svc2004Protocol(samples, { seed: 1, enrolment: 2.5 })).toThrow(ConfigError);
    expect(() => svc2004Protocol(samples, { seed: 1, randomForgeries: -1 })).toThrow(ConfigError);
    expect(svc2004Protocol(samples, { seed: 2 ** 32 - 1, trials: 1 }).length).toBe(2 * (10 + 20 + 1));
  });

  it('refuses more random forgeries than there are other users (2 of 2 users gave 1 each, silently)', () => {
    expect(() => svc2004Protocol(samples, { seed: 1, randomForgeries: 2, folder: '/data/svc' })).toThrow(
      new ConfigError('SVC2004 protocol: randomForgeries: 2 random forgeries for each of the 2 users in /data/svc, who have 1 others each'),
    );
    const random = (opts: { randomForgeries?: number }) => svc2004Protocol(samples, { seed: 1, trials: 1, ...opts }).filter((c) => c.kind === 'random');
    // Unasked, every other user up to 20.
    expect(random({}).length).toBe(2);
    expect(random({ randomForgeries: 1 })).toEqual(random({}));
  });

  it('names the missing file, and the folder when given', () => {
    const lacking = samples.filter((s) => s.path !== 'U2S17.TXT');
    expect(() => svc2004Protocol(lacking, { seed: 1 })).toThrow(/^SVC2004 user 2 lacks signature S17: no file U2S17\.TXT among the samples$/);
    const err = thrownBy(() => svc2004Protocol(lacking, { seed: 1, folder: '/data/svc2004' }));
    expect(err).toBeInstanceOf(DatasetError);
    expect(err).toMatchObject({ path: '/data/svc2004', message: '/data/svc2004: SVC2004 user 2 lacks signature S17: no file U2S17.TXT in this folder' });
  });
  it('keeps one file per (user, signature), the first in name order, and names users by number', async () => {
    const dir = await tempFolder('biofuse-svc-');
    const names = [1, 2].flatMap((u) => Array.from({ length: 40 }, (_, s) => (u === 2 ? `U02S${s + 1}.TXT` : `U${u}S${s + 1}.TXT`)));
    for (const name of [...names, 'U1S01.TXT', 'u1s12.txt', 'notes.txt']) await writeFile(join(dir, name), '');
    const l = await readSvc2004Folder(dir);
    expect(l.samples.length).toBe(80);
    expect(new Set(l.samples.map((s) => s.subject))).toEqual(new Set(['1', '2']));
    expect(l.skipped).toEqual([
      { path: 'U1S1.TXT', reason: 'signature U1S1 again (U1S01.TXT is used)' },
      { path: 'notes.txt', reason: 'name is not U<user>S<signature>.TXT' },
      { path: 'u1s12.txt', reason: 'signature U1S12 again (U1S12.TXT is used)' },
    ]);
    // The protocol reads the listing whatever order the folder gave: the same comparisons each time.
    const p = svc2004Protocol(l.samples, { seed: 3, trials: 1 });
    expect(p.filter((c) => c.kind === 'genuine' && c.probe.toLowerCase() === 'u1s12.txt').map((c) => c.probe)).toEqual(['U1S12.TXT']);
  });

  it('refuses a listing with two files for one signature, or a sample it cannot name (the later file replaced the other, silently)', () => {
    const twice = [...samples, { path: 'U1S01.TXT', subject: '1' }];
    const err = thrownBy(() => svc2004Protocol(twice, { seed: 1, folder: '/data/svc' }));
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toBe('/data/svc: SVC2004 user 1 has signature S1 twice: U1S1.TXT and U1S01.TXT');
    expect(() => svc2004Protocol([...samples, { path: 'extra/U3S1.TXT', subject: '3' }], { seed: 1 })).toThrow(
      new DatasetError('SVC2004 sample "extra/U3S1.TXT" is not named U<user>S<signature>.TXT'),
    );
  });
});

const lfw = sharedDataset('lfw');
describe.skipIf(lfw.skip)('LFW pairs', () => {
  it('reads 5 folds of 300 matched and 300 mismatched pairs whose images exist', async () => {
    const pairs = await readLfwPairs(join(lfw.path, 'pairs.txt'));
    expect(pairs.length).toBe(3000);
    expect(pairs.filter((p) => p.genuine).length).toBe(1500);
    expect(new Set(pairs.map((p) => p.fold))).toEqual(new Set([1, 2, 3, 4, 5]));
    expect(pairs[0]).toEqual({
      reference: ['Abel_Pacheco/Abel_Pacheco_0001.jpg'],
      probe: 'Abel_Pacheco/Abel_Pacheco_0004.jpg',
      genuine: true,
      kind: 'genuine',
      fold: 1,
    });
    expect(pairs[300].genuine).toBe(false);
    for (const p of pairs) expect(existsSync(join(lfw.path, 'images', p.probe))).toBe(true);
  });
});

const fvc = sharedDataset('fvc2002');
describe.skipIf(fvc.skip)('FVC2002 B sets', () => {
  it('lists 10 fingers x 8 impressions and the FVC protocol (280 genuine, 45 impostor)', async () => {
    for (const db of ['DB1_B', 'DB2_B', 'DB3_B', 'DB4_B']) {
      const l = await readFvcFolder(join(fvc.path, db));
      expect(l.samples.length).toBe(80);
      expect(l.samples[0]).toEqual({ path: '101_1.tif', subject: '101' });
      const p = fvcProtocol(l.samples);
      expect(p.filter((c) => c.genuine).length).toBe(280);
      expect(p.filter((c) => !c.genuine).length).toBe(45);
      expect(p.find((c) => !c.genuine)).toMatchObject({ reference: ['101_1.tif'], probe: '102_1.tif' });
    }
  });
});

const svc = sharedDataset('svc2004-task2');
describe.skipIf(svc.skip)('SVC2004 Task 2', () => {
  it('builds 10 seeded trials of genuine, skilled and random-forgery probes', async () => {
    const l = await readSvc2004Folder(svc.path);
    expect(l.samples.length).toBe(1600);
    const p = svc2004Protocol(l.samples, { seed: 1 });
    expect(p.length).toBe(10 * 40 * (10 + 20 + 20));
    const t1 = p.filter((c) => c.fold === 1 && c.probe.startsWith('U1S'));
    expect(t1.filter((c) => c.kind === 'genuine').length).toBe(10);
    expect(t1.filter((c) => c.kind === 'skilled').length).toBe(20);
    const u1 = p.filter((c) => c.fold === 1 && c.reference[0].startsWith('U1S'));
    expect(u1[0].reference.length).toBe(5);
    for (const r of u1[0].reference) expect(Number(/S(\d+)/.exec(r)?.[1])).toBeLessThanOrEqual(10);
    const random = u1.filter((c) => c.kind === 'random');
    expect(random.length).toBe(20);
    expect(random.every((c) => !c.probe.startsWith('U1S'))).toBe(true);
    expect(svc2004Protocol(l.samples, { seed: 1 })).toEqual(p);
    expect(svc2004Protocol(l.samples, { seed: 2 })).not.toEqual(p);
  });
});

describe('PAD manifest', () => {
  it('refuses a presentation listed twice, naming both lines (it counted twice in APCER or BPCER)', async () => {
    const dir = await tempFolder('biofuse-pad-');
    const file = join(dir, 'manifest.csv');
    await writeFile(file, 'relpath,label,split\na.jpg,bona_fide,test\nb.jpg,attack_print_photo,test\n');
    expect((await readPadManifest(file)).map((p) => p.path)).toEqual(['a.jpg', 'b.jpg']);
    await writeFile(file, 'relpath,label,split\na.jpg,bona_fide,test\nb.jpg,attack_print_photo,test\nb.jpg ,attack_print_photo,test\n');
    const err = await readPadManifest(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatasetError);
    expect(err).toMatchObject({ path: file, line: 4, detail: 'presentation b.jpg is listed again (first on line 3)' });
  });
});

const nuaa = sharedDataset('nuaa-pad-subset');
describe.skipIf(nuaa.skip)('NUAA PAD manifest', () => {
  it('reads bona fide and print-photo attacks with splits', async () => {
    const m = await readPadManifest(join(nuaa.path, 'manifest_subset.csv'));
    expect(m.length).toBe(254);
    expect(m[0]).toMatchObject({ path: 'ClientRaw/0001/0001_00_00_01_0.jpg', bonaFide: true, split: 'train', subject: '0001' });
    const attacks = m.filter((p) => !p.bonaFide);
    expect(attacks.length).toBeGreaterThan(0);
    expect(new Set(attacks.map((a) => a.species))).toEqual(new Set(['print_photo']));
    for (const p of m) expect(existsSync(join(nuaa.path, p.path))).toBe(true);
  });
});
