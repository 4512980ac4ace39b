import { describe, expect, it } from 'vitest';
import { seededRandom, TemplateFormatError, type Random } from '@biofuse/core';
import { FingerprintAcquisitionError } from './errors';
import { DEFAULT_EXTRACTION_PARAMS } from './extract/params';
import { FingerprintModality } from './fingerprint-modality';
import { randomTemplate } from './match/test-templates';
import { checkFingerprintTemplate } from './template/encode';
import type { FingerprintTemplate } from './template/fingerprint-template';
import { readIsoTemplate, writeIsoTemplate } from './template/iso19794-2';
import { minutiaCountProblem, minutiaList, type MinutiaSet } from './template/minutiae';
import { reframeTemplate } from './template/reframe';

/**
 * Templates built in code (another SDK's minutiae put in a MinutiaSet) with seeded odd but
 * type-correct values, handed to everything that takes a template. The package's own check
 * (checkFingerprintTemplate) is the oracle: a template it refuses is refused by every consumer
 * with a TemplateFormatError naming the same problem; one it accepts compares to a finite score
 * in [0, 1], embeds, encodes losslessly, maps onto other sizes and writes to ISO 19794-2 as a
 * template it accepts again. api-checks.test.ts holds the hand-picked cases.
 */

const modality = new FingerprintModality();
const reference = randomTemplate(8);
const TWO_PI = 2 * Math.PI;

const pick = <T>(r: Random, values: readonly T[]): T => values[r.int(values.length)];

/** The minutiae with one value of one array replaced (arrays copied, so the set stays the caller's own). */
function withValue(m: MinutiaSet, key: 'x' | 'y' | 'angle' | 'kind' | 'quality', i: number, v: number): MinutiaSet {
  const copy = { ...m, [key]: m[key].slice() } as MinutiaSet;
  copy[key][i] = v;
  return copy;
}

/** One seeded odd template: a print-like one with one to three odd values, fields or array shapes. */
function oddTemplate(r: Random): FingerprintTemplate {
  let t: FingerprintTemplate = randomTemplate(100 + r.int(1000), pick(r, [0, 1, 4, 5, 40, 100]));
  for (let edits = 1 + r.int(3); edits > 0; edits--) {
    const m = t.minutiae;
    const i = r.int(Math.max(1, m.count));
    switch (r.int(8)) {
      case 0:
        t = { ...t, dpi: pick(r, [Number.NaN, 0, -500, 99.99, 100, 500.5, 569, 4000, 4000.01, Number.POSITIVE_INFINITY]) };
        break;
      case 1:
        t = { ...t, [pick(r, ['width', 'height'])]: pick(r, [0, 1, 2, 299, 65535, 65536, -300, 300.5, Number.NaN, Number.POSITIVE_INFINITY]) };
        break;
      case 2:
        t = { ...t, quality: pick(r, [-1, 0, 100, 101, 50.5, Number.NaN]) };
        break;
      case 3:
        t = { ...t, minutiae: { ...m, count: pick(r, [Number.NaN, -1, 0, 1, 2.5, m.count - 1, m.count + 1, 1e10, Number.POSITIVE_INFINITY]) } };
        break;
      case 4: {
        // One array short of the count, or all of them longer (allowed: the count says how many are used).
        const key = pick(r, ['x', 'y', 'angle', 'kind', 'quality'] as const);
        t = r.next() < 0.5 ? { ...t, minutiae: { ...m, [key]: m[key].subarray(0, Math.max(0, m.count - 1)) } } : { ...t, minutiae: { ...m, count: Math.max(0, m.count - 2) } };
        break;
      }
      case 5: {
        const key = pick(r, ['x', 'y'] as const);
        const side = key === 'x' ? t.width : t.height;
        t = { ...t, minutiae: withValue(m, key, i, pick(r, [Number.NaN, Number.NEGATIVE_INFINITY, -1, -0.999, -0.5, 0, side - 0.001, side, 1e30])) };
        break;
      }
      case 6:
        t = { ...t, minutiae: withValue(m, 'angle', i, pick(r, [Number.NaN, -0.001, -0, 0, TWO_PI - 1e-6, TWO_PI, TWO_PI + 1e-5, TWO_PI + 1e-3, 7, 1e30])) };
        break;
      default:
        t = { ...t, minutiae: withValue(m, pick(r, ['kind', 'quality'] as const), i, pick(r, [0, 1, 2, 3, 100, 101, 255])) };
    }
  }
  return t;
}

/** Sound templates at the edges of what is allowed: frames of one pixel and of 65535, minutiae on the frame's edges, all in one place, the largest sets. */
function edgeTemplates(): FingerprintTemplate[] {
  const set = (n: number, at: (i: number) => [number, number, number]): MinutiaSet => {
    const m = { count: n, x: new Float32Array(n), y: new Float32Array(n), angle: new Float32Array(n), kind: new Uint8Array(n).fill(1), quality: new Uint8Array(n).fill(50) };
    for (let i = 0; i < n; i++) [m.x[i], m.y[i], m.angle[i]] = at(i);
    return m;
  };
  const r = seededRandom(7);
  const frame = { width: 300, height: 400, dpi: 500, quality: 50 };
  return [
    { ...frame, width: 1, height: 1, minutiae: set(6, (i) => [-0.99 + 0.3 * (i % 2), -0.5, i]) },
    { ...frame, minutiae: set(255, () => [150, 200, 1]) },
    { ...frame, minutiae: set(1000, () => [r.next() * 299, r.next() * 399, r.next() * TWO_PI]) },
    { ...frame, minutiae: set(60, (i) => [5 * i - 0.9, 200, 0]) },
    { ...frame, minutiae: set(40, (i) => [i % 2 ? -0.999 : 299.999, i % 3 ? -0.999 : 399.999, Math.fround(TWO_PI + 5e-6)]) },
    { ...frame, width: 65535, height: 65535, dpi: 100, minutiae: set(50, () => [r.next() * 65534, r.next() * 65534, r.next() * TWO_PI]) },
    { ...frame, dpi: 4000, minutiae: set(50, () => [r.next() * 50, r.next() * 50, r.next() * TWO_PI]) },
  ];
}

/** What is wrong with how the package's template consumers treat `t` (empty when nothing). */
async function problems(t: FingerprintTemplate, label: string): Promise<string[]> {
  const out: string[] = [];
  const refusal = (what: string, f: () => unknown, problem: string): void => {
    try {
      f();
      out.push(`${label}: ${what} accepted a template the checks refuse (${problem})`);
    } catch (err) {
      if (!(err instanceof TemplateFormatError && err.message.includes(problem))) out.push(`${label}: ${what} threw ${String(err)}, not a TemplateFormatError naming ${problem}`);
    }
  };
  let problem: string | undefined;
  try {
    checkFingerprintTemplate(t);
  } catch (err) {
    if (!(err instanceof TemplateFormatError)) return [`${label}: the check threw ${String(err)}`];
    problem = err.message.replace('not a usable fingerprint template: one with ', '');
  }
  // Arrays that do not hold the count: no consumer may read past them or round the count.
  const shape = minutiaCountProblem(t.minutiae);
  // The ISO writer has checks of its own (it rounds what the format rounds, and takes any finite
  // angle), so it is held to refusing with a TemplateFormatError, or writing what reads back as a
  // sound template, and to refusing a set whose arrays do not hold its count.
  try {
    const back = readIsoTemplate(writeIsoTemplate(t));
    checkFingerprintTemplate(back);
    if (shape !== undefined) out.push(`${label}: writeIsoTemplate wrote a set whose arrays do not hold its count (${shape})`);
    if (problem === undefined && back.minutiae.count !== t.minutiae.count) out.push(`${label}: ISO round trip lost minutiae`);
  } catch (err) {
    if (!(err instanceof TemplateFormatError)) out.push(`${label}: writeIsoTemplate threw ${String(err)}`);
    else if (problem === undefined && !/at most 255|coordinates must be 0-16383/.test(err.message)) out.push(`${label}: writeIsoTemplate refused a sound template: ${err.message}`);
  }
  if (shape !== undefined) refusal('minutiaList', () => minutiaList(t.minutiae), shape);
  else if (minutiaList(t.minutiae).length !== t.minutiae.count) out.push(`${label}: minutiaList lost minutiae`);
  if (problem !== undefined) {
    refusal('compare(t, reference)', () => modality.compare(t, reference), problem);
    refusal('compare(reference, t)', () => modality.compare(reference, t), problem);
    refusal('embed', () => modality.embed(t), problem);
    refusal('quality', () => modality.quality(t), problem);
    refusal('encode', () => modality.encode(t), problem);
    refusal('reframeTemplate', () => reframeTemplate(t, 600, 800), problem);
    await modality.extract(t).then(
      () => out.push(`${label}: extract accepted a template the checks refuse (${problem})`),
      (err: unknown) => (err instanceof TemplateFormatError && err.message.includes(problem) ? undefined : out.push(`${label}: extract threw ${String(err)}`)),
    );
    return out;
  }
  const score = modality.compare(t, reference).similarity;
  if (!(score >= 0 && score <= 1) || modality.compare(reference, t).similarity !== score) out.push(`${label}: scored ${score}`);
  const self = modality.compare(t, t).similarity;
  if (!(self >= 0 && self <= 1)) out.push(`${label}: scored ${self} against itself`);
  const v = modality.embed(t);
  const norm = Math.hypot(...v);
  if (!(v.every(Number.isFinite) && (norm === 0 || Math.abs(norm - 1) < 1e-3))) out.push(`${label}: embedded with norm ${norm}`);
  if (!(modality.quality(t) >= 0 && modality.quality(t) <= 1)) out.push(`${label}: quality ${modality.quality(t)}`);
  // Lossless: the minutiae exactly, the dpi as the float32 it is stored as.
  const back = modality.decode(modality.encode(t));
  const n = t.minutiae.count;
  const same = (['x', 'y', 'angle', 'kind', 'quality'] as const).every((k) => back.minutiae[k].every((value, i) => Object.is(value, t.minutiae[k][i])) && back.minutiae[k].length === n);
  if (!same || back.width !== t.width || back.height !== t.height || back.quality !== t.quality || back.dpi !== Math.fround(t.dpi)) out.push(`${label}: encoding is not lossless`);
  for (const [w, h] of [[1, 1], [600, 800], [t.width * 4 > 0xffff ? 0xffff : t.width * 4, 3]]) {
    try {
      checkFingerprintTemplate(reframeTemplate(t, w, h));
    } catch (err) {
      out.push(`${label}: reframed onto ${w} x ${h}: ${String(err)}`);
    }
  }
  // A sound template with fewer minutiae than extraction keeps is a failure to acquire.
  const least = DEFAULT_EXTRACTION_PARAMS.minMinutiae;
  await modality.extract(t).then(
    (s) => (s === t ? undefined : out.push(`${label}: extract gave another template`)),
    (err: unknown) => (err instanceof FingerprintAcquisitionError && err.reason === 'too_few_minutiae' && n < least ? undefined : out.push(`${label}: extract threw ${String(err)}`)),
  );
  return out;
}

describe('templates built in code, fuzzed', () => {
  it('are refused by every consumer with the problem the check names, or handled soundly by all of them', async () => {
    const r = seededRandom(2024);
    const found: string[] = [];
    let refused = 0;
    for (let k = 0; k < 600; k++) {
      const t = oddTemplate(r);
      found.push(...(await problems(t, `odd template ${k}`)));
      refused += thrown(() => checkFingerprintTemplate(t)) ? 1 : 0;
    }
    expect(found).toEqual([]);
    // Both sides of the oracle are exercised.
    expect(refused).toBeGreaterThan(200);
    expect(refused).toBeLessThan(500);
  });

  it('handles sound templates at the edges of what is allowed', async () => {
    const found: string[] = [];
    for (const [k, t] of edgeTemplates().entries()) {
      checkFingerprintTemplate(t);
      found.push(...(await problems(t, `edge template ${k}`)));
    }
    expect(found).toEqual([]);
  });
});

function thrown(f: () => unknown): boolean {
  try {
    f();
    return false;
  } catch {
    return true;
  }
}
