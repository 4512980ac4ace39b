import { ConfigError, TemplateFormatError } from '@biofuse/core';
import { thrownBy } from '@biofuse/core/testing';
import { describe, expect, it } from 'vitest';
import { extractFingerprint } from './extract/extract';
import { DEFAULT_EXTRACTION_PARAMS, type ExtractionParams } from './extract/params';
import { FingerprintModality } from './fingerprint-modality';
import { loadFingerprintImage } from './image/load';
import { centreVectors } from './match/centre-vectors';
import { centredFingerprintVector, compareFingerprints, fingerprintVector, matchParams, prepareTemplate, type PreparedTemplate } from './index';
import { randomTemplate } from './match/test-templates';
import { parseFingerprintParams, type FingerprintParams } from './params';
import type { FingerprintTemplate } from './template/fingerprint-template';
import { minutiaList, minutiaSet, type Minutia } from './template/minutiae';
import { reframeTemplate } from './template/reframe';

const print = randomTemplate(7);
const other = randomTemplate(8);

describe('templates built in code', () => {
  const modality = new FingerprintModality();
  const withMinutiae = (list: Minutia[]): FingerprintTemplate => ({ ...print, minutiae: minutiaSet(list) });
  it('are checked as encoding checks them before they are compared, embedded, rated or taken as samples', async () => {
    // A NaN dpi was matched as 500 dpi, a minutia 5000 px outside a 300 x 400 image and a count
    // beyond the arrays scored like the print itself (0.99), and extract() passed them on.
    const bad: [FingerprintTemplate, string][] = [
      [{ ...print, dpi: Number.NaN }, 'dpi NaN'],
      [withMinutiae([...minutiaList(print.minutiae), { x: 5000, y: 5000, angle: 1, kind: 1, quality: 50 }]), 'lies outside the 300 x 400 image'],
      [{ ...print, minutiae: { ...print.minutiae, count: print.minutiae.count + 5 } }, '45 minutiae but 40 values of x'],
      [{ ...print, quality: 250 }, 'quality 250'],
    ];
    for (const [t, message] of bad) {
      for (const use of [() => modality.compare(print, t), () => modality.compare(t, print), () => modality.embed(t), () => modality.quality(t)]) {
        const err = thrownBy(use);
        expect(err).toBeInstanceOf(TemplateFormatError);
        expect((err as Error).message).toContain(message);
      }
      await expect(modality.extract(t)).rejects.toThrow(TemplateFormatError);
    }
    expect(modality.compare(print, print).similarity).toBeGreaterThan(0.9);
    expect(modality.compare(print, other).similarity).toBeLessThan(0.3);
  });

  it('are checked the same way by the matcher\'s own exports, which a library user calls without the modality', () => {
    const withValue = (key: 'x' | 'kind', i: number, v: number): FingerprintTemplate => {
      const column = print.minutiae[key].slice();
      column[i] = v;
      return { ...print, minutiae: { ...print.minutiae, [key]: column } };
    };
    const bad: [FingerprintTemplate, string][] = [
      [{ ...print, dpi: Number.NaN }, 'dpi NaN'],
      [{ ...print, dpi: 0 }, 'dpi 0'],
      [{ ...print, minutiae: { ...print.minutiae, count: print.minutiae.count + 5 } }, '45 minutiae but 40 values of x'],
      [withValue('x', 3, Number.NaN), 'minutia 3 at a position or angle that is not a finite number'],
      [withValue('kind', 3, 9), 'minutia 3 of unknown kind 9'],
    ];
    const good = prepareTemplate(print);
    for (const [t, message] of bad) {
      for (const use of [
        () => prepareTemplate(t),
        () => prepareTemplate(t, matchParams({ maxMinutiae: 20 })),
        () => fingerprintVector(t),
        () => centredFingerprintVector(t),
      ]) {
        const err = thrownBy(use);
        expect(err).toBeInstanceOf(TemplateFormatError);
        expect((err as Error).message).toContain(message);
      }
      // compareFingerprints takes prepared templates only: a template that never was one is refused, bad or not.
      expect(() => compareFingerprints(good, t as unknown as PreparedTemplate)).toThrow(TemplateFormatError);
    }
    // Prepared templates were checked when prepared, and pass as they are.
    expect(Array.from(fingerprintVector(good))).toEqual(Array.from(good.vector));
    expect(Array.from(centredFingerprintVector(good))).toEqual(Array.from(centredFingerprintVector(print)));
    expect(compareFingerprints(good, good).similarity).toBeGreaterThan(0.9);
  });

  it('minutiaSet refuses kinds and values its typed arrays would change', () => {
    // Kind 257 was stored as 1 (an ending), 7 kept; x = 1e40 became Infinity, an infinite angle NaN.
    const one = (m: Partial<Minutia>) => () => minutiaSet([{ x: 10, y: 10, angle: 1, kind: 1, quality: 50, ...m }]);
    for (const kind of [7, 257, -1, 1.5]) expect(one({ kind: kind as never })).toThrow(TemplateFormatError);
    for (const m of [{ x: 1e40 }, { y: Number.NaN }, { angle: Number.POSITIVE_INFINITY }]) expect(one(m)).toThrow(/is not a finite number/);
    expect(one({})().kind[0]).toBe(1);
  });

  it('reframeTemplate refuses a size that is no image size, and a template without a frame', () => {
    // 0 put every minutia at 0, NaN made them NaN, -300 mirrored them out of the frame, a 0-wide template made them Infinity.
    for (const [w, h] of [[0, 400], [Number.NaN, 400], [-300, 400], [300.5, 400]]) expect(() => reframeTemplate(print, w, h)).toThrow(ConfigError);
    expect(() => reframeTemplate({ ...print, width: 0 }, 300, 400)).toThrow(TemplateFormatError);
    expect(reframeTemplate(print, 600, 400).minutiae.x[0]).toBeCloseTo(2 * print.minutiae.x[0], 3);
  });
});

describe('parameters built in code', () => {
  it('FingerprintModality checks them as parseFingerprintParams does, naming NaN as NaN', () => {
    // minQuality NaN let every print through; isoImageSize [0, 0] put every ISO minutia at (0, 0).
    const bad: [FingerprintParams, string][] = [
      [{ minQuality: Number.NaN }, '"minQuality" must be a number in [0, 100], got NaN'],
      [{ isoImageSize: [0, 0] }, '"isoImageSize" must be [width, height]'],
      [{ dpi: Number.NaN }, '"dpi" must be a sensor\'s resolution, 100-4000, got NaN'],
      [{ maxMinutiae: 1000 }, '"maxMinutiae" must be a number in (0, 255], got 1000'],
    ];
    for (const [params, message] of bad) expect(() => new FingerprintModality(params)).toThrow(message);
    expect(() => parseFingerprintParams({ minQuality: Number.NaN })).toThrow('got NaN');
    expect(new FingerprintModality({ dpi: 569, minQuality: 40 }).params.dpi).toBe(569);
  });

  it('extractFingerprint refuses extraction parameters and options it would not apply as given', () => {
    const image = { width: 300, height: 300, dpi: 500, pixels: new Uint8Array(300 * 300).fill(128) };
    const cases: [unknown, string][] = [
      // A partial object was a TypeError, workingDpi NaN "no ridge area found", 0 passes ran one, a misspelt key was ignored.
      [{ maxMinutiae: 10 }, 'extraction parameter workingDpi must be a finite number >= 0, got nothing'],
      [{ ...DEFAULT_EXTRACTION_PARAMS, workingDpi: Number.NaN }, 'extraction parameter workingDpi must be a finite number >= 0, got NaN'],
      [{ ...DEFAULT_EXTRACTION_PARAMS, enhancementPasses: 0 }, 'extraction parameter enhancementPasses must be a whole number >= 1, got 0'],
      [{ ...DEFAULT_EXTRACTION_PARAMS, gabr: {} }, 'unknown extraction parameter gabr'],
      [{ ...DEFAULT_EXTRACTION_PARAMS, gabor: { ...DEFAULT_EXTRACTION_PARAMS.gabor, sigmaAcross: -1 } }, 'extraction parameter gabor.sigmaAcross must be a finite number >= 0, got -1'],
    ];
    for (const [params, message] of cases) {
      const err = thrownBy(() => extractFingerprint(image, { params: params as ExtractionParams }));
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain(message);
    }
    expect(() => extractFingerprint(image, { debg: true } as never)).toThrow('unknown extraction option "debg"');
    // Sound parameters reach the print (this one is blank: a failure to acquire, not a ConfigError).
    expect(() => extractFingerprint(image, { params: { ...DEFAULT_EXTRACTION_PARAMS, maxMinutiae: 50 } })).toThrow(/no ridge area found/);
  });

  it('loadFingerprintImage refuses a misspelt option instead of reading the file at its own resolution', async () => {
    await expect(loadFingerprintImage(new Uint8Array([1, 2, 3]), { dpl: 569 } as never)).rejects.toThrow('unknown fingerprint image option "dpl"');
  });

  it('matchParams refuses unknown keys and values that are not finite numbers', () => {
    expect(() => matchParams({ sigmaSpatial: 9 } as never)).toThrow('unknown match parameter "sigmaSpatial"');
    expect(() => matchParams({ sigmaSpatialPx: Number.NaN })).toThrow('match parameter sigmaSpatialPx must be a finite number, got NaN');
    expect(matchParams({ sigmaSpatialPx: 9 }).sigmaSpatialPx).toBe(9);
  });

  it('centreVectors refuses non-finite values and a fractional row length instead of a NaN centre', () => {
    expect(() => centreVectors(Float32Array.from([Number.NaN, 1, 2, 3]), 2)).toThrow(ConfigError);
    expect(() => centreVectors(Float32Array.from([1, 2, 3, 4]), 2, Float32Array.from([0, Number.POSITIVE_INFINITY]))).toThrow(ConfigError);
    expect(() => centreVectors(new Float32Array(5), 2.5)).toThrow(ConfigError);
  });
});
