import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataset, thrownBy } from '@biofuse/core/testing';
import { SignatureAcquisitionError, SignatureFormatError } from '../src/errors';
import { checkUsableTrajectory } from '../src/pen-trajectory';
import { parseMcytFpg } from '../src/read/mcyt-fpg';
import { parsePenCsv, parsePenJson } from '../src/read/pen-points';
import { parseSignatureBytes, readSignature } from '../src/read/read-signature';
import { parseSvc2004 } from '../src/read/svc2004-text';

const enc = (s: string) => new TextEncoder().encode(s);
const svc = (rows: string[]) => enc(`${rows.length}\n${rows.join('\n')}\n`);

describe('SVC2004 text', () => {
  it('reads the seven columns, pen-up samples included', () => {
    const p = parseSignatureBytes(svc(['10 20 1000 0 1300 450 0', '11 21 1010 1 1300 450 80', '13 22 1020 1 1310 440 95']), 'u.txt');
    expect(Array.from(p.x)).toEqual([10, 11, 13]);
    expect(Array.from(p.penDown)).toEqual([0, 1, 1]);
    expect(Array.from(p.pressure)).toEqual([0, 80, 95]);
    expect(p.azimuth[2]).toBe(1310);
  });

  it('reads Task 1 files (no pressure) with pressure 1 while the pen is down', () => {
    const p = parseSignatureBytes(svc(['1 2 0 1', '2 3 10 1', '3 4 20 0']), 't1.txt');
    expect(Array.from(p.pressure)).toEqual([1, 1, 0]);
    expect(Number.isNaN(p.altitude[0])).toBe(true);
  });

  it('names the file and line of every problem', () => {
    const cases: [Uint8Array, RegExp][] = [
      [svc(['1 2 0 1 0 0 5', '1 2 10 1 0 0']), /u\.txt:3: expected 7 columns/],
      [svc(['1 2 0 1 0 0 5', '1 x 10 1 0 0 5']), /u\.txt:3: column 2 is not a number/],
      [svc(['1 2 0 1 0 0 5', '1 2 10 1 0 0 -3']), /u\.txt:3: pressure is negative/],
      [svc(['1 2 500 1 0 0 5', '1 2 100 1 0 0 5']), /u\.txt:3: timestamp 100 goes back 400 ms/],
      [enc('3\n1 2 0 1 0 0 5\n'), /u\.txt:1: the header announces 3 points but 1 follow/],
      [enc('\u0089PNG not a signature'), /u\.txt:1: not a signature file/],
    ];
    for (const [bytes, message] of cases) {
      expect(() => parseSignatureBytes(bytes, 'u.txt')).toThrow(SignatureFormatError);
      expect(() => parseSignatureBytes(bytes, 'u.txt')).toThrow(message);
    }
  });

  it('tells an image or another binary file from a signature', () => {
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]);
    const tiff = Uint8Array.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]);
    expect(() => parseSignatureBytes(jpeg, 'u.txt')).toThrow('u.txt: not a signature file: a JPEG image');
    // Even named .fpg: the bytes decide.
    expect(() => parseSignatureBytes(tiff, 'u.fpg')).toThrow('u.fpg: not a signature file: a TIFF image');
    // Binary, the size of an .fpg, but its values are not pen samples (negative pressure in sample 2).
    const junk = new Uint8Array(60 + 3 * 20);
    new DataView(junk.buffer).setFloat32(60 + 20 + 8, -7, true);
    expect(() => parseSignatureBytes(junk, 'u.bin')).toThrow(/^u\.bin: not a signature file: binary, and not an MCYT \.fpg either \(sample 2 \(counting from 1, at byte 80\): pressure is negative/);
    expect(() => parseSignatureBytes(new Uint8Array(61), 'u.bin')).toThrow(/not an MCYT \.fpg either \(61 bytes: too short/);
  });

  it('decides the format from the bytes, not the name, and knows the other binaries biofuse handles', () => {
    // An SVC2004 text file called .fpg is read as text (as MCYT floats its characters gave a "signature" that verified).
    const text = svc(['1 2 0 1 0 0 5', '2 3 10 1 0 0 5', '3 5 20 1 0 0 5']);
    expect(Array.from(parseSignatureBytes(text, 'u.fpg').x)).toEqual([1, 2, 3]);
    const iso = new Uint8Array(60 + 3 * 20);
    iso.set([0x46, 0x4d, 0x52, 0]);
    expect(() => parseSignatureBytes(iso, 'u.fpg')).toThrow('u.fpg: not a signature file: an ISO/IEC 19794-2 fingerprint minutiae record');
    const template = new Uint8Array(60 + 3 * 20);
    template.set(enc('BFSG'));
    expect(() => parseSignatureBytes(template, 'u.fpg')).toThrow(/a biofuse signature template/);
    // Other bytes of an .fpg's size: values no tablet gives (a denormal here) are refused.
    const garbage = new Uint8Array(60 + 3 * 20).fill(1);
    expect(() => parseSignatureBytes(garbage, 'u.fpg')).toThrow(/not an MCYT \.fpg either \(sample 1 \(counting from 1, at byte 60\): x is [0-9.e-]+, not a plausible pen value/);
  });

  it('refuses values Number() would take but a recording never holds', () => {
    const cases: [Uint8Array, RegExp][] = [
      // One infinite azimuth zeroed the whole azimuth function and flipped decisions.
      [svc(['1 2 0 1 0 0 5', '1 2 10 1 Infinity 0 5']), /u\.txt:3: column 5 is not a number: "Infinity"/],
      // Beyond the largest double, Number() read it as Infinity.
      [svc(['1 2 0 1 0 0 5', '1 2 10 1 1e400 0 5']), /u\.txt:3: column 5 is beyond the largest number \(about ±1\.8e308\): "1e400"/],
      [svc(['1 2 0 1 0 0 5', '0x10 2 10 1 0 0 5']), /u\.txt:3: column 1 is not a number: "0x10"/],
      [svc(['1 2 0 1 0 0 5', '1 2 10 -1 0 0 5']), /u\.txt:3: BUTTON must be a whole number, 0 for pen up, got -1/],
      [enc('{"points": [{"x": 1, "y": 2, "t": 0, "penDown": "true"}]}'), /u\.txt: point 1 \(counting from 1\): "penDown" must be true, false, 1 or 0, got "true"/],
      [enc('{"points": [{"x": 1, "y": 2, "t": 0, "altitude": 1e400}]}'), /u\.txt: point 1 \(counting from 1\): altitude is not a finite number/],
      [enc('x,y,t,x\n1,2,0,3\n'), /u\.txt:1: the header names "x" twice/],
      [enc('x,y,t\n\n1,2,0\n\n1, ,10\n'), /u\.txt:5: y is not a number/],
      [enc('x,y,t,pen_down\n1,2,0,2\n'), /u\.txt:2: pen_down must be 0 or 1, got 2/],
    ];
    for (const [bytes, message] of cases) expect(() => parseSignatureBytes(bytes, 'u.txt')).toThrow(message);
    const buf = new ArrayBuffer(60 + 2 * 20);
    const view = new DataView(buf);
    [1, 2, 50, Number.POSITIVE_INFINITY, 60, 2, 3, 50, 10, 60].forEach((v, i) => view.setFloat32(60 + 4 * i, v, true));
    expect(() => parseSignatureBytes(new Uint8Array(buf), 'a.fpg')).toThrow(/^a\.fpg: not a signature file: binary, and not an MCYT \.fpg either \(sample 1 \(counting from 1, at byte 60\): azimuth is Infinity, not a plausible pen value/);
    // Read as MCYT directly: a sample has no line, so none is claimed (it used to report the sample number as line 1).
    const direct = thrownBy(() => parseMcytFpg(new Uint8Array(buf), 'a.fpg')) as SignatureFormatError;
    expect(direct).toBeInstanceOf(SignatureFormatError);
    expect(direct.line).toBeUndefined();
    expect(direct.message).toBe('a.fpg: sample 1 (counting from 1, at byte 60): azimuth is Infinity, not a plausible pen value');
  });

  it('skips blank lines before the header, and counts them in line numbers', () => {
    const p = parseSignatureBytes(enc('\n\n2\n1 2 0 1 0 0 5\n2 3 10 1 0 0 5\n'), 'b.txt');
    expect(Array.from(p.x)).toEqual([1, 2]);
    expect(() => parseSignatureBytes(enc('\n2\n1 2 0 1 0 0 5\n2 z 10 1 0 0 5\n'), 'b.txt')).toThrow(/b\.txt:4: column 2 is not a number/);
  });

  it('repairs small clock glitches and says so', () => {
    const p = parseSignatureBytes(svc(['1 2 100 1 0 0 5', '1 3 110 1 0 0 5', '1 4 102 1 0 0 5', '1 5 120 1 0 0 5']), 'g.txt');
    expect(Array.from(p.t)).toEqual([100, 110, 110, 120]);
    expect(p.warnings[0]).toMatch(/line 4: timestamp 102 is 8 ms before/);
  });

  it('refuses empty, one-point and pen-up-only signatures', async () => {
    await expect(readSignature(new Uint8Array(0))).rejects.toThrow(SignatureFormatError);
    await expect(readSignature(svc([]))).rejects.toThrow(/no points/);
    await expect(readSignature(svc(['1 2 0 1 0 0 5']))).rejects.toThrow(SignatureAcquisitionError);
    await expect(readSignature(svc(['1 2 0 0 0 0 0', '2 2 10 0 0 0 0']))).rejects.toThrow(/0 pen-down/);
    await expect(readSignature('/nonexistent/U1S1.TXT')).rejects.toThrow(/cannot read/);
  });

  it('says "signature bytes" for bytes without a path, not a made-up file name', async () => {
    // Messages read "<memory>:3: column 2 ..." when a pad's bytes came in through load(bytes).
    const bad = svc(['1 2 0 1 0 0 5', '1 x 10 1 0 0 5']);
    const err = thrownBy(() => parseSignatureBytes(bad)) as SignatureFormatError;
    expect(err.message).toBe('signature bytes, line 3: column 2 is not a number: "x"');
    expect([err.path, err.line, err.detail]).toEqual([undefined, 3, 'column 2 is not a number: "x"']);
    await expect(readSignature(bad)).rejects.toThrow(/^signature bytes, line 3: column 2 is not a number/);
    await expect(readSignature(bad, { path: 'pad.txt' })).rejects.toThrow(/^pad\.txt:3: column 2 is not a number/);
    await expect(readSignature(new Uint8Array(0))).rejects.toThrow(/^signature bytes: empty file$/);
    await expect(readSignature(svc(['1 2 0 0 0 0 0', '2 2 10 0 0 0 0']))).rejects.toThrow(/^signature bytes: 0 pen-down point\(s\)/);
    expect(() => parsePenJson('[{"x": 1}]')).toThrow(/^signature bytes: point 1 \(counting from 1\): "y" must be a number$/);
    expect(() => parseMcytFpg(new Uint8Array(10))).toThrow(/^signature bytes: 10 bytes: too short/);
  });
});

describe('MCYT .fpg', () => {
  it('reads float32 samples after the 60-byte header', () => {
    const n = 3;
    const buf = new ArrayBuffer(60 + n * 20);
    const view = new DataView(buf);
    for (let k = 0; k < n; k++) [k, 2 * k, k === 1 ? 0 : 100, 45, 60].forEach((v, c) => view.setFloat32(60 + k * 20 + c * 4, v, true));
    const p = parseSignatureBytes(new Uint8Array(buf), 'a.fpg');
    expect(Array.from(p.y)).toEqual([0, 2, 4]);
    expect(Array.from(p.t)).toEqual([0, 10, 20]);
    expect(Array.from(p.penDown)).toEqual([1, 0, 1]);
    expect(() => parseSignatureBytes(new Uint8Array(buf).slice(0, 60 + 30), 'a.fpg')).toThrow(/not a whole number of 20-byte samples/);
    expect(() => parseSignatureBytes(new Uint8Array(10), 'a.fpg')).toThrow(/too short/);
  });
});

describe('JSON and CSV pen points', () => {
  it('reads what a signature pad posts', () => {
    const j = parseSignatureBytes(enc(JSON.stringify({ points: [{ x: 1, y: 2, t: 0 }, { x: 2, y: 3, t: 16, pressure: 0.5 }] })), 'p.json');
    expect(Array.from(j.pressure)).toEqual([1, 0.5]);
    const c = parseSignatureBytes(enc('x,y,t,pressure,pen_down\n1,2,0,0.3,1\n2,3,16,0,0\n'), 'p.csv');
    expect(Array.from(c.penDown)).toEqual([1, 0]);
    expect(() => parseSignatureBytes(enc('{"points": [{"x": 1, "y": "a", "t": 0}]}'), 'p.json')).toThrow(/p\.json: point 1 \(counting from 1\): "y" must be a number/);
    expect(() => parseSignatureBytes(enc('x,y\n1,2\n'), 'p.csv')).toThrow(/must name "t"/);
    expect(() => parseSignatureBytes(enc('x,y,t\n1,2\n'), 'p.csv')).toThrow(/p\.csv:2: expected 3 columns/);
  });
});


describe('what the readers used to ignore or misread', () => {
  it('refuses CSV columns and JSON keys they do not know, naming the accepted ones', () => {
    // "penDown" (the JSON key) as a CSV column was ignored: the pen stayed down on every sample.
    expect(() => parseSignatureBytes(enc('x,y,t,penDown\n1,2,0,0\n3,4,10,1\n5,6,20,1\n'), 'p.csv')).toThrow(
      /^p\.csv:1: unknown column "penDown" in the header \(accepted: x, y, t, pressure, pen_down, azimuth, altitude\)$/,
    );
    // A typo dropped the pressure (1 while down, as if the pad had none).
    expect(() => parseSignatureBytes(enc('x,y,t,presure\n1,2,0,100\n3,4,10,110\n'), 'p.csv')).toThrow(/^p\.csv:1: unknown column "presure"/);
    // ... and "pen_down" (the CSV column) as a JSON key.
    const json = JSON.stringify([{ x: 1, y: 2, t: 0 }, { x: 1, y: 2, t: 10, pen_down: 0 }]);
    expect(() => parseSignatureBytes(enc(json), 'p.json')).toThrow(/^p\.json: point 2 \(counting from 1\): unknown key "pen_down" \(accepted: x, y, t, pressure, penDown, azimuth, altitude\)$/);
    // The accepted names still read, in any letter case for CSV.
    expect(Array.from(parseSignatureBytes(enc('X,Y,T,Pen_Down\n1,2,0,0\n3,4,10,1\n'), 'p.csv').penDown)).toEqual([0, 1]);
  });

  it('takes pen angles on every JSON point or on none', () => {
    // One point without azimuth zeroed the whole azimuth function of the other 39.
    const points = Array.from({ length: 40 }, (_, k) => ({ x: k, y: k % 7, t: 10 * k, azimuth: 900 + k, ...(k === 39 ? {} : { altitude: 400 }) }));
    expect(() => parseSignatureBytes(enc(JSON.stringify(points)), 'a.json')).toThrow(
      /^a\.json: point 40 \(counting from 1\): no "altitude", which point 1 gives: give the pen angles on every point or on none$/,
    );
    const late = [{ x: 1, y: 2, t: 0 }, { x: 2, y: 3, t: 10, azimuth: 5 }];
    expect(() => parseSignatureBytes(enc(JSON.stringify(late)), 'a.json')).toThrow(/point 2 \(counting from 1\): "azimuth", which point 1 does not give/);
    // A trajectory built in code meets the same rule when it is checked (at extraction).
    const p = parseSignatureBytes(enc(JSON.stringify(points.map(({ altitude: _, ...rest }) => rest))), 'a.json');
    expect(p.azimuth[39]).toBe(939);
    const azimuth = p.azimuth.slice();
    azimuth[2] = Number.NaN;
    const err = thrownBy(() => checkUsableTrajectory({ ...p, azimuth }, 'a.json'));
    expect(err).toBeInstanceOf(SignatureAcquisitionError);
    expect((err as SignatureAcquisitionError).reason).toBe('invalid_sample');
    expect(err.message).toBe('a.json: sample 3 has no azimuth but sample 1 has one; pen angles are given for every sample or for none');
  });

  it('names a JSON point by its place in the list, not by a line it is not on', () => {
    const text = JSON.stringify({ points: [{ x: 1, y: 2, t: 0 }, { x: 3, y: 4, t: 10 }, { x: '5', y: 4, t: 20 }] }, null, 2);
    const err = thrownBy(() => parseSignatureBytes(enc(text), 'pad.json'));
    expect(err.message).toBe('pad.json: point 3 (counting from 1): "x" must be a number');
    expect((err as SignatureFormatError).line).toBeUndefined();
    const glitch = parsePenJson(JSON.stringify([{ x: 1, y: 1, t: 0 }, { x: 2, y: 3, t: 10 }, { x: 3, y: 2, t: 5 }]), 'g.json');
    expect(glitch.warnings).toEqual(['point 3 (counting from 1): timestamp 5 is 5 ms before the previous one; held at 10']);
  });

  it('reports a CSV header problem on the header\'s own line', () => {
    const err = thrownBy(() => parsePenCsv('\n\n\nx,y\n1,2\n', 'pad.csv'));
    expect(err.message).toBe('pad.csv:4: header must name "t" (got x,y)');
    expect((err as SignatureFormatError).line).toBe(4);
    expect(() => parsePenCsv('\n\nx,y,t,x\n1,2,0,3\n', 'pad.csv')).toThrow(/^pad\.csv:3: the header names "x" twice/);
  });

  it('reads an SVC2004 count of digits only', () => {
    for (const count of ['0x3', '3.0', '1e0', '+3', '3 points']) {
      const text = `${count}\n1 2 0 1 10 20 100\n3 4 10 1 10 20 110\n5 7 20 1 10 20 120\n`;
      expect(() => parseSvc2004(text, 'a.txt'), count).toThrow(/^a\.txt:1: first line must be the point count \(digits only\)/);
    }
    expect(parseSvc2004('3\n1 2 0 1 10 20 100\n3 4 10 1 10 20 110\n5 7 20 1 10 20 120\n', 'a.txt').x.length).toBe(3);
  });

  it('reads text with a byte-order mark or any line ends, in every text parser', () => {
    const svcText = '3\n1 2 0 1 10 20 100\n3 4 10 1 10 20 110\n5 7 20 1 10 20 120\n';
    const csvText = 'x,y,t\n1,2,0\n3,4,10\n5,7,20\n';
    const jsonText = '[{"x": 1, "y": 2, "t": 0}, {"x": 3, "y": 4, "t": 10}, {"x": 5, "y": 7, "t": 20}]';
    for (const bom of ['', '\uFEFF']) {
      for (const end of ['\n', '\r\n', '\r']) {
        const at = JSON.stringify({ bom, end });
        expect(Array.from(parseSvc2004(bom + svcText.replace(/\n/g, end), 'a.txt').x), at).toEqual([1, 3, 5]);
        expect(Array.from(parsePenCsv(bom + csvText.replace(/\n/g, end), 'a.csv').x), at).toEqual([1, 3, 5]);
        expect(Array.from(parseSignatureBytes(enc(bom + svcText.replace(/\n/g, end)), 'a.txt').x), at).toEqual([1, 3, 5]);
      }
      expect(Array.from(parsePenJson(bom + jsonText, 'a.json').x)).toEqual([1, 3, 5]);
    }
    // A lone \r ends a line: line numbers count it.
    expect(() => parseSignatureBytes(enc('2\r1 2 0 1 0 0 5\r1 x 10 1 0 0 5\r'), 'u.txt')).toThrow(/^u\.txt:3: column 2 is not a number/);
  });
});

const svc2004 = sharedDataset('svc2004-task2');
describe.skipIf(svc2004.skip)('SVC2004 Task 2 files', () => {
  it('reads every one of the 1,600 signatures', async () => {
    let glitches = 0;
    for (let u = 1; u <= 40; u++) {
      for (let s = 1; s <= 40; s++) {
        const p = await readSignature(join(svc2004.path, `U${u}S${s}.TXT`));
        expect(p.x.length).toBeGreaterThanOrEqual(80);
        glitches += p.warnings.length;
      }
    }
    expect(glitches).toBe(13); // 13 files hold one backward clock step of 8-9 ms
  });
});
