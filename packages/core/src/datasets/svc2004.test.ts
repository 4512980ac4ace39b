import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors';
import { temporaryFolders, thrownBy } from '../testing';
import { readSvc2004Folder, svc2004Protocol } from './svc2004';

const tempFolder = temporaryFolders();

describe('SVC2004 folders', () => {
  it('keeps one file per (user, signature), the first in name order, and names users by number', async () => {
    const dir = await tempFolder('biofuse-svc-');
    const names = [1, 2].flatMap((u) => Array.from({ length: 40 }, (_, s) => (u === 2 ? `U02S${s + 1}.TXT` : `U${u}S${s + 1}.TXT`)));
    for (const name of [...names, 'U1S01.TXT', 'u1s12.txt', 'notes.txt']) await writeFile(join(dir, name), '');
    const l = await readSvc2004Folder(dir);
    expect(l.samples.length).toBe(80);
    expect(new Set(l.samples.map((s) => s.subject))).toEqual(new Set(['1', '2']));
    expect(l.skipped).toEqual([
      { path: 'U1S1.TXT', reason: 'signature U1S1 again (U1S01.TXT is used)' },
      { path: 'notes.txt', reason: 'name is not U<user>S<signature>.TXT' },
      { path: 'u1s12.txt', reason: 'signature U1S12 again (U1S12.TXT is used)' },
    ]);
    // The protocol reads the listing whatever order the folder gave: the same comparisons each time.
    const p = svc2004Protocol(l.samples, { seed: 3, trials: 1 });
    expect(p.filter((c) => c.kind === 'genuine' && c.probe.toLowerCase() === 'u1s12.txt').map((c) => c.probe)).toEqual(['U1S12.TXT']);
  });

  it('refuses a listing with two files for one signature, or a sample it cannot name (the later file replaced the other, silently)', () => {
    const samples = [1, 2].flatMap((u) => Array.from({ length: 40 }, (_, s) => ({ path: `U${u}S${s + 1}.TXT`, subject: String(u) })));
    const twice = [...samples, { path: 'U1S01.TXT', subject: '1' }];
    const err = thrownBy(() => svc2004Protocol(twice, { seed: 1, folder: '/data/svc' }));
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as Error).message).toBe('/data/svc: SVC2004 user 1 has signature S1 twice: U1S1.TXT and U1S01.TXT');
    expect(() => svc2004Protocol([...samples, { path: 'extra/U3S1.TXT', subject: '3' }], { seed: 1 })).toThrow(
      new DatasetError('SVC2004 sample "extra/U3S1.TXT" is not named U<user>S<signature>.TXT'),
    );
  });
});
