import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, equalErrorRate, erf, errorRateCurve, MAX_SEED, scoreSet } from '@biofuse/core';
import { temporaryFolders } from '@biofuse/core/testing';
import { enrolUser, scoreAgainstUser } from '../src/compare/user-model';
import { DEFAULT_SIGNATURE_PARAMS as P } from '../src/params';
import type { PenTrajectory } from '../src/pen-trajectory';
import { readSignature } from '../src/read/read-signature';
import { parseSvc2004 } from '../src/read/svc2004-text';
import { synthesizeSignatures } from '../src/synthetic/synthesize';
import { formatSvc2004, writeSvc2004Folder } from '../src/synthetic/write-svc2004';
import { extractSignatureTemplate } from '../src/template';

const tempFolder = temporaryFolders();

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

  it('refuses a seed that is not a whole number in [0, MAX_SEED]', () => {
    // NaN, undefined and Infinity all became seed 0, and every user of one stream came out the same.
    for (const seed of [Number.NaN, undefined, Number.POSITIVE_INFINITY, -1, 1.5, MAX_SEED + 1]) {
      const make = () => synthesizeSignatures({ seed: seed as number, users: 2, genuine: 1, forgeries: 0 });
      expect(make, String(seed)).toThrow(ConfigError);
      expect(make, String(seed)).toThrow(`the synthesis seed must be a whole number in [0, 4294967295], got ${String(seed)}`);
    }
    expect(synthesizeSignatures({ seed: MAX_SEED, users: 1, genuine: 1, forgeries: 0 }).size).toBe(1);
  });

  it('writes SVC2004 text that reads back as the same trajectory, decimals included', () => {
    // A web pad: fractional CSS pixels, times 8.5 ms apart, pressure in [0, 1] (rounded, it became 0 or 1).
    const n = 40;
    const pad: PenTrajectory = {
      x: Float64Array.from({ length: n }, (_, k) => 0.3 * k),
      y: Float64Array.from({ length: n }, (_, k) => 0.2 * Math.sin(k / 3)),
      t: Float64Array.from({ length: n }, (_, k) => 8.5 * k),
      penDown: Uint8Array.from({ length: n }, (_, k) => (k === 20 ? 0 : 1)),
      pressure: Float64Array.from({ length: n }, (_, k) => (k === 20 ? 0 : 0.35 + 0.01 * k)),
      azimuth: Float64Array.from({ length: n }, (_, k) => 45.25 + k),
      altitude: Float64Array.from({ length: n }, () => 60.5),
      warnings: [],
    };
    const text = formatSvc2004(pad);
    expect(text.split('\n')[2]).toBe(`0.3 ${0.2 * Math.sin(1 / 3)} 8.5 1 46.25 60.5 0.36`);
    const back = parseSvc2004(text, 'pad.txt');
    for (const k of ['x', 'y', 't', 'penDown', 'pressure', 'azimuth', 'altitude'] as const) expect(Array.from(back[k]), k).toEqual(Array.from(pad[k]));
    // Synthetic signatures are whole numbers: written as before, without a decimal point.
    expect(formatSvc2004(synthesizeSignatures({ seed: 1, users: 1, genuine: 1, forgeries: 0 }).get('U1S1.TXT')!)).toMatch(/^[\d\s-]+$/);
  });

  it('writes SVC2004 files that the reader takes back', async () => {
    const dir = await tempFolder('biofuse-synth-');
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
