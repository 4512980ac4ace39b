/**
 * Seeded mutation fuzzing of the versioned binary template: truncation at every length, every
 * bit of the header and recipe flipped, seeded flips over the rest, length fields and version
 * set to other values. A sealed (version 3) template is refused whenever any byte differs. A
 * version-2 one has no checksum: every mutant must be refused with a TemplateFormatError, or
 * decode to a valid template (a recipe parameters can make, finite values) that compares with a
 * finite score. Each mutant is decoded twice, from its own bytes and from a view into a larger
 * buffer (what a Node Buffer read from a file or database is), and must give the same outcome.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom, TemplateFormatError } from '@biofuse/core';
import { extremeValues, seededMutants, thrownBy, truncations, unsealedTemplate, withField, type Mutant } from '@biofuse/core/testing';
import { GLOBAL_FEATURES } from '../src/features/global-features';
import { DEFAULT_SIGNATURE_PARAMS, parseSignatureParams, type SignatureParams } from '../src/params';
import { MAX_SAMPLES } from '../src/pen-trajectory';
import type { SignatureUserModel } from '../src/compare/user-model';
import { SignatureModality } from '../src/signature-modality';
import { synthesizeSignatures } from '../src/synthetic/synthesize';
import { decodeSignatureTemplate, encodeSignatureTemplate, extractSignatureTemplate, type SignatureTemplate } from '../src/template';

const SEED = 20_240_602;

/** As biofuse wrote templates before they were sealed: version 2, no checksum. */
const version2 = (t: SignatureTemplate): Uint8Array => unsealedTemplate(encodeSignatureTemplate(t), 4, 2);
const HEADER_BYTES = 16;
/** Where the recipe's zero padding lies (it carries nothing, so a flip there may be read back as zeros). */
const padding = (dims: number): [number, number] => [HEADER_BYTES + 9 + dims, HEADER_BYTES + Math.ceil((9 + dims) / 4) * 4];

/** The bytes at an odd place inside a larger Node Buffer, as a file or database read gives them. */
function inLargerBuffer(bytes: Uint8Array, offset: number): Buffer {
  const pool = Buffer.alloc(offset + bytes.length + 13, 0x5a);
  pool.set(bytes, offset);
  return pool.subarray(offset, offset + bytes.length);
}

/** The template mutated, and a user model enrolled from it and another signature made alike. */
interface Original {
  readonly template: SignatureTemplate;
  readonly model: SignatureUserModel;
}

/** The outcome of decoding, as a string to compare (the error, or the template's bytes re-encoded), and what is wrong with it. */
function decoded(bytes: Uint8Array, original: Original): { outcome: string; problem?: string } {
  let t: SignatureTemplate;
  try {
    t = decodeSignatureTemplate(bytes);
  } catch (err) {
    const typed = err instanceof TemplateFormatError && /^(signature template|not a biofuse signature template)/.test(err.message);
    return { outcome: String(err), problem: typed ? undefined : `untyped or unnamed: ${String(err)}` };
  }
  let again: Uint8Array;
  try {
    again = version2(t);
  } catch (err) {
    return { outcome: `a template the encoder refuses: ${String(err)}`, problem: `decoded a template the encoder refuses: ${String(err)}` };
  }
  const outcome = `template ${Buffer.from(again).toString('base64')}`;
  const [padFrom, padTo] = padding(t.local.dims);
  if (again.length !== bytes.length || again.some((b, k) => b !== bytes[k] && !(k >= padFrom && k < padTo))) return { outcome, problem: 'decoded as other bytes than were given' };
  const { local, global, recipe } = t;
  if (!(local.length >= 1 && local.length <= MAX_SAMPLES)) return { outcome, problem: `${local.length} frames` };
  if (global.length !== GLOBAL_FEATURES.length || ![...local.values, ...global].every(Number.isFinite)) return { outcome, problem: 'values not finite' };
  let params: SignatureParams;
  try {
    params = parseSignatureParams({ functions: recipe.functions, keepPenUp: recipe.keepPenUp, smoothingSamples: recipe.smoothingSamples, resamplePoints: recipe.resamplePoints });
  } catch (err) {
    return { outcome, problem: `a recipe no parameters make: ${String(err)}` };
  }
  const modality = new SignatureModality(params);
  const scores = [modality.compare(t, t).similarity];
  try {
    scores.push(modality.compare(original.template, t).similarity, modality.compareEnrolled(original.model, t).similarity);
  } catch (err) {
    // Another recipe (a flipped function number or pen-up flag) is refused, as it should be.
    if (!(err instanceof TemplateFormatError && /differ in how they were made/.test(err.message))) return { outcome, problem: `compare: ${String(err)}` };
  }
  return scores.every(Number.isFinite) ? { outcome } : { outcome, problem: `scores ${scores.join(', ')}` };
}

/** The header's and recipe's numbers (little-endian): name, first byte, size. */
const FIELDS: [string, number, 1 | 2 | 4][] = [['version', 4, 2], ['dims', 6, 2], ['length', 8, 4], ['global dims', 12, 4], ['resample points', 16, 4], ['smoothing', 20, 4], ['pen-up flag', 24, 1]];

/** Values of the recipe's limits, float32 bit patterns (Infinity, NaN, just above 20) and each size's extremes. */
const fieldValues = (size: 1 | 2 | 4) => {
  const own = [0, 1, 2, 3, 9, 10, 25, 64, 255, 0xffff, 20_000, 20_001, 0x7fffffff, 0xffffffff, 0x7f800000, 0x7fc00000, 0x41a00001].map((v) => (size === 4 ? v >>> 0 : v & (size === 1 ? 0xff : 0xffff)));
  return [...new Set([...own, ...extremeValues(size)])];
};

function mutants(bytes: Uint8Array, dims: number, seed: number): Mutant[] {
  const rng = seededRandom(seed);
  // Truncations: the 64 shortest, the 3 longest, and seeded ones in between, 460 in all.
  const out = truncations(bytes, { count: 460, random: rng });
  const [, recipeEnd] = padding(dims);
  for (let at = 0; at < recipeEnd; at++) {
    for (let bit = 0; bit < 8; bit++) {
      const b = bytes.slice();
      b[at] ^= 1 << bit;
      out.push({ what: `byte ${at} bit ${bit} flipped`, bytes: b });
    }
  }
  // Seeded damage anywhere: a bit flipped, bytes made random, or a byte made one a number is written with.
  out.push(...seededMutants(bytes, { random: rng, count: 600, kinds: ['flip', 'overwrite', 'special'] }));
  for (const [name, at, size] of FIELDS) for (const v of fieldValues(size)) out.push(withField(bytes, { name, at, size, littleEndian: true }, v));
  return out;
}

describe('mutated signature templates', () => {
  const signatures = [...synthesizeSignatures({ seed: SEED, users: 1, genuine: 3, forgeries: 0 }).values()];
  const made = (params: SignatureParams, k: number): Original => {
    const [template, second] = [signatures[k], signatures[2]].map((p) => extractSignatureTemplate(p, params));
    return { template, model: new SignatureModality(params).enrol([template, second]) };
  };
  const originals: [string, Original][] = [
    ['default parameters', made(DEFAULT_SIGNATURE_PARAMS, 0)],
    ['resampled, smoothed, pen-up kept', made(parseSignatureParams({ functions: ['x', 'pressure', 'dAngle'], resamplePoints: 64, smoothingSamples: 0.7, keepPenUp: true }), 1)],
  ];

  it.each(originals)('(%s) are refused whenever they differ from the sealed template', (_, original) => {
    const { template } = original;
    const sealed = encodeSignatureTemplate(template);
    const all = mutants(sealed, template.local.dims, SEED + template.local.dims).filter((m) => !Buffer.from(m.bytes).equals(sealed));
    expect(all.length).toBeGreaterThan(1000);
    const decodedOnes = all.filter((m) => !(thrownBy(() => decodeSignatureTemplate(m.bytes)) instanceof TemplateFormatError));
    expect(decodedOnes.map((m) => m.what)).toEqual([]);
  });

  it.each(originals)('(%s, version 2) are refused with a TemplateFormatError or decode to valid templates, from any buffer', (_, original) => {
    const { template } = original;
    const bytes = version2(template);
    const failures: string[] = [];
    let accepted = 0;
    const all = mutants(bytes, template.local.dims, SEED + template.local.dims);
    for (const [k, m] of all.entries()) {
      const own = decoded(m.bytes, original);
      if (own.problem) failures.push(`${m.what}: ${own.problem}`);
      const view = decoded(inLargerBuffer(m.bytes, 1 + (k % 7)), original);
      if (view.outcome !== own.outcome) failures.push(`${m.what}: read from a larger buffer: ${view.outcome.slice(0, 200)}, from its own bytes: ${own.outcome.slice(0, 200)}`);
      if (!own.outcome.startsWith('TemplateFormatError')) accepted++;
    }
    expect(failures).toEqual([]);
    // The unmutated template round-trips, and some mutants (flips in the floats) decode.
    expect(decoded(bytes, original)).toEqual({ outcome: `template ${Buffer.from(bytes).toString('base64')}` });
    expect(accepted).toBeGreaterThan(all.length / 10);
  });
});

describe('what the fuzzing found in the template decoder', () => {
  const [genuine] = [...synthesizeSignatures({ seed: SEED, users: 1, genuine: 1, forgeries: 0 }).values()];
  const template = extractSignatureTemplate(genuine, DEFAULT_SIGNATURE_PARAMS);
  // Version 2 (no checksum): the decoder's own checks on a recipe, which a template another build sealed reaches too.
  const bytes = version2(template);

  it('reads a template from a Node Buffer inside a larger one, as files and databases give them', () => {
    // The floats were taken from the start of the Buffer's memory pool: refused as corrupt, or a RangeError.
    const sealed = encodeSignatureTemplate(template);
    for (const buffer of [bytes, sealed].flatMap((b) => [Buffer.from(b), inLargerBuffer(b, 3), inLargerBuffer(b, 4)])) {
      const back = decodeSignatureTemplate(buffer);
      expect(back.local.values).toEqual(template.local.values);
      expect(back.global).toEqual(template.global);
      expect(new SignatureModality().compare(template, back).distance).toBe(0);
    }
  });

  /** The template's bytes with `set` applied to them. */
  const withRecipe = (set: (view: DataView) => void) => {
    const b = bytes.slice();
    set(new DataView(b.buffer));
    return b;
  };
  const decodeError = (b: Uint8Array) => {
    const err = thrownBy(() => decodeSignatureTemplate(b));
    expect(err).toBeInstanceOf(TemplateFormatError);
    return (err as Error).message;
  };

  it('refuses a recipe this build does not make by naming its options and the way forward, not as corrupt', () => {
    const unsupported = (problems: string) => `signature template: made with options this build does not support (${problems}); extract it again from the signature`;
    // Options code could pass before extraction checked them: smoothing 25 or -1, resampling to 5 points.
    expect(decodeError(withRecipe((v) => v.setFloat32(20, 25, true)))).toBe(unsupported('smoothingSamples must be in [0, 20], got 25'));
    const both = withRecipe((v) => {
      v.setUint32(16, 5, true);
      v.setFloat32(20, 25, true);
    });
    expect(decodeError(both)).toBe(unsupported('smoothingSamples must be in [0, 20], got 25; resamplePoints must be 0 or an integer in [10, 20000], got 5'));
    expect(decodeError(withRecipe((v) => v.setFloat32(20, -1, true)))).toBe(unsupported('smoothingSamples must be in [0, 20], got -1'));
    expect(decodeError(withRecipe((v) => v.setUint32(16, 1, true)))).toBe(unsupported('resamplePoints must be 0 or an integer in [10, 20000], got 1'));
    expect(decodeError(withRecipe((v) => v.setFloat32(20, 1e30, true)))).toBe(unsupported('smoothingSamples must be in [0, 20], got 1.0000000150474662e+30'));
    // Resampling to 25,000 points (config took it for a while) made 25,000 frames: its recipe is named, not the frame count.
    const length = 25_000;
    const resampled = new Uint8Array(16 + 12 + 4 * (length + GLOBAL_FEATURES.length));
    const view = new DataView(resampled.buffer);
    [0x47534642, 2 | (1 << 16), length, GLOBAL_FEATURES.length, length].forEach((v, k) => view.setUint32(4 * k, v, true));
    expect(decodeError(resampled)).toBe(unsupported('resamplePoints must be 0 or an integer in [10, 20000], got 25000'));
    // ... nor does the encoder write one, and it says why.
    expect(() => encodeSignatureTemplate({ ...template, recipe: { ...template.recipe, resamplePoints: 5 } })).toThrow(
      new TemplateFormatError('cannot encode a signature template with options this build does not support (resamplePoints must be 0 or an integer in [10, 20000], got 5)'),
    );
  });

  it('calls a recipe corrupt only when it cannot be read at all', () => {
    const penUp = template.recipe.keepPenUp ? 1 : 0;
    expect(decodeError(withRecipe((v) => v.setFloat32(20, Number.NaN, true)))).toBe(`signature template: recipe of smoothing NaN, pen-up flag ${penUp} is not valid (corrupt)`);
    expect(decodeError(withRecipe((v) => v.setFloat32(20, Number.NEGATIVE_INFINITY, true)))).toBe(`signature template: recipe of smoothing -Infinity, pen-up flag ${penUp} is not valid (corrupt)`);
    expect(decodeError(withRecipe((v) => v.setUint8(24, 7)))).toBe('signature template: recipe of smoothing 0, pen-up flag 7 is not valid (corrupt)');
  });

  it('refuses more frames than a signature has, which DTW would take hours over', () => {
    const length = MAX_SAMPLES + 1;
    const long: SignatureTemplate = { local: { length, dims: 1, values: new Float32Array(length) }, global: new Float32Array(GLOBAL_FEATURES.length), recipe: { ...template.recipe, functions: ['x'] } };
    expect(() => encodeSignatureTemplate(long)).toThrow('cannot encode a signature template with 20001 frames of 1 time functions');
    // The same bytes, written by hand: header, recipe (x: function 0), zeros.
    const b = new Uint8Array(16 + 12 + 4 * (length + GLOBAL_FEATURES.length));
    const view = new DataView(b.buffer);
    [0x47534642, 2 | (1 << 16), length, GLOBAL_FEATURES.length].forEach((v, k) => view.setUint32(4 * k, v, true));
    expect(() => decodeSignatureTemplate(b)).toThrow(new TemplateFormatError('signature template: 20001 frames, more than a signature has (20000) (corrupt)'));
    view.setUint32(8, MAX_SAMPLES, true);
    expect(decodeSignatureTemplate(b.subarray(0, b.length - 4)).local.length).toBe(MAX_SAMPLES);
  });
});
