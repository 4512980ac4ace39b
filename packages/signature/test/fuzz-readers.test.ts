/**
 * Seeded mutation fuzzing of the readers: real SVC2004 files, files the synthetic generator
 * writes, and the same signatures as JSON, CSV and MCYT .fpg, damaged in many small ways. Every
 * mutant must be refused with a typed error that names the file (and, for SVC2004 and CSV text,
 * the line), or read as a valid signature that makes a template and a finite distance. Each
 * failure names the file and the damage done (the seeds are fixed, so a run replays it).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom, type Random } from '@biofuse/core';
import { seededMutants, sharedDataset, temporaryFolders, thrownBy, truncations, type Mutant } from '@biofuse/core/testing';
import { SignatureAcquisitionError, SignatureFormatError } from '../src/errors';
import { DEFAULT_SIGNATURE_PARAMS } from '../src/params';
import { MAX_SAMPLES, MIN_PEN_DOWN_SAMPLES, type PenTrajectory } from '../src/pen-trajectory';
import { MAX_PEN_VALUE, MAX_TIME_MS, TrajectoryBuilder } from '../src/read/builder';
import { parsePenJson } from '../src/read/pen-points';
import { parseSignatureBytes, readSignature } from '../src/read/read-signature';
import { SignatureModality } from '../src/signature-modality';
import { synthesizeSignatures } from '../src/synthetic/synthesize';
import { formatSvc2004, writeSvc2004Folder } from '../src/synthetic/write-svc2004';
import type { SignatureTemplate } from '../src/template';
import { asBytes, asText, jsonMutation, textMutation } from './mutations';

const tempFolder = temporaryFolders();
const modality = new SignatureModality(DEFAULT_SIGNATURE_PARAMS);

/** Why an accepted trajectory is not a valid signature, checked here without the package's own checks; undefined when it is. */
function invalidity(p: PenTrajectory): string | undefined {
  const n = p.x.length;
  if (n > MAX_SAMPLES) return `${n} samples`;
  for (const [name, c] of Object.entries({ y: p.y, t: p.t, penDown: p.penDown, pressure: p.pressure, azimuth: p.azimuth, altitude: p.altitude })) {
    if (c.length !== n) return `${c.length} ${name} values for ${n} samples`;
  }
  let down = 0;
  for (let k = 0; k < n; k++) {
    const values = [p.x[k], p.y[k], p.pressure[k]];
    if (!values.every((v) => Math.abs(v) <= MAX_PEN_VALUE) || !(Math.abs(p.t[k]) <= MAX_TIME_MS)) return `sample ${k + 1}: x y pressure ${values.join(' ')}, t ${p.t[k]}`;
    for (const a of [p.azimuth[k], p.altitude[k]]) if (!(Number.isNaN(a) || Math.abs(a) <= MAX_PEN_VALUE)) return `sample ${k + 1}: angle ${a}`;
    if (p.pressure[k] < 0) return `sample ${k + 1}: pressure ${p.pressure[k]}`;
    if (k > 0 && p.t[k] < p.t[k - 1]) return `sample ${k + 1}: time goes back`;
    down += p.penDown[k];
  }
  return down < MIN_PEN_DOWN_SAMPLES ? `${down} pen-down samples` : undefined;
}

type Format = 'svc2004' | 'csv' | 'json' | 'fpg';

/**
 * Reads a mutant and says what is wrong with the outcome (`problem`, absent when nothing is): a
 * typed error must name the file (and the line, for SVC2004 and CSV); an accepted signature must
 * be valid and make a template with a finite distance to `reference`. `same` is the trajectory
 * the mutant must read as (other line ends, a byte-order mark: the same signature written otherwise).
 */
async function outcome(format: Format, name: string, m: Mutant, reference: SignatureTemplate, same?: PenTrajectory): Promise<{ accepted: boolean; problem?: string }> {
  let p: PenTrajectory;
  try {
    p = await readSignature(m.bytes, { path: name });
  } catch (err) {
    return { accepted: false, problem: refusalProblem(format, name, err, same !== undefined) };
  }
  const problem = async (): Promise<string | undefined> => {
    const invalid = invalidity(p);
    if (invalid) return `accepted an invalid signature: ${invalid}`;
    for (const k of same ? (['x', 'y', 't', 'penDown', 'pressure', 'azimuth', 'altitude'] as const) : []) {
      if (p[k].length !== same![k].length || p[k].some((v, i) => !Object.is(v, same![k][i]))) return `read otherwise than the original (${k})`;
    }
    let t: SignatureTemplate;
    try {
      t = await modality.extract(p);
    } catch (err) {
      return `accepted, then no template: ${String(err)}`;
    }
    const d = modality.compare(reference, t).distance;
    return Number.isFinite(d) ? undefined : `distance ${d}`;
  };
  return { accepted: true, problem: await problem() };
}

/** What is wrong with the error that refused a mutant, or undefined. */
function refusalProblem(format: Format, name: string, err: unknown, mustRead: boolean): string | undefined {
  if (mustRead) return `refused: ${String(err)}`;
  // One line, as logs and a scores.csv's error column hold it.
  if (err instanceof Error && /[\r\n]/.test(err.message)) return `message of several lines: ${JSON.stringify(err.message)}`;
  if (err instanceof SignatureFormatError) {
    if (!err.message.startsWith(`${name}:`)) return `message does not name the file: ${err.message}`;
    // A whole file that is empty, an image or binary has no line to name.
    const lined = format === 'svc2004' || format === 'csv';
    if (lined && err.line === undefined && !/^(empty file$|not a signature file: )/.test(err.detail)) return `message names no line: ${err.message}`;
    if (err.line !== undefined && !err.message.startsWith(`${name}:${err.line}: `)) return `line ${err.line} not in the message: ${err.message}`;
    return undefined;
  }
  if (err instanceof SignatureAcquisitionError) return err.message.startsWith(`${name}: `) ? undefined : `message does not name the file: ${err.message}`;
  return `untyped ${String(err)}`;
}

/** The MCYT layout: a 60-byte header, then float32 x, y, pressure, azimuth, altitude per sample (angles not reported written as 0, as formatSvc2004 does). */
function fpgOf(p: PenTrajectory): Uint8Array {
  const out = new Uint8Array(60 + 20 * p.x.length);
  out.set(asBytes('MCYT fuzz header'));
  const view = new DataView(out.buffer);
  for (let k = 0; k < p.x.length; k++) {
    [p.x[k], p.y[k], p.pressure[k], p.azimuth[k] || 0, p.altitude[k] || 0].forEach((v, c) => view.setFloat32(60 + 20 * k + 4 * c, v, true));
  }
  return out;
}

const csvOf = (p: PenTrajectory, angles: boolean) =>
  `x,y,t,pressure,pen_down${angles ? ',azimuth,altitude' : ''}\n${Array.from(p.x, (_, k) => [p.x[k], p.y[k], p.t[k], p.pressure[k], p.penDown[k], ...(angles ? [p.azimuth[k], p.altitude[k]] : [])].join(',')).join('\n')}\n`;

const jsonOf = (p: PenTrajectory, angles: boolean) =>
  JSON.stringify(
    { points: Array.from(p.x, (_, k) => ({ x: p.x[k], y: p.y[k], t: p.t[k], pressure: p.pressure[k], penDown: p.penDown[k] === 1, ...(angles ? { azimuth: p.azimuth[k], altitude: p.altitude[k] } : {}) })) },
    null,
    1,
  );

interface Budget {
  /** Truncations: the 64 shortest and the 3 longest, and seeded ones in between. */
  readonly cuts: number;
  readonly flips: number;
  readonly lines: number;
  readonly garbage: number;
}

/** Runs one file's mutants; returns the failures (empty when all is well) and how many were accepted. */
async function fuzz(format: Format, name: string, bytes: Uint8Array, rng: Random, reference: SignatureTemplate, budget: Budget): Promise<{ failures: string[]; accepted: number; total: number }> {
  const original = await readSignature(bytes, { path: name });
  const mutants: (Mutant & { same?: boolean })[] = [];
  mutants.push(...truncations(bytes, { count: budget.cuts, random: rng }));
  // A bit flipped, bytes made random, or a byte made one a number or a line is written with.
  mutants.push(...seededMutants(bytes, { random: rng, count: budget.flips, kinds: ['flip', 'overwrite', 'special'] }));
  if (format === 'svc2004' || format === 'csv') {
    const text = asText(bytes).replace(/\r\n/g, '\n');
    for (let i = 0; i < budget.lines; i++) {
      const m = textMutation(text, rng, format === 'csv' ? ',' : ' ', format === 'svc2004');
      mutants.push({ ...m, same: /^(CRLF|CR) line ends$|^a UTF-8 byte-order mark$/.test(m.what) });
    }
  }
  if (format === 'json') for (let i = 0; i < budget.lines; i++) mutants.push(jsonMutation(asText(bytes), rng));
  // Random bytes written over, inserted into or appended to the file, or a file of them alone.
  mutants.push(...seededMutants(bytes, { random: rng, count: budget.garbage, kinds: ['run', 'insert', 'append', 'noise'] }));
  const failures: string[] = [];
  let accepted = 0;
  for (const [k, m] of mutants.entries()) {
    // Every other one as a Node Buffer inside a larger one, as a file or an HTTP body gives it.
    const input = k % 2 === 0 ? m.bytes : Buffer.concat([Buffer.alloc(1 + (k % 7)), m.bytes]).subarray(1 + (k % 7));
    const result = await outcome(format, name, { ...m, bytes: input }, reference, m.same ? original : undefined);
    if (result.problem) failures.push(`${name} (${format}), ${m.what}: ${result.problem}`);
    if (result.accepted) accepted++;
  }
  return { failures, accepted, total: mutants.length };
}

const SEED = 20_240_601;
const svc2004 = sharedDataset('svc2004-task2');

describe('mutated signature files', () => {
  const synthetic = synthesizeSignatures({ seed: SEED, users: 2, genuine: 1, forgeries: 1 });
  const reference = modality.extract(synthetic.get('U1S1.TXT')!);

  it('written by the synthetic generator: refused with the file and line, or read as valid signatures', async () => {
    const dir = await tempFolder('biofuse-fuzz-');
    await writeSvc2004Folder(dir, synthetic);
    const rng = seededRandom(SEED);
    const failures: string[] = [];
    const accepted: number[] = [];
    for (const name of ['U1S2.TXT', 'U2S1.TXT']) {
      const r = await fuzz('svc2004', name, await readFile(join(dir, name)), rng, await reference, { cuts: 110, flips: 100, lines: 200, garbage: 30 });
      failures.push(...r.failures);
      accepted.push(r.accepted / r.total);
    }
    expect(failures).toEqual([]);
    // Enough of the mutants read for the "valid" branch to be tested too.
    expect(Math.min(...accepted)).toBeGreaterThan(0.1);
  });

  it('as JSON, CSV and MCYT .fpg: refused with the file (the line, for CSV) or read as valid signatures', async () => {
    const rng = seededRandom(SEED + 1);
    const failures: string[] = [];
    const accepted: number[] = [];
    const [genuine, forgery] = [synthetic.get('U1S2.TXT')!, synthetic.get('U2S2.TXT')!];
    const files: [Format, string, Uint8Array][] = [
      ['csv', 'pad.csv', asBytes(csvOf(genuine, false))],
      ['json', 'pad.json', asBytes(jsonOf(forgery, false))],
      ['fpg', 'pad.fpg', fpgOf(genuine)],
    ];
    for (const [format, name, bytes] of files) {
      const r = await fuzz(format, name, bytes, rng, await reference, { cuts: 120, flips: 120, lines: 200, garbage: 30 });
      failures.push(...r.failures);
      accepted.push(r.accepted / r.total);
    }
    expect(failures).toEqual([]);
    expect(Math.min(...accepted)).toBeGreaterThan(0.05);
  });

  it('read from a path: the messages name that path', async () => {
    const dir = await tempFolder('biofuse-fuzz-');
    const rng = seededRandom(SEED + 2);
    const failures: string[] = [];
    const source = formatSvc2004(synthetic.get('U2S1.TXT')!);
    for (let i = 0; i < 40; i++) {
      const m = textMutation(source, rng, ' ', true);
      const path = join(dir, `mutant-${i}.txt`);
      await writeFile(path, m.bytes);
      const err = await readSignature(path).then(() => undefined, (e: unknown) => e);
      if (err !== undefined && !(err instanceof SignatureFormatError || err instanceof SignatureAcquisitionError)) failures.push(`${m.what}: untyped ${String(err)}`);
      else if (err instanceof Error && !err.message.startsWith(`${path}:`)) failures.push(`${m.what}: ${err.message}`);
    }
    expect(failures).toEqual([]);
  });
});

describe.skipIf(svc2004.skip)('mutated SVC2004 Task 2 files', () => {
  it('are refused with the file and line, or read as valid signatures', async () => {
    const rng = seededRandom(SEED + 3);
    const reference = await modality.extract(await readSignature(join(svc2004.path, 'U1S2.TXT')));
    const failures: string[] = [];
    const accepted: number[] = [];
    // A genuine signature, a skilled forgery, and one whose clock steps back (repaired as a glitch).
    for (const name of ['U1S1.TXT', 'U7S23.TXT', 'U7S5.TXT']) {
      const bytes = await readFile(join(svc2004.path, name));
      const r = await fuzz('svc2004', name, bytes, rng, reference, { cuts: 110, flips: 100, lines: 200, garbage: 20 });
      failures.push(...r.failures);
      accepted.push(r.accepted / r.total);
    }
    // The same signature as a pad would post it, pen angles included.
    const p = await readSignature(join(svc2004.path, 'U7S23.TXT'));
    for (const [format, name, bytes] of [['csv', 'U7S23.csv', asBytes(csvOf(p, true))], ['json', 'U7S23.json', asBytes(jsonOf(p, true))]] as const) {
      const r = await fuzz(format, name, bytes, rng, reference, { cuts: 90, flips: 60, lines: 100, garbage: 10 });
      failures.push(...r.failures);
      accepted.push(r.accepted / r.total);
    }
    expect(failures).toEqual([]);
    expect(Math.min(...accepted)).toBeGreaterThan(0.05);
  });
});

describe('what the fuzzing found in the readers', () => {
  it('refuses a value beyond any pen value, naming the line, instead of a silently zeroed time function', async () => {
    const rows = ['1 2 0 1 900 400 5', '3 1 10 1 910 410 6', '6 4 20 1 920 420 7', '8 3 30 1 930 430 8'];
    const svcText = (row: number, cell: number, value: string) =>
      asBytes(`${rows.length}\n${rows.map((r, k) => (k === row ? r.split(' ').map((c, j) => (j === cell ? value : c)).join(' ') : r)).join('\n')}\n`);
    // One azimuth of 1e308 made the azimuth function's spread infinite, and its template column all zeros.
    const err = await readSignature(svcText(2, 4, '1e308'), { path: 'u.txt' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignatureFormatError);
    expect((err as SignatureFormatError).line).toBe(4);
    expect((err as Error).message).toBe('u.txt:4: azimuth is 1e+308, beyond any pen value (at most 1e+7 in magnitude)');
    // A digit turned "e" (4e+79), in every text format; JSON names the point.
    await expect(readSignature(svcText(1, 1, '4e79'), { path: 'u.txt' })).rejects.toThrow(/^u\.txt:3: y is 4e\+79, beyond any pen value/);
    await expect(readSignature(asBytes('x,y,t\n1,2,0\n3,1,10\n-1e308,4,20\n'), { path: 'p.csv' })).rejects.toThrow(/^p\.csv:4: x is -1e\+308, beyond any pen value/);
    await expect(readSignature(asBytes('[{"x": 1, "y": 2, "t": 0}, {"x": 3, "y": 1, "t": 1e200}]'), { path: 'p.json' })).rejects.toThrow(
      /^p\.json: point 2 \(counting from 1\): t is 1e\+200, beyond any time in milliseconds \(at most 2\^53 in magnitude\)$/,
    );
    // A pressure of 4e+9 (a digit of 439 turned "e") is no pressure level either.
    await expect(readSignature(svcText(3, 6, '4e9'), { path: 'u.txt' })).rejects.toThrow(/^u\.txt:5: pressure is 4000000000, beyond any pen value/);
    // The bounds themselves are read: 1e7 tablet units, a pad's clock in ms since 1970 up to 2^53.
    const epoch = 1_717_000_000_000;
    const p = parseSignatureBytes(asBytes(`x,y,t\n1,2,${epoch}\n3,-1e7,${epoch + 10}\n6,4,${2 ** 53}\n`), 'p.csv');
    expect([p.y[1], p.t[2]]).toEqual([-1e7, 2 ** 53]);
  });

  it('checks each value once: NaN only for an angle the format lacks, no infinity, nothing beyond its bound', () => {
    const sample = { x: 1, y: 2, t: 0, penDown: true, pressure: 5, azimuth: 900, altitude: 400 };
    /** 'read', or the message of the SignatureFormatError refusing the sample. */
    const add = (change: Partial<typeof sample>) => {
      try {
        new TrajectoryBuilder('u.txt').add({ line: 2 }, { ...sample, ...change });
        return 'read';
      } catch (err) {
        return err instanceof SignatureFormatError ? err.message : `untyped: ${String(err)}`;
      }
    };
    expect(add({ azimuth: Number.NaN, altitude: Number.NaN })).toBe('read');
    expect(add({ azimuth: MAX_PEN_VALUE, altitude: -MAX_PEN_VALUE, t: MAX_TIME_MS })).toBe('read');
    for (const name of ['x', 'y', 't', 'pressure'] as const) expect(add({ [name]: Number.NaN }), name).toBe(`u.txt:2: ${name} is not a finite number`);
    for (const name of ['x', 'y', 't', 'pressure', 'azimuth', 'altitude'] as const) {
      for (const v of [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) expect(add({ [name]: v }), `${name} ${v}`).toBe(`u.txt:2: ${name} is not a finite number`);
    }
    expect(add({ altitude: -2e7 })).toBe('u.txt:2: altitude is -20000000, beyond any pen value (at most 1e+7 in magnitude)');
    expect(add({ t: -(2 ** 54) })).toBe('u.txt:2: t is -18014398509481984, beyond any time in milliseconds (at most 2^53 in magnitude)');
  });

  it('keeps a JSON message to one line, whatever the file holds', () => {
    // V8 quoted the text around the error with its line ends (a pad that writes NaN, as Python's json.dumps does); a key could hold one too.
    const nan = '{"points": [\n {"x": 1, "y": 2, "t": 0},\n {"x": NaN, "y": 3, "t": 10}\n]}';
    const err = thrownBy(() => parsePenJson(nan, 'p.json'));
    expect(err).toBeInstanceOf(SignatureFormatError);
    expect(err.message).toMatch(/^p\.json: not valid JSON: Unexpected token 'N'/);
    expect(err.message).not.toMatch(/[\r\n]/);
    expect(() => parsePenJson('[{"x": 1, "y": 2, "t": 0, "pen\\ndown": 1}]', 'p.json')).toThrow(/^p\.json: point 1 \(counting from 1\): unknown key "pen\\ndown" \(accepted: /);
  });
});
