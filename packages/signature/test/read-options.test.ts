import { describe, expect, it } from 'vitest';
import { ConfigError } from '@biofuse/core';
import { thrownBy } from '@biofuse/core/testing';
import { parsePenCsv, parsePenJson } from '../src/read/pen-points';
import { parseSignatureBytes, readSignature } from '../src/read/read-signature';
import { parseSvc2004 } from '../src/read/svc2004-text';
import { inkedSvcRows, svcFile } from './inked-rows';

// Enough ink for readSignature (MIN_PEN_DOWN_SAMPLES pen-down rows).
const svc = svcFile(inkedSvcRows());
const csv = 'x,y,t\n1,2,0\n2,3,10\n3,1,20\n';
const json = '[{"x": 1, "y": 2, "t": 0}, {"x": 2, "y": 3, "t": 10}, {"x": 3, "y": 1, "t": 20}]';

/** Every public reader, given these options, as a promise of its result. */
const entries = (opts: unknown): [string, () => Promise<unknown>][] => [
  ['readSignature', () => readSignature(Buffer.from(svc), opts as never)],
  ['parseSignatureBytes', async () => parseSignatureBytes(Buffer.from(csv), 'u.csv', opts as never)],
  ['parseSvc2004', async () => parseSvc2004(svc, 'u.txt', opts as never)],
  ['parsePenCsv', async () => parsePenCsv(csv, 'u.csv', opts as never)],
  ['parsePenJson', async () => parsePenJson(json, 'u.json', opts as never)],
];

describe('reading options', () => {
  it('are refused with a misspelt key at every public reader', async () => {
    for (const [name, read] of entries({ maxBackstep: 20 })) {
      await expect(read(), name).rejects.toThrow(new ConfigError(`unknown signature reading option "maxBackstep" (known: maxBackstepMs${name === 'readSignature' ? ', path' : ''})`));
    }
    for (const [name, read] of entries({ maxBackstepMs: 20 })) await expect(read(), name).resolves.toBeDefined();
  });

  it('take "path" only where readSignature takes it, beside them', async () => {
    // Passed down with the options, a "path" would be ignored: messages would say "signature bytes".
    const bad = Buffer.from('2\n1 2 0 1 0 0 5\n1 x 10 1 0 0 5\n');
    for (const read of [() => parseSignatureBytes(bad, undefined, { path: 'u.txt' } as never), () => parseSvc2004(bad.toString(), undefined, { path: 'u.txt' } as never)]) {
      expect(read).toThrow(ConfigError);
      expect(read).toThrow('unknown signature reading option "path" (known: maxBackstepMs)');
    }
    await expect(readSignature(bad, { path: 'u.txt' })).rejects.toThrow(/^u\.txt:3: column 2 is not a number/);
    await expect(readSignature(bad, { paht: 'u.txt' } as never)).rejects.toThrow('unknown signature reading option "paht" (known: maxBackstepMs, path)');
  });

  it('must be an object, and the message names whatever was given', async () => {
    const cases: [unknown, string][] = [
      [null, 'null'],
      [50, 'number 50'],
      ['fast', '"fast"'],
      [[], 'an array'],
      // JSON.stringify gives undefined for a function and throws an untyped TypeError on a BigInt.
      [() => 20, 'a function'],
      [20n, 'bigint 20'],
    ];
    for (const [opts, described] of cases) {
      for (const [name, read] of entries(opts)) {
        const err = await read().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, `${name} given ${described}`).toEqual(new ConfigError(`signature reading options must be an object, got ${described}`));
        expect(err, name).toBeInstanceOf(ConfigError);
      }
    }
    expect(thrownBy(() => parseSvc2004(svc, 'u.txt', Symbol('opts') as never))).toEqual(new ConfigError('signature reading options must be an object, got symbol Symbol(opts)'));
  });
});
