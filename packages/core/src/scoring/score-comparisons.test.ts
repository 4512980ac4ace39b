import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AcquisitionError } from '../errors';
import type { Modality } from '../modality';
import { scoreComparisons } from './score-comparisons';

let root = '';
const loads: string[] = [];

/** Samples are text files holding one number; "bad" cannot be acquired. */
const modality: Modality<number, number> = {
  name: 'signature',
  async load(input) {
    const text = String(input).trim();
    loads.push(text);
    if (text === 'bad') throw new AcquisitionError('quality', 'unusable sample');
    return Number(text);
  },
  extract: async (s) => s,
  compare: (a, b) => ({ similarity: -Math.abs(a - b), distance: Math.abs(a - b) }),
  encode: (t) => new Uint8Array(new Float64Array([t]).buffer),
  decode: (b) => new Float64Array(b.buffer)[0],
};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'biofuse-score-'));
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
        { reference: ['missing'], probe: 'a' },
      ],
      { root, concurrency: 2 },
    );
    expect(loads.length).toBe(4); // a, b, c, bad; "missing" fails before load
    expect(Array.from(r.scores.subarray(0, 3))).toEqual([-3, -3, -1]); // a multi-sample reference scores its best sample
    expect(Number.isNaN(r.scores[3])).toBe(true);
    expect(r.errors[3]).toBe('probe bad: unusable sample');
    expect(r.scores[4]).toBe(-1); // the failed reference sample is left out, the other one scores
    expect(Number.isNaN(r.scores[5])).toBe(true);
    expect(r.errors[5]).toMatch(/^reference missing: missing: cannot read \(ENOENT\)/);
    expect(r.failures.map((f) => f.path).sort()).toEqual(['bad', 'missing']);
  });

  it('throws at the first failure when strict', async () => {
    await expect(scoreComparisons(modality, [{ reference: ['a'], probe: 'bad' }], { root, strict: true })).rejects.toThrow(AcquisitionError);
  });
});
