import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataset, temporaryFolders, thrownBy } from '@biofuse/core/testing';
import { SignatureAcquisitionError } from '../src/errors';
import { globalFeatures } from '../src/features/global-features';
import { DEFAULT_SIGNATURE_PARAMS, parseSignatureParams } from '../src/params';
import { checkUsableTrajectory, MIN_PEN_DOWN_SAMPLES, penDownCount, type PenTrajectory } from '../src/pen-trajectory';
import { readSignature } from '../src/read/read-signature';
import { extractSignatureTemplate } from '../src/template';

const svc2004 = sharedDataset('svc2004-task2');
const tempFolder = temporaryFolders();

/** U1S1.TXT written anew with BUTTON 0 (and, with `zeroPressure`, PRESSURE 0) on every sample `keep` does not keep. */
async function relabelled(name: string, keep: (sample: number) => boolean, zeroPressure = false): Promise<string> {
  const [count, ...rows] = (await readFile(join(svc2004.path, 'U1S1.TXT'), 'utf8')).trim().split(/\r?\n/);
  const changed = rows.map((row, k) => {
    const c = row.trim().split(/\s+/);
    return keep(k) ? c.join(' ') : [...c.slice(0, 3), '0', c[4], c[5], zeroPressure ? '0' : c[6]].join(' ');
  });
  const path = join(await tempFolder('biofuse-ink-'), name);
  await writeFile(path, `${count}\n${changed.join('\n')}\n`);
  return path;
}

const reasonAndMessage = (err: unknown) => [err instanceof SignatureAcquisitionError && err.reason, (err as Error).message];

describe.skipIf(svc2004.skip)('a signature with too little ink (SVC2004 U1S1 relabelled pen-up)', () => {
  it('is refused with its file when 2 of its 84 samples are pen-down: it compared at DTW distance 0 with U1S1', async () => {
    for (const zeroPressure of [false, true]) {
      // Pressure kept, the time functions were U1S1's own (distance 0); zeroed, 0.87, closer than U1S2 (1.51).
      const path = await relabelled(`two-down-${zeroPressure}.TXT`, (k) => k === 8 || k === 9, zeroPressure);
      const err = await readSignature(path).catch((e: unknown) => e);
      expect(reasonAndMessage(err)).toEqual(['too_short', `${path}: 2 pen-down point(s); at least ${MIN_PEN_DOWN_SAMPLES} are needed to verify a signature`]);
    }
  });

  it('is refused when pen-up samples are kept and it is mostly pen-up: it compared at DTW distance 0 with U1S1', async () => {
    // Samples 9-38 keep their pen state (29 pen-down: sample 9 is pen-up in U1S1 too), the 54 others hover.
    const path = await relabelled('mostly-up.TXT', (k) => k >= 8 && k < 38);
    const p = await readSignature(path);
    expect(penDownCount(p)).toBe(29);
    const err = thrownBy(() => extractSignatureTemplate(p, DEFAULT_SIGNATURE_PARAMS));
    expect(reasonAndMessage(err)).toEqual([
      'too_short',
      'the signature has the pen down on 29 of its 84 samples; pen-up samples are kept (keepPenUp) and compared as ink, so at least 50 % must be pen-down',
    ]);
    // Without pen-up samples the time functions are its ink alone, which is enough, and not U1S1's.
    const inkOnly = parseSignatureParams({ keepPenUp: false });
    const own = extractSignatureTemplate(p, inkOnly);
    expect(own.local.length).toBe(29);
    expect(extractSignatureTemplate(await readSignature(join(svc2004.path, 'U1S1.TXT')), inkOnly).local.length).toBe(78);
  });

  it('leaves the least ink SVC2004 holds well above the minimum', async () => {
    let least = Number.POSITIVE_INFINITY;
    let leastShare = 1;
    for (let u = 1; u <= 40; u++) {
      for (let s = 1; s <= 40; s++) {
        const p = await readSignature(join(svc2004.path, `U${u}S${s}.TXT`));
        least = Math.min(least, penDownCount(p));
        leastShare = Math.min(leastShare, penDownCount(p) / p.x.length);
      }
    }
    // U1S6.TXT: 74 of its 82 samples.
    expect([least, leastShare.toFixed(3)]).toEqual([74, '0.902']);
    expect(least).toBeGreaterThanOrEqual(3 * MIN_PEN_DOWN_SAMPLES);
  });
});

/** 40 samples at 100 Hz: the pen down on the first 20, up on the rest. */
function halfDown(x: (k: number) => number, y: (k: number) => number): PenTrajectory {
  const n = 40;
  return {
    x: Float64Array.from({ length: n }, (_, k) => x(k)),
    y: Float64Array.from({ length: n }, (_, k) => y(k)),
    t: Float64Array.from({ length: n }, (_, k) => 10 * k),
    penDown: Uint8Array.from({ length: n }, (_, k) => (k < 20 ? 1 : 0)),
    pressure: Float64Array.from({ length: n }, (_, k) => (k < 20 ? 400 : 0)),
    azimuth: new Float64Array(n).fill(Number.NaN),
    altitude: new Float64Array(n).fill(Number.NaN),
    warnings: [],
  };
}

describe('ink that cannot be verified, in a trajectory built in code', () => {
  it('is refused when the pen moves only in the air: its ink is a dot', () => {
    const dot = halfDown((k) => (k < 20 ? 5 : 5 + 7 * k), (k) => (k < 20 ? 9 : 9 + (k % 3)));
    const err = thrownBy(() => checkUsableTrajectory(dot, 'pad.json'));
    expect(reasonAndMessage(err)).toEqual(['no_movement', 'pad.json: the pen never moves while it is down']);
    expect(() => extractSignatureTemplate(dot, parseSignatureParams({ keepPenUp: false }))).toThrow('the signature: the pen never moves while it is down');
    // The same ink drawn as a stroke is taken.
    expect(extractSignatureTemplate(halfDown((k) => 5 + 7 * k, (k) => 9 + (k % 3)), parseSignatureParams({ keepPenUp: false })).local.length).toBe(20);
  });

  it('gives no global features, where they were NaN', () => {
    const stroke = halfDown((k) => 5 + 7 * k, (k) => 9 + (k % 3));
    const hovering = { ...stroke, penDown: new Uint8Array(40) };
    expect(reasonAndMessage(thrownBy(() => globalFeatures(hovering)))).toEqual(['too_short', `the signature: 0 pen-down point(s); at least ${MIN_PEN_DOWN_SAMPLES} are needed to verify a signature`]);
    expect(globalFeatures(stroke).every(Number.isFinite)).toBe(true);
  });
});
