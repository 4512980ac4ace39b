import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { equalErrorRate, erf, errorRateCurve, scoreSet } from '@biofuse/core';
import { enrolUser, scoreAgainstUser } from '../src/compare/user-model';
import { DEFAULT_SIGNATURE_PARAMS as P } from '../src/params';
import { readSignature } from '../src/read/read-signature';
import { synthesizeSignatures } from '../src/synthetic/synthesize';
import { writeSvc2004Folder } from '../src/synthetic/write-svc2004';
import { extractSignatureTemplate } from '../src/template';

describe('sigma-lognormal synthetic signatures', () => {
  it('computes erf to 1e-7', () => {
    expect(erf(0)).toBeCloseTo(0, 7);
    expect(erf(0.5)).toBeCloseTo(0.5204998778, 6);
    expect(erf(-1.5)).toBeCloseTo(-0.9661051465, 6);
  });

  it('is deterministic per seed, and adding users leaves the others unchanged', () => {
    const a = synthesizeSignatures({ seed: 4, users: 2, genuine: 3, forgeries: 2 });
    const b = synthesizeSignatures({ seed: 4, users: 3, genuine: 3, forgeries: 2 });
    const c = synthesizeSignatures({ seed: 5, users: 2, genuine: 3, forgeries: 2 });
    expect([...a.keys()]).toEqual(['U1S1.TXT', 'U1S2.TXT', 'U1S3.TXT', 'U1S4.TXT', 'U1S5.TXT', 'U2S1.TXT', 'U2S2.TXT', 'U2S3.TXT', 'U2S4.TXT', 'U2S5.TXT']);
    expect(b.get('U2S4.TXT')?.x).toEqual(a.get('U2S4.TXT')?.x);
    expect(c.get('U1S1.TXT')?.x).not.toEqual(a.get('U1S1.TXT')?.x);
    // Counts that would name files U1S3.5.TXT, or silently make none.
    expect(() => synthesizeSignatures({ seed: 4, users: 2, genuine: 2.5 })).toThrow(/whole number of genuine signatures/);
    expect(() => synthesizeSignatures({ seed: 4, users: 2, genuine: Number.NaN })).toThrow(/whole number of genuine signatures/);
    expect(() => synthesizeSignatures({ seed: 4, users: 2, forgeries: 1.5 })).toThrow(/forgeries per user must be a whole number/);
  });

  it('writes SVC2004 files that the reader takes back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'biofuse-synth-'));
    const sigs = synthesizeSignatures({ seed: 1, users: 2, genuine: 2, forgeries: 1 });
    await writeSvc2004Folder(dir, sigs);
    expect((await readdir(dir)).sort()).toEqual([...sigs.keys()].sort());
    const back = await readSignature(join(dir, 'U1S1.TXT'));
    expect(Array.from(back.x)).toEqual(Array.from(sigs.get('U1S1.TXT')!.x));
    expect(back.warnings).toEqual([]);
    const duration = (back.t[back.t.length - 1] - back.t[0]) / 1000;
    expect(duration).toBeGreaterThan(0.5);
    expect(duration).toBeLessThan(8);
  });

  it('makes forgeries slower than genuine signatures and separable from them by the matcher', () => {
    const users = 20;
    const sigs = synthesizeSignatures({ seed: 1, users });
    const t = new Map([...sigs].map(([k, p]) => [k, extractSignatureTemplate(p, P)]));
    const duration = (name: string) => {
      const p = sigs.get(name)!;
      return p.t[p.t.length - 1];
    };
    let slower = 0;
    for (let u = 1; u <= users; u++) if (duration(`U${u}S25.TXT`) > duration(`U${u}S15.TXT`)) slower++;
    expect(slower).toBeGreaterThan(users * 0.75);
    const genuine: number[] = [];
    const skilled: number[] = [];
    const random: number[] = [];
    for (let u = 1; u <= users; u++) {
      const m = enrolUser([1, 2, 3, 4, 5].map((s) => t.get(`U${u}S${s}.TXT`)!), P);
      for (let s = 11; s <= 20; s++) genuine.push(scoreAgainstUser(m, t.get(`U${u}S${s}.TXT`)!, P).similarity);
      for (let s = 21; s <= 40; s++) skilled.push(scoreAgainstUser(m, t.get(`U${u}S${s}.TXT`)!, P).similarity);
      for (let v = 1; v <= users; v++) if (v !== u) random.push(scoreAgainstUser(m, t.get(`U${v}S1.TXT`)!, P).similarity);
    }
    const eer = (i: number[]) => equalErrorRate(errorRateCurve(scoreSet({ genuine, impostor: i }))).value;
    // Measured at seed 1: 10.0 % skilled, 0 % random. Skilled forgeries must stay the hard case.
    expect(eer(skilled)).toBeGreaterThan(0.03);
    expect(eer(skilled)).toBeLessThan(0.2);
    expect(eer(random)).toBeLessThan(0.02);
  });
});
