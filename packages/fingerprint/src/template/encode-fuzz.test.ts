import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom, TemplateFormatError } from '@biofuse/core';
import { extremeValues, seededMutants, sharedDataset, truncations, unsealedTemplate, withField, type Field, type Mutant } from '@biofuse/core/testing';
import { extractFingerprint } from '../extract/extract';
import { FingerprintModality } from '../fingerprint-modality';
import { loadFingerprintImage } from '../image/load';
import { randomTemplate } from '../match/test-templates';
import { synthesizeImpression, synthesizeMasterFingerprint } from '../synthetic/index';
import { checkFingerprintTemplate, decodeFingerprintTemplate, encodeFingerprintTemplate } from './encode';
import type { FingerprintTemplate } from './fingerprint-template';

/**
 * Seeded mutation fuzzing of decodeFingerprintTemplate. A sealed (version 2) template is refused
 * whenever any byte of it differs. A version-1 one has no checksum: every damaged one is either
 * refused with a TemplateFormatError that says what is wrong, or decodes to a template that is
 * exactly what its bytes say (it re-encodes to them), passes the package's template checks, and
 * compares with a finite score in [0, 1].
 */

const modality = new FingerprintModality();

const FIELDS: readonly Field[] = [
  { name: 'version', at: 4, size: 1, littleEndian: true },
  { name: 'quality', at: 5, size: 1, littleEndian: true },
  { name: 'width', at: 6, size: 2, littleEndian: true },
  { name: 'height', at: 8, size: 2, littleEndian: true },
  { name: 'dpi', at: 10, size: 4, littleEndian: true },
  { name: 'count', at: 14, size: 4, littleEndian: true },
];

/** Every message names the format, then what is wrong with it. */
const NAMES_FORMAT = /^(fingerprint template|not a biofuse fingerprint template)/;

/**
 * How a mutant must decode: refused with a message matching the RegExp; 'accepted'; refused
 * with a matching message if refused at all (orRefused); or anything sound (undefined).
 */
type Expected = RegExp | 'accepted' | { readonly orRefused: RegExp } | undefined;

/**
 * What is wrong with the outcome of decoding `m` (undefined when it is right): a refusal must
 * be a TemplateFormatError naming the format (and what `expected` says); an accepted template
 * must be one the package accepts, exactly what the bytes say, and compare with `original` to a
 * finite score in [0, 1], both ways alike.
 */
function problem(m: Mutant, original: FingerprintTemplate, expected: Expected): string | undefined {
  let t: FingerprintTemplate;
  try {
    t = decodeFingerprintTemplate(m.bytes);
  } catch (err) {
    if (!(err instanceof TemplateFormatError)) return `${m.what}: threw ${String(err)}`;
    const message = expected instanceof RegExp ? expected : expected === 'accepted' ? /^$/ : expected?.orRefused;
    if (!NAMES_FORMAT.test(err.message) || (message && !message.test(err.message))) return `${m.what}: refused with "${err.message}"`;
    return undefined;
  }
  if (expected instanceof RegExp) return `${m.what}: decoded, where it must be refused (${String(expected)})`;
  try {
    checkFingerprintTemplate(t);
  } catch (err) {
    return `${m.what}: decoded a template its own checks refuse (${String(err)})`;
  }
  if (!Buffer.from(version1(t)).equals(Buffer.from(m.bytes))) return `${m.what}: decoded a template that does not encode back to its bytes`;
  const score = modality.compare(t, original).similarity;
  if (!(score >= 0 && score <= 1) || modality.compare(original, t).similarity !== score) return `${m.what}: scored ${score}`;
  const v = modality.embed(t);
  const norm = Math.hypot(...v);
  if (!(v.every(Number.isFinite) && (norm === 0 || Math.abs(norm - 1) < 1e-3))) return `${m.what}: embedded with norm ${norm}`;
  return undefined;
}

function fuzz(mutants: readonly Mutant[], original: FingerprintTemplate, expected?: (m: Mutant) => Expected): string[] {
  return mutants.map((m) => problem(m, original, expected?.(m))).filter((p) => p !== undefined);
}

/** How the decoder must answer a header field set to `value`. */
function fieldExpected(f: Field, value: number, original: FingerprintTemplate): Expected {
  const n = original.minutiae.count;
  switch (f.name) {
    case 'version':
      if (value === 2) return /damaged: its checksum does not match/;
      return value === 1 ? 'accepted' : value === 0 ? /format version 0 is not valid/ : new RegExp(`format version ${value} is newer than this build`);
    case 'quality':
      return value <= 100 ? 'accepted' : new RegExp(`quality ${value} is above 100`);
    case 'width':
    case 'height':
      // A smaller frame may leave minutiae outside it.
      return value === 0 ? /the image size \d+ x \d+ has no area/ : { orRefused: /^fingerprint template: minutia \d+ at .* lies outside the \d+ x \d+ image \(corrupt\)$/ };
    case 'count':
      if (value > n) return new RegExp(`truncated: ${18 + 14 * n} bytes, a template of ${value} minutiae needs`);
      return value < n ? new RegExp(`: ${14 * (n - value)} trailing bytes after the ${18 + 14 * value} that ${value} minutiae take`) : 'accepted';
    default:
      return { orRefused: /dpi .* is no fingerprint sensor's resolution \(100-4000\)/ };
  }
}

async function syntheticTemplate(): Promise<FingerprintTemplate> {
  return modality.extract(synthesizeImpression(synthesizeMasterFingerprint(77), 1));
}

/** The template as biofuse wrote it before templates were sealed: version 1, no checksum. */
const version1 = (t: FingerprintTemplate): Uint8Array => unsealedTemplate(encodeFingerprintTemplate(t), 4, 1);

/** Every mutant of the sealed template that differs from it is refused, naming the format. */
function fuzzSealed(t: FingerprintTemplate, seed: number): void {
  const sealed = encodeFingerprintTemplate(t);
  const mutants = [
    ...truncations(sealed),
    ...seededMutants(sealed, { random: seededRandom(seed), count: 600, fields: FIELDS, headBytes: 18 }),
    ...FIELDS.flatMap((f) => extremeValues(f.size).map((v) => withField(sealed, f, v))),
  ].filter((m) => !Buffer.from(m.bytes).equals(Buffer.from(sealed)));
  expect(mutants.length).toBeGreaterThan(600);
  expect(fuzz(mutants, t, () => /truncated|damaged: its checksum does not match|format version \d+ is (newer|not valid)|bad magic number|4 trailing bytes/)).toEqual([]);
}

/** Checks one template, sealed and as version 1, against every kind of damage, with seeds of its own. */
function fuzzAll(t: FingerprintTemplate, seed: number): void {
  fuzzSealed(t, seed);
  const bytes = version1(t);
  // Every truncation is one, and says so with the length it got.
  const cuts = truncations(bytes);
  expect(fuzz(cuts, t, (m) => new RegExp(`truncated: ${m.bytes.length} bytes`))).toEqual([]);
  // Seeded flips, overwrites, insertions, removals and extreme fields.
  const mutants = seededMutants(bytes, { random: seededRandom(seed), count: 600, fields: FIELDS, headBytes: 18 });
  expect(fuzz(mutants, t)).toEqual([]);
  // Each header field at each extreme, with the answer it must give.
  const extremes = FIELDS.flatMap((f) => extremeValues(f.size).map((v) => ({ f, v, m: withField(bytes, f, v) })));
  const answers = new Map(extremes.map(({ f, v, m }) => [m, fieldExpected(f, v, t)]));
  expect(fuzz(extremes.map((e) => e.m), t, (m) => answers.get(m))).toEqual([]);
  // The dpi as the floats nearest the edges of a sensor's range, and as no number at all.
  const dpi = FIELDS[4];
  const floats = [Number.NaN, Number.POSITIVE_INFINITY, -500, -0, 1e-45, 99.99, 100, 4000, 4000.001, 3.4e38];
  const dpiMutants = floats.map((d) => {
    const m = bytes.slice();
    new DataView(m.buffer).setFloat32(dpi.at, d, true);
    return { what: `dpi = ${d}`, bytes: m };
  });
  const accepted = (d: number) => d >= 100 && d <= 4000;
  expect(fuzz(dpiMutants, t, (m) => (accepted(new DataView(m.bytes.buffer).getFloat32(dpi.at, true)) ? 'accepted' : /dpi .* is no fingerprint sensor's resolution/))).toEqual([]);
  for (const d of floats.filter(accepted)) expect(decodeFingerprintTemplate(dpiMutants[floats.indexOf(d)].bytes).dpi).toBe(d);
}

describe('decodeFingerprintTemplate under seeded mutation', () => {
  it('refuses or decodes soundly every mutant of a template extracted from a synthetic print', async () => {
    fuzzAll(await syntheticTemplate(), 11);
  });

  it('refuses or decodes soundly every mutant of a random 40-minutia template', () => {
    fuzzAll(randomTemplate(3), 12);
  });

  const fvc = sharedDataset('fvc2002/DB1_B');
  it.skipIf(fvc.skip)('refuses or decodes soundly every mutant of a template extracted from FVC2002 DB1_B 101_1', async () => {
    fuzzAll(extractFingerprint(await loadFingerprintImage(join(fvc.path, '101_1.tif'))).template, 13);
  });
});
