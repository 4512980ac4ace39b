import { types } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, DatasetError, errorNaming } from './errors';

describe('errorNaming', () => {
  it('puts the source in front of a copy that keeps the class, fields and cause', () => {
    const cause = new Error('ENOENT');
    const err = new DatasetError('no such data file', undefined, 3, { cause });
    const named = errorNaming('a/x.csv', err);
    expect(named).toBeInstanceOf(DatasetError);
    expect(named).toMatchObject({ name: 'DatasetError', code: 'dataset', line: 3, detail: 'no such data file', message: 'a/x.csv: no such data file' });
    expect(named.cause).toBe(cause);
    // A genuine Error: matchers and util.types.isNativeError took a bare copy for a plain object.
    expect(types.isNativeError(named)).toBe(true);
    expect(() => {
      throw errorNaming('x.yaml', new ConfigError('bad'));
    }).toThrow(new ConfigError('x.yaml: bad'));
    expect(named.stack).toMatch(/^DatasetError: a\/x\.csv: no such data file\n/);
    // The error itself is left as it was: another caller may name another source.
    expect(err.message).toBe('no such data file');
    expect(errorNaming('b/y.csv', err).message).toBe('b/y.csv: no such data file');
  });

  it('names a source once, and wraps what is not an Error', () => {
    const err = new DatasetError('bad row', 'a/x.csv', 2);
    expect(errorNaming('a/x.csv', err)).toBe(err);
    const named = errorNaming('a/x.csv', 'a string');
    expect(named).toMatchObject({ message: 'a/x.csv: a string', cause: 'a string' });
  });
});
