import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DatasetError, StaleGalleryError, Gallery } from '@biofuse/core';
import { temporaryFolders, thrownBy } from '@biofuse/core/testing';
import { FingerprintModality } from './fingerprint-modality';
import { FingerprintGallery } from './gallery';
import { encodeFingerprintPng, synthesizeImpression, synthesizeMasterFingerprint } from './synthetic/index';

const tempFolder = temporaryFolders();

describe('FingerprintGallery', () => {
  it('enrols a folder per identity, identifies other impressions at rank 1, and counts failures to enrol', async () => {
    const dir = await tempFolder('biofuse-fp-gallery-');
    const modality = new FingerprintModality();
    const masters = Array.from({ length: 6 }, (_, f) => synthesizeMasterFingerprint(500 + f));
    for (const [f, master] of masters.entries()) {
      await mkdir(join(dir, 'people', `finger${f}`), { recursive: true });
      await writeFile(join(dir, 'people', `finger${f}`, 'a.png'), await encodeFingerprintPng(synthesizeImpression(master, 100 + f)));
    }
    await writeFile(join(dir, 'people', 'finger0', 'blank.png'), await encodeFingerprintPng({ width: 200, height: 200, dpi: 500, pixels: new Uint8Array(40000).fill(255) }));
    const galleryPath = join(dir, 'prints.db');
    const gallery = await FingerprintGallery.open(galleryPath, modality);
    const report = await gallery.enrollFolder(join(dir, 'people'));
    expect(report.enrolled).toBe(6);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0].reason).toMatch(/no ridge area/);
    expect((await gallery.enrollFolder(join(dir, 'people'))).unchanged).toBe(6);

    const records = new Set<number>();
    for (const [f, master] of masters.entries()) {
      const probe = await encodeFingerprintPng(synthesizeImpression(master, 900 + f));
      const [best, second] = await gallery.identify(probe, { k: 2, shortlist: 3 });
      expect(best.identity).toBe(`finger${f}`);
      expect(best.score).toBeGreaterThan(second.score + 0.05);
      // The record behind the score, as every modality's gallery candidate names it.
      records.add(best.recordId);
      expect(best.source).toBe(join(dir, 'people', `finger${f}`, 'a.png'));
    }
    // Each finger's one enrolled print is its own record.
    expect([...records].every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    expect(records.size).toBe(masters.length);
    gallery.close();
    // Other extraction settings make other templates from the same files: enrolled again, not skipped as unchanged.
    const at400 = await FingerprintGallery.open(galleryPath, new FingerprintModality({ dpi: 400 }));
    const redone = await at400.enrollFolder(join(dir, 'people'));
    expect(redone).toMatchObject({ unchanged: 0, replaced: 6, enrolled: 6 });
    expect((await at400.enrollFolder(join(dir, 'people'))).unchanged).toBe(6);
    at400.close();
    // A stricter quality gate re-examines every file: those below it lose their records.
    const strict = await FingerprintGallery.open(galleryPath, new FingerprintModality({ dpi: 400, minQuality: 100 }));
    const gated = await strict.enrollFolder(join(dir, 'people'));
    expect(gated.unchanged).toBe(0);
    expect(gated.removed + gated.replaced).toBe(6);
    strict.close();
    // A gallery made by another pipeline is refused, not mixed.
    await expect(Gallery.open(galleryPath, { modality: 'face', model: 'x', templateVersion: 1, dims: 128 })).rejects.toThrow(StaleGalleryError);
  }, 60_000);

  it('refuses k and shortlist that are not whole positive numbers, orders ties by code unit, and names a damaged record', async () => {
    const modality = new FingerprintModality();
    const png = await encodeFingerprintPng(synthesizeImpression(synthesizeMasterFingerprint(700), 1));
    const path = join(await tempFolder('biofuse-fp-gallery-'), 'prints.db');
    const gallery = await FingerprintGallery.open(path, modality);
    // An empty gallery is an error, not "no one matched".
    await expect(gallery.identify(png)).rejects.toThrow(DatasetError);
    await expect(gallery.identify(png)).rejects.toThrow(/holds no records/);
    // One print under three names: equal scores. localeCompare put "a" before "B" (by locale); code units put "B" first.
    for (const who of ['a', 'B', 'c']) expect(await gallery.enroll(who, png)).toMatchObject({ enrolled: 1 });
    // The same bytes again under one identity are already enrolled.
    expect(await gallery.enroll('a', png)).toMatchObject({ enrolled: 0, unchanged: 1 });
    expect(gallery.size).toBe(3);
    const probe = await modality.extract(await modality.load(png));
    expect(gallery.identifyTemplate(probe, { k: 3 }).map((c) => c.identity)).toEqual(['B', 'a', 'c']);
    for (const k of [-1, 0, 2.5, Number.NaN]) expect(() => gallery.identifyTemplate(probe, { k })).toThrow(ConfigError);
    for (const shortlist of [-1, 0, 2.5]) expect(() => gallery.identifyTemplate(probe, { shortlist })).toThrow(ConfigError);
    gallery.close();
    // The templates damaged in the file (their magic number): the error names the gallery and the record.
    const file = await readFile(path);
    let damaged = 0;
    for (let at = file.indexOf('BFFP'); at >= 0; at = file.indexOf('BFFP', at + 4), damaged++) file.write('BFFX', at);
    expect(damaged).toBe(3);
    await writeFile(path, file);
    const reopened = await FingerprintGallery.open(path, modality, { create: false });
    const failure = thrownBy(() => reopened.identifyTemplate(probe));
    expect(failure).toBeInstanceOf(DatasetError);
    expect((failure as Error).message).toMatch(new RegExp(`^${path}: record 1 \\(a, from a#1\\) holds a damaged template \\(not a biofuse fingerprint template`));
    reopened.close();
    // A template of a newer version (a newer build enrolled it while this one had the gallery open) is not called damaged, nor to be removed.
    const newer = Buffer.from(file.toString('latin1').replaceAll('BFFX', 'BFFP'), 'latin1');
    for (let at = newer.indexOf('BFFP'); at >= 0; at = newer.indexOf('BFFP', at + 4)) newer[at + 4] = 9;
    await writeFile(path, newer);
    const upgraded = await FingerprintGallery.open(path, modality, { create: false });
    expect(thrownBy(() => upgraded.identifyTemplate(probe))).toEqual(new DatasetError('record 1 (a, from a#1) holds a template of version 9, newer than this build of biofuse reads (2): upgrade biofuse', path));
    upgraded.close();
  }, 60_000);
});
