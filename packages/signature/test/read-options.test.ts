import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '@biofuse/core';
import { checkReadOptions } from '../src/read/builder';
import { parsePenCsv, parsePenJson } from '../src/read/pen-points';
import { parseSignatureBytes, readSignature } from '../src/read/read-signature';
import { parseSvc2004 } from '../src/read/svc2004-text';

// The real check, counted.
vi.mock('../src/read/builder', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../src/read/builder')>();
  return { ...actual, checkReadOptions: vi.fn(actual.checkReadOptions) };
});

const svc = '3\n1 2 0 1 0 0 5\n2 3 10 1 0 0 5\n3 1 20 1 0 0 5\n';
const csv = 'x,y,t\n1,2,0\n2,3,10\n3,1,20\n';
const json = '[{"x": 1, "y": 2, "t": 0}, {"x": 2, "y": 3, "t": 10}, {"x": 3, "y": 1, "t": 20}]';

describe('reading options', () => {
  it('are checked once per read, by the function the caller called', async () => {
    // readSignature, parseSignatureBytes and the format's reader each checked them: three times a read.
    const reads: [string, () => unknown][] = [
      ['readSignature', () => readSignature(Buffer.from(svc), { path: 'u.txt', maxBackstepMs: 20 })],
      ['parseSignatureBytes', () => parseSignatureBytes(Buffer.from(csv), 'u.csv', { maxBackstepMs: 20 })],
      ['parseSvc2004', () => parseSvc2004(svc, 'u.txt', { maxBackstepMs: 20 })],
      ['parsePenCsv', () => parsePenCsv(csv, 'u.csv', { maxBackstepMs: 20 })],
      ['parsePenJson', () => parsePenJson(json, 'u.json', { maxBackstepMs: 20 })],
    ];
    for (const [name, read] of reads) {
      vi.mocked(checkReadOptions).mockClear();
      await read();
      expect(vi.mocked(checkReadOptions).mock.calls.length, name).toBe(1);
    }
  });

  it('take "path" only where readSignature takes it, beside them', async () => {
    // The readers accepted a "path" key (readSignature's own, passed down with them) and ignored it: messages said "signature bytes".
    const bad = Buffer.from('2\n1 2 0 1 0 0 5\n1 x 10 1 0 0 5\n');
    for (const read of [() => parseSignatureBytes(bad, undefined, { path: 'u.txt' } as never), () => parseSvc2004(bad.toString(), undefined, { path: 'u.txt' } as never)]) {
      expect(read).toThrow(ConfigError);
      expect(read).toThrow('unknown signature reading option "path" (known: maxBackstepMs)');
    }
    await expect(readSignature(bad, { path: 'u.txt' })).rejects.toThrow(/^u\.txt:3: column 2 is not a number/);
    await expect(readSignature(bad, { paht: 'u.txt' } as never)).rejects.toThrow('unknown signature reading option "paht" (known: maxBackstepMs, path)');
  });

  it('must be an object', async () => {
    // null was an untyped TypeError (Object.keys(null)).
    await expect(readSignature(Buffer.from(svc), null as never)).rejects.toThrow(new ConfigError('signature reading options must be an object, got null'));
    expect(() => parseSvc2004(svc, 'u.txt', 50 as never)).toThrow('signature reading options must be an object, got 50');
  });
});
