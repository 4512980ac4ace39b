import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ConfigError, ImageDecodeError, TemplateFormatError } from '@biofuse/core';
import { sharedDataset, temporaryFolders } from '@biofuse/core/testing';
import { FingerprintAcquisitionError } from './errors';
import { FingerprintModality } from './fingerprint-modality';
import { parseFingerprintParams } from './params';
import { synthesizeImpression, synthesizeMasterFingerprint } from './synthetic/index';
import type { FingerprintTemplate } from './template/fingerprint-template';
import { minutiaSet } from './template/minutiae';

// Synthetic prints keep these tests independent of external files: 4 fingers x 3 impressions.
async function syntheticTemplates(modality: FingerprintModality): Promise<FingerprintTemplate[][]> {
  const fingers: FingerprintTemplate[][] = [];
  for (let f = 0; f < 4; f++) {
    const master = synthesizeMasterFingerprint(1000 + f);
    const impressions: FingerprintTemplate[] = [];
    for (let i = 0; i < 3; i++) impressions.push(await modality.extract(synthesizeImpression(master, 10 * f + i, { distortion: 0.5 })));
    fingers.push(impressions);
  }
  return fingers;
}

const cosine = (a: Float32Array, b: Float32Array) => {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
};

const tempFolder = temporaryFolders();

describe('FingerprintModality', () => {
  it('scores impressions of one finger above those of different fingers, templates and vectors alike', async () => {
    const modality = new FingerprintModality();
    const fingers = await syntheticTemplates(modality);
    const genuine: number[] = [];
    const impostor: number[] = [];
    const genuineCos: number[] = [];
    const impostorCos: number[] = [];
    for (let f = 0; f < fingers.length; f++) {
      for (let g = f; g < fingers.length; g++) {
        for (let i = 0; i < 3; i++) {
          for (let j = f === g ? i + 1 : 0; j < 3; j++) {
            const a = fingers[f][i];
            const b = fingers[g][j];
            (f === g ? genuine : impostor).push(modality.compare(a, b).similarity);
            (f === g ? genuineCos : impostorCos).push(cosine(modality.embed(a), modality.embed(b)));
          }
        }
      }
    }
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    expect(Math.min(...genuine)).toBeGreaterThan(Math.max(...impostor));
    expect(mean(genuine)).toBeGreaterThan(0.2);
    expect(Math.max(...impostor)).toBeLessThan(0.1);
    expect(mean(genuineCos)).toBeGreaterThan(mean(impostorCos));
    expect(new Set(fingers.flat().map((t) => modality.embed(t).length)).size).toBe(1);
  }, 60_000);

  it('round-trips templates through its encoding and scores them the same', async () => {
    const modality = new FingerprintModality();
    const master = synthesizeMasterFingerprint(77);
    const a = await modality.extract(synthesizeImpression(master, 1));
    const b = await modality.extract(synthesizeImpression(master, 2));
    const back = modality.decode(modality.encode(a));
    expect(modality.compare(back, b).similarity).toBe(modality.compare(a, b).similarity);
    expect(() => modality.decode(modality.encode(a).subarray(0, 20))).toThrow(TemplateFormatError);
  });

  const fvc = sharedDataset('fvc2002');
  it.skipIf(fvc.skip)('loads stored templates as samples, told by their bytes, and maps ISO records onto the image', async () => {
    const modality = new FingerprintModality({ isoImageSize: [296, 560], dpi: 569 });
    const iso = await modality.load(join(fvc.path, 'iso-templates', 'DB2_B', '101_2.iso'));
    expect('minutiae' in iso && [iso.width, iso.height, iso.dpi]).toEqual([296, 560, 569]);
    const ours = await modality.extract(await modality.load(join(fvc.path, 'DB2_B', '101_1.tif')));
    const stored = await modality.load(Buffer.from(modality.encode(ours)));
    expect(await modality.extract(stored)).toBe(stored);
    const other = await modality.extract(await modality.load(join(fvc.path, 'iso-templates', 'DB2_B', '102_1.iso')));
    // Ours against their record of another impression of the same finger, and of another finger.
    expect(modality.compare(ours, await modality.extract(iso)).similarity).toBeGreaterThan(modality.compare(ours, other).similarity + 0.1);
  });

  it('names the file in every failure to load or acquire', async () => {
    const dir = await tempFolder('biofuse-fp-bad-');
    const modality = new FingerprintModality();
    const master = synthesizeMasterFingerprint(5);
    const bytes = modality.encode(await modality.extract(synthesizeImpression(master, 1)));
    const write = async (name: string, data: Uint8Array | string) => {
      await writeFile(join(dir, name), data);
      return join(dir, name);
    };
    const truncated = await write('cut.bfp', bytes.subarray(0, 30));
    await expect(modality.load(truncated)).rejects.toThrow(TemplateFormatError);
    await expect(modality.load(truncated)).rejects.toThrow(`${truncated}: fingerprint template damaged: its checksum does not match its 30 bytes (changed or cut short since it was written)`);
    const text = await write('signature.txt', '84\n2933 5678 31275775 0 1550 710 439\n');
    await expect(modality.load(text)).rejects.toThrow(ImageDecodeError);
    await expect(modality.load(text)).rejects.toThrow(`${text}: not a fingerprint image (TIFF, PNG, BMP, JPEG, ...) or template`);
    // A BMP of a kind the reader does not take keeps its precise reason.
    const rleBytes = new Uint8Array(54 + 16);
    const rleView = new DataView(rleBytes.buffer);
    rleBytes.set([0x42, 0x4d]);
    rleView.setUint32(2, rleBytes.length, true);
    rleView.setUint32(10, 54, true);
    rleView.setUint32(14, 40, true);
    rleView.setInt32(18, 4, true);
    rleView.setInt32(22, 4, true);
    rleView.setUint16(26, 1, true);
    rleView.setUint16(28, 8, true);
    rleView.setUint32(30, 1, true); // BI_RLE8
    const rle = await write('rle.bmp', rleBytes);
    await expect(modality.load(rle)).rejects.toThrow(`${rle}: compressed BMP (compression 1) is not supported`);
    const blank = await write('blank.png', await sharp({ create: { width: 200, height: 200, channels: 3, background: '#ffffff' } }).png().toBuffer());
    const sample = await modality.load(blank);
    await expect(modality.extract(sample)).rejects.toThrow(FingerprintAcquisitionError);
    await expect(modality.extract(sample)).rejects.toThrow(`${blank}: no ridge area found`);
  });

  it.skipIf(fvc.skip)('refuses prints below a minimum quality as failures to acquire, and only prints', async () => {
    const gated = new FingerprintModality({ dpi: 569, minQuality: 40 });
    const dry = join(fvc.path, 'DB2_B', '109_8.tif'); // quality 37: ridges broken into dots
    const error = await gated.extract(await gated.load(dry)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FingerprintAcquisitionError);
    expect((error as FingerprintAcquisitionError).reason).toBe('low_quality');
    expect((error as Error).message).toMatch(/109_8\.tif: quality 37 is below the minimum of 40: clear ridge flow in only 37 %/);
    const clear = await gated.extract(await gated.load(join(fvc.path, 'DB2_B', '109_1.tif')));
    expect(clear.quality).toBeGreaterThanOrEqual(40);
    // A stored template keeps whatever quality it carries (an ISO record's may not be ours).
    const stored = { ...clear, quality: 5 };
    expect(await gated.extract(stored)).toBe(stored);
  });

  it('gives 0, never NaN, for a template without minutiae, and refuses such templates as samples', async () => {
    const modality = new FingerprintModality();
    const empty: FingerprintTemplate = { width: 300, height: 300, dpi: 500, quality: 0, minutiae: minutiaSet([]) };
    const one: FingerprintTemplate = { ...empty, minutiae: minutiaSet([{ x: 10, y: 10, angle: 1, kind: 1, quality: 50 }]) };
    expect(modality.compare(empty, one).similarity).toBe(0);
    expect(modality.compare(empty, empty).similarity).toBe(0);
    // As samples, such templates fail to acquire, as an image with that few minutiae does.
    await expect(modality.extract(one)).rejects.toThrow(FingerprintAcquisitionError);
    await expect(modality.extract(one)).rejects.toThrow(/the template holds 1 minutiae \(at least 5 are needed\)/);
  });

  it('validates its parameters by name', () => {
    expect(parseFingerprintParams({ dpi: 569 })).toEqual({ dpi: 569, maxMinutiae: undefined });
    expect(() => parseFingerprintParams({ dpi: -1 })).toThrow(/dpi/);
    expect(() => parseFingerprintParams({ resolution: 500 })).toThrow(/unknown fingerprint parameter "resolution"/);
    expect(parseFingerprintParams({ minQuality: 40 }).minQuality).toBe(40);
    expect(() => parseFingerprintParams({ minQuality: 101 })).toThrow(/"minQuality" must be a number in \[0, 100\]/);
    expect(parseFingerprintParams({ minQuality: 0 }).minQuality).toBe(0);
    expect(() => parseFingerprintParams({ maxMinutiae: 10.5 })).toThrow(/"maxMinutiae" must be a whole number/);
    // An empty YAML `params:` block is null: no parameters, not a TypeError.
    expect(parseFingerprintParams(null)).toEqual({ dpi: undefined, maxMinutiae: undefined, minQuality: undefined });
    expect(() => parseFingerprintParams([500] as unknown as Record<string, unknown>)).toThrow(ConfigError);
  });
});
