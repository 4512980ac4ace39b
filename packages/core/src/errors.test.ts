import { types } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, DatasetError, errorNaming } from './errors';

describe('errorNaming', () => {
  it('puts the source in front of a copy that keeps the class, fields and cause', () => {
    const cause = new Error('ENOENT');
    const err = new DatasetError('no such data file', undefined, 3, { cause });
    const named = errorNaming('a/x.csv', err);
    expect(named).toBeInstanceOf(DatasetError);
    expect(named).toMatchObject({ name: 'DatasetError', code: 'dataset', line: 3, detail: 'no such data file', message: 'a/x.csv: line 3: no such data file' });
    expect(named.cause).toBe(cause);
    // A genuine Error: matchers and util.types.isNativeError took a bare copy for a plain object.
    expect(types.isNativeError(named)).toBe(true);
    expect(() => {
      throw errorNaming('x.yaml', new ConfigError('bad'));
    }).toThrow(new ConfigError('x.yaml: bad'));
    expect(named.stack).toMatch(/^DatasetError: a\/x\.csv: line 3: no such data file\n/);
    // The error itself is left as it was: another caller may name another source.
    expect(err.message).toBe('line 3: no such data file');
    expect(errorNaming('b/y.csv', err).message).toBe('b/y.csv: line 3: no such data file');
  });

  it('names a source once, and wraps what is not an Error', () => {
    const err = new DatasetError('bad row', 'a/x.csv', 2);
    expect(errorNaming('a/x.csv', err)).toBe(err);
    const named = errorNaming('a/x.csv', 'a string');
    expect(named).toMatchObject({ message: 'a/x.csv: a string', cause: 'a string' });
  });
});

describe('DatasetError', () => {
  it('names where the data came from: a path and line, a label for input in memory, or the line alone', () => {
    expect(new DatasetError('bad cell', 'm.csv', 3).message).toBe('m.csv:3: bad cell');
    expect(new DatasetError('bad cell', undefined, 3, { input: 'score matrix text' }).message).toBe('score matrix text, line 3: bad cell');
    expect(new DatasetError('empty', undefined, undefined, { input: 'score matrix text' }).message).toBe('score matrix text: empty');
    // The line was dropped when there was no path.
    expect(new DatasetError('bad cell', undefined, 3).message).toBe('line 3: bad cell');
    expect(new DatasetError('bad cell', undefined, 3).detail).toBe('bad cell');
  });
});
