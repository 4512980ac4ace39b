import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom, TemplateFormatError } from '@biofuse/core';
import { extremeValues, seededMutants, sharedDataset, thrownBy, truncations, withField, type Field, type Mutant } from '@biofuse/core/testing';
import { FingerprintModality } from '../fingerprint-modality';
import { randomTemplate } from '../match/test-templates';
import { checkFingerprintTemplate } from './encode';
import type { FingerprintTemplate } from './fingerprint-template';
import { readIsoRecord, readIsoTemplate, writeIsoTemplate } from './iso19794-2';

/**
 * Seeded mutation fuzzing of readIsoTemplate, on the commercial SDK's FVC2002 records and on
 * records we write: every damaged record is either refused with a TemplateFormatError that names
 * the format and what is wrong, or reads as a template the package accepts, that compares to a
 * finite score in [0, 1] and that our writer writes back to itself.
 */

const modality = new FingerprintModality();

/** The header and first view's fields (big-endian); the extended data length is the last 2 bytes of a one-view record. */
function fields(record: Uint8Array): Field[] {
  const f = (name: string, at: number, size: 1 | 2 | 4): Field => ({ name, at, size, littleEndian: false });
  return [
    f('record length', 8, 4),
    f('width', 14, 2),
    f('height', 16, 2),
    f('x resolution', 18, 2),
    f('y resolution', 20, 2),
    f('view count', 22, 1),
    f('view quality', 26, 1),
    f('minutia count', 27, 1),
    f('minutia 0 type and x', 28, 2),
    f('minutia 0 y', 30, 2),
    f('minutia 0 quality', 33, 1),
    f('extended data length', record.length - 2, 2),
  ];
}

/** How a mutant must read: refused with a matching message; 'accepted'; refused with a matching message if at all; anything sound (undefined). */
type Expected = RegExp | 'accepted' | { readonly orRefused: RegExp } | undefined;

function problem(m: Mutant, original: FingerprintTemplate, expected: Expected): string | undefined {
  let t: FingerprintTemplate;
  try {
    t = readIsoTemplate(m.bytes);
  } catch (err) {
    if (!(err instanceof TemplateFormatError)) return `${m.what}: threw ${String(err)}`;
    const message = expected instanceof RegExp ? expected : expected === 'accepted' ? /^$/ : expected?.orRefused;
    if (!/ISO 19794-2/.test(err.message) || (message && !message.test(err.message))) return `${m.what}: refused with "${err.message}"`;
    return undefined;
  }
  if (expected instanceof RegExp) return `${m.what}: read, where it must be refused (${String(expected)})`;
  try {
    checkFingerprintTemplate(t);
  } catch (err) {
    return `${m.what}: read as a template the package's checks refuse (${String(err)})`;
  }
  const score = modality.compare(t, original).similarity;
  if (!(score >= 0 && score <= 1) || modality.compare(original, t).similarity !== score) return `${m.what}: scored ${score}`;
  const v = modality.embed(t);
  if (!v.every(Number.isFinite)) return `${m.what}: embedded as non-finite numbers`;
  // Square pixels read unchanged (no stretching), so our writer writes back what was read.
  const { xResolutionPpcm: x, yResolutionPpcm: y } = readIsoRecord(m.bytes);
  if (x === y) {
    const again = readIsoTemplate(writeIsoTemplate(t));
    const same = (['x', 'y', 'angle', 'kind', 'quality'] as const).every((k) => Buffer.from(again.minutiae[k].buffer).equals(Buffer.from(t.minutiae[k].buffer)));
    if (!same || again.width !== t.width || again.height !== t.height || again.dpi !== t.dpi || again.quality !== t.quality) return `${m.what}: written back, reads differently`;
  }
  return undefined;
}

function fuzz(mutants: readonly Mutant[], original: FingerprintTemplate, expected?: (m: Mutant) => Expected): string[] {
  return mutants.map((m) => problem(m, original, expected?.(m))).filter((p) => p !== undefined);
}

/** How the reader must answer a field of `record` set to `value`. */
function fieldExpected(record: Uint8Array, f: Field, value: number): Expected {
  const n = record[27];
  switch (f.name) {
    case 'record length':
      return value === record.length ? 'accepted' : /(length|the 2 bytes) at byte 8/;
    case 'width':
    case 'height':
      return value === 0 ? /the image size \d+ x \d+ at byte 14 has no area/ : { orRefused: /minutia \d+ at \(\d+, \d+\) lies outside the \d+ x \d+ image/ };
    case 'x resolution':
      if (value === 0) return /the x resolution at byte 18 is 0 pixels per cm/;
      return value >= 40 && value <= 1574 ? 'accepted' : new RegExp(`a x resolution of ${value} pixels per cm \\(\\d+ dpi\\) at byte 18 is no fingerprint sensor's`);
    case 'y resolution':
      return value === 0 || (value >= 40 && value <= 1574) ? 'accepted' : new RegExp(`a y resolution of ${value} pixels per cm \\(\\d+ dpi\\) at byte 20 is no fingerprint sensor's`);
    case 'view count':
      return value === 0 ? /unexplained bytes after the last finger view, at byte 24/ : value === 1 ? 'accepted' : /truncated/;
    case 'view quality':
      return value <= 100 ? 'accepted' : new RegExp(`finger view 0's quality at byte 26 is ${value}, above 100`);
    case 'minutia count':
      if (value > n) return new RegExp(`declares ${value} minutiae at byte 27`);
      return value === n ? 'accepted' : /extended data|unexplained bytes/;
    case 'minutia 0 quality':
      return value <= 100 ? 'accepted' : new RegExp(`minutia 0 of finger view 0 \\(byte 28\\) has quality ${value}, above 100`);
    case 'extended data length':
      return value === 0 ? 'accepted' : new RegExp(`finger view 0's extended data \\(${value} bytes\\) needs`);
    default:
      return { orRefused: /lies outside the/ };
  }
}

/** Checks one record against every kind of damage, with seeds of its own. */
function fuzzAll(record: Uint8Array, seed: number): void {
  const original = readIsoTemplate(record);
  // Every truncation is refused (the record length at byte 8 no longer agrees, or is cut itself).
  expect(fuzz(truncations(record), original, () => /ISO 19794-2 record (is empty|truncated)|not an ISO 19794-2 finger minutiae record/)).toEqual([]);
  // The same, with the length field made to agree, so the parser itself runs short.
  const agreeing = truncations(record)
    .filter((m) => m.bytes.length >= 12)
    .map((m) => withField(m.bytes, { name: 'record length', at: 8, size: 4, littleEndian: false }, m.bytes.length));
  expect(fuzz(agreeing, original, () => /ISO 19794-2 record truncated|the finger view count at byte 22 is 0/)).toEqual([]);
  const f = fields(record);
  expect(fuzz(seededMutants(record, { random: seededRandom(seed), count: 500, fields: f, headBytes: 34 }), original)).toEqual([]);
  const extremes = f.flatMap((field) => extremeValues(field.size).map((v) => ({ m: withField(record, field, v), e: fieldExpected(record, field, v) })));
  const answers = new Map(extremes.map(({ m, e }) => [m, e]));
  expect(fuzz(extremes.map((x) => x.m), original, (m) => answers.get(m))).toEqual([]);
  // Resolutions at the ends of a sensor's range, with heights that stretch past a template's 65535
  // pixels: readIsoTemplate refused that with reframeTemplate's ConfigError, as if the caller erred.
  const [, , height, xRes, yRes] = f;
  const grid: Mutant[] = [];
  for (const h of [1, 400, 16383, 0xffff]) {
    for (const [x, y] of [[1574, 40], [40, 1574], [197, 0], [197, 198], [39, 40], [1574, 1575]]) {
      grid.push({ what: `height ${h} at ${x} x ${y} px/cm`, bytes: withField(withField(withField(record, height, h).bytes, xRes, x).bytes, yRes, y).bytes });
    }
  }
  expect(fuzz(grid, original)).toEqual([]);
}

describe('readIsoTemplate under seeded mutation', () => {
  it('refuses or reads soundly every mutant of a record we write', () => {
    fuzzAll(writeIsoTemplate(randomTemplate(5), { fingerPosition: 2 }), 21);
  });

  it('refuses a record stretched taller than a template holds as a TemplateFormatError, not a ConfigError', () => {
    const record = writeIsoTemplate(randomTemplate(5));
    const view = new DataView(record.buffer);
    view.setUint16(16, 0xffff); // height
    view.setUint16(18, 1574); // x resolution, px/cm
    view.setUint16(20, 40); // y resolution
    const err = thrownBy(() => readIsoTemplate(record));
    expect(err).toBeInstanceOf(TemplateFormatError);
    expect(err.message).toBe(
      'ISO 19794-2 record: its 300 x 65535 image at 1574 x 40 pixels per cm (bytes 14-21) is 2578802 pixels tall on square pixels, more than a template holds (65535)',
    );
  });

  const fvc = sharedDataset('fvc2002/iso-templates');
  it.skipIf(fvc.skip)('refuses or reads soundly every mutant of FVC2002 records from a commercial SDK', () => {
    ['DB1_B/101_1.iso', 'DB2_B/102_3.iso', 'DB3_B/105_6.iso', 'DB4_B/110_8.iso'].forEach((file, k) => fuzzAll(new Uint8Array(readFileSync(join(fvc.path, file))), 30 + k));
  });
});
