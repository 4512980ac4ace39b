import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AcquisitionError, ConfigError, DatasetError, TemplateFormatError } from '../errors';
import type { Modality } from '../modality';
import { scoreComparisons } from './score-comparisons';
import { temporaryFolders } from '../testing';

const tempFolder = temporaryFolders();

let root = '';
const loads: string[] = [];

const tooDark = new RangeError('mean grey 3 of 255');

/** Samples are text files holding one number; "bad" cannot be acquired. */
const modality: Modality<number, number> = {
  name: 'signature',
  async load(input) {
    const text = String(input).trim();
    loads.push(text);
    if (text === 'bad') throw new AcquisitionError('quality', 'unusable sample', { cause: tooDark });
    return Number(text);
  },
  extract: async (s) => s,
  compare: (a, b) => ({ similarity: -Math.abs(a - b), distance: Math.abs(a - b) }),
  encode: (t) => new Uint8Array(new Float64Array([t]).buffer),
  decode: (b) => new Float64Array(b.buffer)[0],
};

beforeAll(async () => {
  root = await tempFolder('biofuse-score-');
  await writeFile(join(root, 'a'), '1');
  await writeFile(join(root, 'b'), '4');
  await writeFile(join(root, 'c'), '2');
  await writeFile(join(root, 'bad'), 'bad');
});

describe('scoreComparisons', () => {
  it('extracts each distinct file once and keeps the input order', async () => {
    loads.length = 0;
    const r = await scoreComparisons(
      modality,
      [
        { reference: ['a'], probe: 'b' },
        { reference: ['b'], probe: 'a' },
        { reference: ['a', 'b'], probe: 'c' },
        { reference: ['a'], probe: 'bad' },
        { reference: ['bad', 'c'], probe: 'a' },
      ],
      { root, concurrency: 2 },
    );
    expect(loads.length).toBe(4); // a, b, c, bad
    expect(Array.from(r.scores.subarray(0, 3))).toEqual([-3, -3, -1]); // a multi-sample reference scores its best sample
    expect(Number.isNaN(r.scores[3])).toBe(true);
    expect(r.errors[3]).toBe('probe bad: unusable sample');
    expect(r.scores[4]).toBe(-1); // a modality that does not enrol scores the best of the samples it has
    // In the order the comparisons name them, however the concurrent extractions finish.
    expect(r.failures.map((f) => f.path)).toEqual(['bad']);
  });

  it('fails to enrol a reference with a sample that was not acquired, where the modality enrols (it enrolled from what was left)', async () => {
    const enrolling: Modality<number, number, unknown, number[]> = {
      ...modality,
      enrol: (refs) => [...refs],
      compareEnrolled: (model, probe) => ({ similarity: -Math.min(...model.map((m) => Math.abs(m - probe))) }),
    };
    const r = await scoreComparisons(
      enrolling,
      [
        { reference: ['bad', 'c'], probe: 'a' },
        { reference: ['b', 'c'], probe: 'a' },
      ],
      { root },
    );
    expect(Number.isNaN(r.scores[0])).toBe(true);
    expect(r.errors[0]).toBe('failed to enrol: 1 of 2 reference samples not acquired (reference bad: unusable sample)');
    expect(r.scores[1]).toBe(-1);
  });

  it('leaves out reference samples the matcher cannot score, and names a comparison it cannot score at all', async () => {
    // c (2) against anything scores NaN: a matcher that found nothing to compare.
    const picky: Modality<number, number> = { ...modality, compare: (a, b) => (a === 2 || b === 2 ? { similarity: Number.NaN } : modality.compare(a, b)), quality: () => 0.5 };
    const r = await scoreComparisons(
      picky,
      [
        { reference: ['c', 'b'], probe: 'a' },
        { reference: ['c'], probe: 'a' },
      ],
      { root },
    );
    expect(r.scores[0]).toBe(-3); // b still scores
    expect(r.errors[0]).toBeUndefined();
    expect(Number.isNaN(r.scores[1])).toBe(true);
    expect(r.errors[1]).toBe('signature could not score this comparison (no similarity)');
    expect(Number.isNaN(r.quality?.[1] ?? 0)).toBe(true);
    expect(r.quality?.[0]).toBe(0.5);
  });

  it('reports the lower sample quality of each comparison where the modality has one', async () => {
    // Quality: the sample's value / 10 (a 1, b 4, c 2 -> 0.1, 0.4, 0.2).
    const withQuality: Modality<number, number> = { ...modality, quality: (t) => t / 10 };
    const r = await scoreComparisons(
      withQuality,
      [
        { reference: ['a'], probe: 'b' },
        { reference: ['a', 'b'], probe: 'c' },
        { reference: ['a'], probe: 'bad' },
      ],
      { root },
    );
    expect(r.quality?.[0]).toBeCloseTo(0.1, 12);
    expect(r.quality?.[1]).toBeCloseTo(0.2, 12); // best reference sample (b, 0.4) vs probe c (0.2)
    expect(Number.isNaN(r.quality?.[2] ?? 0)).toBe(true);
    expect((await scoreComparisons(modality, [{ reference: ['a'], probe: 'b' }], { root })).quality).toBeUndefined();
    const broken: Modality<number, number> = { ...modality, quality: (t) => t };
    await expect(scoreComparisons(broken, [{ reference: ['a'], probe: 'b' }], { root })).rejects.toThrow(TemplateFormatError);
    await expect(scoreComparisons(broken, [{ reference: ['a'], probe: 'b' }], { root })).rejects.toThrow(/outside \[0, 1\]/);
    // NaN is an unknown quality, not a fault.
    const unknown = await scoreComparisons({ ...modality, quality: () => Number.NaN }, [{ reference: ['a'], probe: 'b' }], { root });
    expect(unknown.scores[0]).toBe(-3);
    expect(Number.isNaN(unknown.quality?.[0] ?? 0)).toBe(true);
  });

  it('throws at the first failure when strict', async () => {
    await expect(scoreComparisons(modality, [{ reference: ['a'], probe: 'bad' }], { root, strict: true })).rejects.toThrow(AcquisitionError);
  });

  it('names the sample in errors that stop the run, keeping their class, code and fields', async () => {
    const strict = await scoreComparisons(modality, [{ reference: ['a'], probe: 'bad' }], { root, strict: true }).catch((e: unknown) => e);
    expect(strict).toBeInstanceOf(AcquisitionError);
    expect(strict).toMatchObject({ code: 'acquisition', reason: 'quality', message: 'bad: unusable sample', name: 'AcquisitionError' });
    expect((strict as Error).cause).toBe(tooDark);
    expect((strict as Error).stack).toMatch(/^AcquisitionError: bad: unusable sample\n/);
    // An untyped error is a fault, strict or not: it stops the run, named, as the class it was.
    const buggy: Modality<number, number> = { ...modality, extract: async (t) => (t === 4 ? (undefined as unknown as { x: number }).x : t) };
    const crash = await scoreComparisons(buggy, [{ reference: ['a'], probe: 'b' }], { root, concurrency: 1 }).catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(TypeError);
    expect((crash as Error).message).toMatch(/^b: Cannot read properties of undefined/);
  });

  it('fails the run with a DatasetError naming a sample file that cannot be read (a typo in a pairs list is no failure to acquire)', async () => {
    for (const strict of [false, true]) {
      const missing = await scoreComparisons(modality, [{ reference: ['a'], probe: 'b' }, { reference: ['a'], probe: 'c2' }], { root, strict }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(DatasetError);
      expect(missing).toMatchObject({ code: 'dataset', path: join(root, 'c2'), message: `${join(root, 'c2')}: cannot read the sample file (ENOENT)` });
    }
    await mkdir(join(root, 'folder'), { recursive: true });
    const folder = await scoreComparisons(modality, [{ reference: ['folder'], probe: 'a' }], { root }).catch((e: unknown) => e);
    expect(folder).toBeInstanceOf(DatasetError);
    expect((folder as DatasetError).message).toBe(`${join(root, 'folder')}: cannot read the sample file (EISDIR)`);
  });

  it('requires a whole number >= 1 of samples at once', async () => {
    for (const concurrency of [Number.NaN, 0, -1, 1.5, Infinity]) {
      await expect(scoreComparisons(modality, [{ reference: ['a'], probe: 'b' }], { root, concurrency }), String(concurrency)).rejects.toThrow(ConfigError);
    }
    expect(Array.from((await scoreComparisons(modality, [{ reference: ['a'], probe: 'b' }], { root, concurrency: 1 })).scores)).toEqual([-3]);
  });
});
