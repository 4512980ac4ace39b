import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError, Gallery } from '@biofuse/core';
import { encodeFingerprintPng, FingerprintGallery, FingerprintModality, synthesizeImpression, synthesizeMasterFingerprint } from '@biofuse/fingerprint';
import { enrolIntoGallery } from '../src/gallery-file';
import { temporaryFolders } from '@biofuse/core/testing';

const tempFolder = temporaryFolders();

const BIN = resolve(import.meta.dirname, '../bin/biofuse.js');

function biofuse(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a failed first enrolment', () => {
  const spec = { modality: 'test', model: 'm', templateVersion: 1, dims: 2 };
  const unit = Float32Array.of(0.6, 0.8);
  const records = async (path: string) => {
    const g = await Gallery.open(path, spec, { create: false });
    const n = g.size;
    g.close();
    return n;
  };

  it('keeps the gallery when another enrolment wrote records into it meanwhile (it was removed with them)', async () => {
    const path = join(await tempFolder('biofuse-cli-gallery-'), 'g.db');
    await expect(
      enrolIntoGallery(path, () => Gallery.open(path, spec), async () => {
        // Another process enrols into the file this command created.
        const other = await Gallery.open(path, spec);
        other.add('alice', 'a.jpg', 'h', Uint8Array.of(1), unit);
        other.close();
        throw new DatasetError('no samples to enrol', '/somewhere');
      }),
    ).rejects.toThrow(/no samples to enrol/);
    expect(await records(path)).toBe(1);
    // Every sample of this one failed, but meanwhile another enrolment filled the file: a gallery with records, kept.
    const filled = join(path, '..', 'filled.db');
    const size = await enrolIntoGallery(filled, () => Gallery.open(filled, spec), async (g) => {
      const second = await Gallery.open(filled, spec);
      second.add('bob', 'b.jpg', 'h', Uint8Array.of(1), unit);
      second.close();
      return g.size;
    });
    expect(size).toBe(1);
    expect(await records(filled)).toBe(1);
  });

  it('keeps an empty gallery another enrolment holds open, and removes one no one uses', async () => {
    const dir = await tempFolder('biofuse-cli-gallery-');
    const path = join(dir, 'g.db');
    let other: Gallery | undefined;
    await expect(
      enrolIntoGallery(path, () => Gallery.open(path, spec), async () => {
        other = await Gallery.open(path, spec); // still extracting its first sample
      }),
    ).rejects.toThrow(/nothing was enrolled .*the gallery is kept, as another enrolment is using it/);
    other!.add('alice', 'a.jpg', 'h', Uint8Array.of(1), unit);
    other!.close();
    expect(await records(path)).toBe(1);
    const lone = join(dir, 'lone.db');
    await expect(enrolIntoGallery(lone, () => Gallery.open(lone, spec), async () => undefined)).rejects.toThrow(/nothing was enrolled .*so no gallery was made/);
    expect(existsSync(lone)).toBe(false);
  }, 20_000);
});

describe('biofuse fingerprint galleries', () => {
  it('lists skipped files, and refuses empty, non-gallery and damaged galleries with data errors', async () => {
    const dir = await tempFolder('biofuse-cli-gallery-');
    const people = join(dir, 'people');
    const prints = await Promise.all([0, 1].map((f) => encodeFingerprintPng(synthesizeImpression(synthesizeMasterFingerprint(800 + f), 1))));
    for (const [f, png] of prints.entries()) {
      await mkdir(join(people, `finger${f}`), { recursive: true });
      await writeFile(join(people, `finger${f}`, 'a.png'), png);
    }
    await writeFile(join(people, 'stray.png'), prints[0]);
    await mkdir(join(people, 'finger0', 'more'));
    const probe = join(dir, 'probe.png');
    await writeFile(probe, prints[1]);

    // What the folder holds besides identity folders of files is printed, with the reason.
    const gallery = join(dir, 'g.db');
    const enrolled = biofuse(['fingerprint', 'enroll', '--gallery', gallery, '--folder', people]);
    expect(enrolled.code).toBe(0);
    const report = JSON.parse(enrolled.stdout) as { enrolled: number; skipped: { path: string; reason: string }[] };
    expect(report.enrolled).toBe(2);
    expect(report.skipped).toEqual(
      expect.arrayContaining([
        { path: join(people, 'stray.png'), reason: 'not inside an identity folder' },
        { path: join(people, 'finger0', 'more'), reason: 'not a file' },
      ]),
    );

    // A gallery with no records: an error, not an empty list of candidates.
    const emptyPath = join(dir, 'empty.db');
    (await FingerprintGallery.open(emptyPath, new FingerprintModality())).close();
    const empty = biofuse(['fingerprint', 'identify', probe, '--gallery', emptyPath]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/empty\.db: the gallery holds no records/);

    // An empty file is not made into a gallery by a search.
    const zero = join(dir, 'zero.db');
    await writeFile(zero, '');
    const notGallery = biofuse(['fingerprint', 'identify', probe, '--gallery', zero]);
    expect(notGallery.code).toBe(2);
    expect(notGallery.stderr).toMatch(/zero\.db: not a biofuse gallery/);
    expect((await stat(zero)).size).toBe(0);

    // Damaged pages: a data error naming the gallery, not an internal error.
    expect(existsSync(`${gallery}-wal`)).toBe(false);
    const bytes = await readFile(gallery);
    bytes.fill(0xff, 4096);
    await writeFile(gallery, bytes);
    const damaged = biofuse(['fingerprint', 'identify', probe, '--gallery', gallery]);
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toMatch(/g\.db: .*it is damaged \(database disk image is malformed\)/);
    expect(damaged.stderr).not.toMatch(/internal error/);
  }, 120_000);
});
