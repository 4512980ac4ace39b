import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors';
import { fvcProtocol } from './fvc';

describe('FVC protocol input', () => {
  it('refuses a sample listed twice (it was compared with itself: genuine under one subject, impostor under two)', () => {
    const samples = [
      { path: 'a/1.png', subject: 'a' },
      { path: 'a/2.png', subject: 'a' },
      { path: 'b/1.png', subject: 'b' },
    ];
    expect(fvcProtocol(samples).map((c) => `${c.reference[0]} ${c.probe} ${c.kind}`)).toEqual(['a/1.png a/2.png genuine', 'a/1.png b/1.png impostor']);
    expect(() => fvcProtocol([...samples, { path: 'a/1.png', subject: 'a' }])).toThrow(
      new DatasetError('FVC protocol: sample "a/1.png" is listed twice (subjects "a" and "a")'),
    );
    expect(() => fvcProtocol([...samples, { path: 'b/1.png', subject: 'a' }])).toThrow(DatasetError);
  });
});

describe('FVC protocol order', () => {
  it('gives the same comparisons, roles included, for every order of a listing that mixes numbers and names', () => {
    // Numbers against names by code units was circular (9 < 10 < 1a < 9), and so was 101_2 < 101_10 < 101_1a < 101_2.
    const samples = [
      { path: '9/x.png', subject: '9' },
      { path: '10/x.png', subject: '10' },
      { path: '1a/x.png', subject: '1a' },
      { path: '101_2.tif', subject: '101' },
      { path: '101_10.tif', subject: '101' },
      { path: '101_1a.tif', subject: '101' },
    ];
    const show = (list: typeof samples) => fvcProtocol(list).map((c) => `${c.reference[0]}>${c.probe}`);
    const expected = show(samples);
    expect(expected.filter((c) => !c.startsWith('101'))).toContain('9/x.png>10/x.png');
    const permutations = (items: typeof samples): (typeof samples)[] =>
      items.length <= 1 ? [items] : items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]));
    for (const order of permutations(samples)) expect(show(order), order.map((s) => s.path).join(' ')).toEqual(expected);
  });
});
