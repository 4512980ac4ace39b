import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TemplateFormatError } from '@biofuse/core';
import { sharedDataset } from '@biofuse/core/testing';
import type { FingerprintTemplate } from './fingerprint-template';
import { readIsoRecord, readIsoTemplate, writeIsoTemplate } from './iso19794-2';
import { MINUTIA_BIFURCATION, MINUTIA_ENDING, MINUTIA_OTHER, minutiaList, minutiaSet } from './minutiae';

/** A two-minutia record written byte by byte from the standard's layout. */
function handBuilt(): Uint8Array {
  // prettier-ignore
  return Uint8Array.from([
    0x46, 0x4d, 0x52, 0x00, 0x20, 0x32, 0x30, 0x00, // "FMR\0" " 20\0"
    0x00, 0x00, 0x00, 0x2c,                         // record length 44
    0x00, 0x00,                                     // capture equipment
    0x01, 0x2c, 0x01, 0x90,                         // 300 x 400
    0x00, 0xe0, 0x00, 0xe0,                         // 224 px/cm = 569 dpi
    0x01, 0x00,                                     // 1 view, reserved
    0x03, 0x12, 0x3c, 0x02,                         // finger 3, view 1, impression 2, quality 60, 2 minutiae
    0x40 | 0x01, 0x02, 0x00, 0x64, 0x40, 0x50,      // ending at (258, 100), 64 * 360/256 = 90 deg, quality 80
    0x80, 0x0a, 0xc1, 0x2c, 0x80, 0x00,             // bifurcation at (10, 300) with a reserved y bit set, 180 deg
    0x00, 0x02, 0xab, 0xcd,                         // 2 bytes of extended data
  ]);
}

function formatError(fn: () => unknown): TemplateFormatError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateFormatError);
    return error as TemplateFormatError;
  }
  throw new Error('expected a TemplateFormatError');
}

describe('readIsoRecord / readIsoTemplate', () => {
  it('reads a hand-built record field by field', () => {
    const record = readIsoRecord(handBuilt());
    expect(record).toMatchObject({ width: 300, height: 400, xResolutionPpcm: 224, yResolutionPpcm: 224, dpi: 569, captureEquipment: 0 });
    expect(record.views).toHaveLength(1);
    const v = record.views[0];
    expect(v).toMatchObject({ fingerPosition: 3, viewNumber: 1, impressionType: 2, quality: 60 });
    expect(Array.from(v.extendedData)).toEqual([0xab, 0xcd]);
    const [a, b] = minutiaList(v.minutiae);
    expect(a).toMatchObject({ x: 258, y: 100, kind: MINUTIA_ENDING, quality: 80 });
    expect(a.angle).toBeCloseTo(Math.PI / 2, 6);
    expect(b).toMatchObject({ x: 10, y: 300, kind: MINUTIA_BIFURCATION, quality: 0 });
    expect(b.angle).toBeCloseTo(Math.PI, 6);

    const t = readIsoTemplate(handBuilt());
    expect(t).toMatchObject({ width: 300, height: 400, dpi: 569, quality: 60 });
    expect(t.minutiae.count).toBe(2);
  });

  it('stretches a record whose y resolution differs onto square pixels at the x resolution', () => {
    const halfY = handBuilt();
    halfY.set([0x00, 0x70], 20); // y: 112 px/cm, half the x resolution
    const t = readIsoTemplate(halfY);
    expect(t).toMatchObject({ width: 300, height: 800, dpi: 569 });
    const [a, b] = minutiaList(t.minutiae);
    expect([a.x, a.y, b.x, b.y]).toEqual([258, 200, 10, 600]);
    // A vertical direction stays vertical; the record itself is untouched.
    expect(a.angle).toBeCloseTo(Math.PI / 2, 6);
    expect(readIsoRecord(halfY).views[0].minutiae.y[0]).toBe(100);
    // Not stated (0): taken as square.
    const unstated = handBuilt();
    unstated.set([0x00, 0x00], 20);
    expect(readIsoTemplate(unstated).height).toBe(400);
  });

  it('refuses records that describe no print: no image area, a resolution no sensor has, minutiae outside the image', () => {
    const noArea = handBuilt();
    noArea.set([0x00, 0x00], 14); // width 0
    expect(formatError(() => readIsoTemplate(noArea)).message).toMatch(/image size 0 x 400 at byte 14 has no area/);
    const blurry = handBuilt();
    blurry.set([0x00, 0x01, 0x00, 0x01], 18); // 1 pixel per cm
    expect(formatError(() => readIsoTemplate(blurry)).message).toMatch(/x resolution of 1 pixels per cm \(3 dpi\) at byte 18 is no fingerprint sensor's/);
    // The y resolution too: 65535 px/cm squeezed the print (a self-comparison scored 0.0045), 1 px/cm made it 78,800 px tall.
    for (const [bytes, dpi] of [[[0xff, 0xff], 166459], [[0x00, 0x01], 3]] as const) {
      const y = handBuilt();
      y.set(bytes, 20);
      expect(formatError(() => readIsoTemplate(y)).message).toMatch(new RegExp(`y resolution of \\d+ pixels per cm \\(${dpi} dpi\\) at byte 20 is no fingerprint sensor's`));
    }
    const outside = handBuilt();
    outside.set([0x41, 0x5e], 28); // first minutia at x = 350 in a 300-wide image
    expect(formatError(() => readIsoTemplate(outside)).message).toMatch(/minutia 0 at \(350, 100\) lies outside the 300 x 400 image/);
    // The record itself still parses, field by field, for whoever wants to look at it.
    expect(readIsoRecord(outside).views[0].minutiae.x[0]).toBe(350);
  });

  it('reads two views, and refuses to make one template of them', () => {
    const one = handBuilt();
    const viewBytes = one.subarray(24);
    const two = new Uint8Array(24 + 2 * viewBytes.length);
    two.set(one.subarray(0, 24));
    two.set(viewBytes, 24);
    two.set(viewBytes, 24 + viewBytes.length);
    two[22] = 2;
    two[24 + viewBytes.length] = 7; // second view: finger 7
    two[24 + viewBytes.length + 3] = 1; // one minutia only...
    const shorter = Uint8Array.from([...two.subarray(0, 24 + viewBytes.length + 4 + 6), 0x00, 0x00]);
    new DataView(shorter.buffer).setUint32(8, shorter.length);
    const record = readIsoRecord(shorter);
    expect(record.views.map((v) => [v.fingerPosition, v.minutiae.count])).toEqual([[3, 2], [7, 1]]);
    // Taking the first silently compared finger 3 when finger 7 was meant: refused, naming both.
    expect(formatError(() => readIsoTemplate(shorter)).message).toMatch(/2 finger views \(finger 3 view 1, finger 7 view 1\); a biofuse template holds one print/);
  });

  it('refuses a bad magic, another version, zero and wrong lengths, naming the byte', () => {
    const bad = handBuilt();
    bad[0] = 0x41;
    expect(formatError(() => readIsoTemplate(bad)).message).toMatch(/byte 0.*FMR/);
    const v030 = handBuilt();
    v030.set([0x30, 0x33, 0x30, 0x00], 4);
    expect(formatError(() => readIsoTemplate(v030)).message).toMatch(/byte 4: version "030"/);
    expect(formatError(() => readIsoTemplate(v030)).message).toMatch(/ISO\/IEC 19794-2:2011, newer than the 2005 records/);
    expect(formatError(() => readIsoTemplate(new Uint8Array(0))).message).toMatch(/empty/);
    const zero = handBuilt();
    zero.set([0, 0, 0, 0], 8);
    expect(formatError(() => readIsoTemplate(zero)).message).toMatch(/length at byte 8 is 0/);
    const trailing = Uint8Array.from([...handBuilt(), 0]);
    expect(formatError(() => readIsoTemplate(trailing)).message).toMatch(/trailing/);
    const noViews = Uint8Array.from([...handBuilt().subarray(0, 24)]);
    noViews[11] = 24;
    noViews[22] = 0;
    expect(readIsoRecord(noViews).views).toEqual([]);
    expect(formatError(() => readIsoTemplate(noViews)).message).toMatch(/view count at byte 22 is 0/);
  });

  it('names an ANSI/INCITS 378 record (same magic and version, 2-byte length) instead of calling it truncated', () => {
    // ANSI 378-2004: length 2 bytes, CBEFF product id 4, then the fields ISO has from byte 12 on (26-byte header).
    const iso = handBuilt();
    const ansi = Uint8Array.from([...iso.subarray(0, 8), 0x00, 0x2e, 0x00, 0x33, 0x00, 0x01, ...iso.subarray(12)]);
    expect(ansi.length).toBe(46);
    const failure = formatError(() => readIsoTemplate(ansi));
    expect(failure.message).toMatch(/the 2 bytes at byte 8 give the record's length \(46\), the ANSI\/INCITS 378 layout/);
    expect(failure.message).not.toMatch(/truncated/);
  });

  it('refuses a minutia count beyond the data and out-of-range qualities', () => {
    const many = handBuilt();
    many[27] = 9;
    expect(formatError(() => readIsoTemplate(many)).message).toMatch(/declares 9 minutiae at byte 27/);
    const q = handBuilt();
    q[26] = 101;
    expect(formatError(() => readIsoTemplate(q)).message).toMatch(/byte 26 is 101/);
    const ext = handBuilt();
    ext[41] = 3; // extended data says 3 bytes, 2 follow
    expect(formatError(() => readIsoTemplate(ext)).message).toMatch(/extended data/);
  });

  it('throws TemplateFormatError, never anything else, for every truncation', () => {
    const whole = handBuilt();
    for (let n = 0; n < whole.length; n++) {
      const cut = whole.slice(0, n);
      formatError(() => readIsoTemplate(cut));
      // Also with the length field agreeing with the cut, so the parser itself runs short.
      if (n >= 12) {
        new DataView(cut.buffer).setUint32(8, n);
        formatError(() => readIsoTemplate(cut));
      }
    }
  });
});

describe('writeIsoTemplate', () => {
  const t: FingerprintTemplate = {
    width: 388,
    height: 374,
    dpi: 500,
    quality: 73,
    minutiae: minutiaSet([
      { x: 12.4, y: 370.6, angle: 0.1, kind: MINUTIA_ENDING, quality: 55 },
      { x: 200, y: 0, angle: 6.27, kind: MINUTIA_BIFURCATION, quality: 0 },
      { x: 387, y: 150.2, angle: Math.PI, kind: MINUTIA_OTHER, quality: 100 },
    ]),
  };

  it('round-trips within quantisation (1 pixel, 360/256 degrees)', () => {
    const back = readIsoTemplate(writeIsoTemplate(t));
    expect(back).toMatchObject({ width: 388, height: 374, dpi: 500, quality: 73 });
    const before = minutiaList(t.minutiae);
    const after = minutiaList(back.minutiae);
    expect(after).toHaveLength(3);
    after.forEach((m, i) => {
      expect(Math.abs(m.x - before[i].x)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(m.y - before[i].y)).toBeLessThanOrEqual(0.5);
      const d = Math.abs(m.angle - before[i].angle);
      expect(Math.min(d, 2 * Math.PI - d)).toBeLessThanOrEqual(Math.PI / 256 + 1e-6);
      expect(m.kind).toBe(before[i].kind);
      expect(m.quality).toBe(before[i].quality);
    });
    expect(readIsoTemplate(writeIsoTemplate({ ...t, dpi: 569 })).dpi).toBe(569);
  });

  it('writes the ends of the sensor range as px/cm that read back inside it', () => {
    // The nearest px/cm read back outside: 4000 dpi -> 1575 -> 4001 dpi, 100 -> 39 -> 99.
    const at = (dpi: number) => readIsoRecord(writeIsoTemplate({ ...t, dpi }));
    expect(at(4000)).toMatchObject({ xResolutionPpcm: 1574, yResolutionPpcm: 1574, dpi: 3998 });
    expect(at(100)).toMatchObject({ xResolutionPpcm: 40, yResolutionPpcm: 40, dpi: 102 });
    expect(readIsoTemplate(writeIsoTemplate({ ...t, dpi: 4000 })).dpi).toBe(3998);
    expect(readIsoTemplate(writeIsoTemplate({ ...t, dpi: 100 })).dpi).toBe(102);
    for (const dpi of [99, 4001, Number.NaN]) expect(() => writeIsoTemplate({ ...t, dpi })).toThrow(/no fingerprint sensor's resolution/);
  });

  it('writes the fields it is given and rereads its own output byte for byte', () => {
    const bytes = writeIsoTemplate(t, { fingerPosition: 2, impressionType: 1, viewNumber: 3 });
    expect(readIsoRecord(bytes).views[0]).toMatchObject({ fingerPosition: 2, impressionType: 1, viewNumber: 3 });
    expect(Array.from(writeIsoTemplate(readIsoTemplate(bytes), { fingerPosition: 2, impressionType: 1, viewNumber: 3 }))).toEqual(Array.from(bytes));
    expect(Array.from(writeIsoTemplate(readIsoTemplate(handBuilt())).subarray(0, 24))).toEqual(
      Array.from(handBuilt().subarray(0, 24)).map((b, i) => (i === 11 ? 42 : b)),
    );
  });

  it('refuses what the format cannot hold instead of clipping it', () => {
    const many = minutiaSet(Array.from({ length: 256 }, () => ({ x: 1, y: 1, angle: 0, kind: MINUTIA_ENDING, quality: 0 }) as const));
    expect(() => writeIsoTemplate({ ...t, minutiae: many })).toThrow(/at most 255/);
    const negative = minutiaSet([{ x: -3, y: 1, angle: 0, kind: MINUTIA_ENDING, quality: 0 }]);
    expect(() => writeIsoTemplate({ ...t, minutiae: negative })).toThrow(TemplateFormatError);
    expect(() => writeIsoTemplate({ ...t, width: 70000 })).toThrow(/width/);
    // Each of these was written, then refused by the reader or silently changed.
    const one = (m: Partial<{ x: number; y: number; angle: number; kind: number; quality: number }>) => {
      const set = minutiaSet([{ x: 10, y: 10, angle: 1, kind: MINUTIA_ENDING, quality: 50 }]);
      return { ...t, minutiae: { ...set, x: Float32Array.of(m.x ?? 10), y: Float32Array.of(m.y ?? 10), angle: Float32Array.of(m.angle ?? 1), kind: Uint8Array.of(m.kind ?? 1), quality: Uint8Array.of(m.quality ?? 50) } };
    };
    expect(() => writeIsoTemplate(one({ x: 1000 }))).toThrow(/lies outside the 388 x 374 image/);
    expect(() => writeIsoTemplate(one({ angle: Number.NaN }))).toThrow(/angle NaN is not a finite number/);
    expect(() => writeIsoTemplate(one({ kind: 7 }))).toThrow(/kind 7 is unknown/);
    expect(() => writeIsoTemplate(one({ quality: 200 }))).toThrow(/quality 200 is above 100/);
    for (const quality of [150, -5, Number.NaN, 7.5]) expect(() => writeIsoTemplate({ ...t, quality })).toThrow(/template quality/);
    expect(() => writeIsoTemplate({ ...t, height: 0 })).toThrow(/no area/);
    // Positions within the image round onto its pixels, so the reader takes them back.
    const edge = readIsoTemplate(writeIsoTemplate(one({ x: 387.6, y: -0.4 })));
    expect([edge.minutiae.x[0], edge.minutiae.y[0]]).toEqual([387, 0]);
  });
});

const DATABASES = ['DB1_B', 'DB2_B', 'DB3_B', 'DB4_B'];

for (const [name, relative] of [
  ['FVC2002', 'fvc2002/iso-templates'],
  ['FVC2004', 'fvc2004-iso-templates'],
] as const) {
  const data = sharedDataset(relative);
  describe.skipIf(data.skip)(`${name} ISO records from a commercial SDK`, () => {
    it('parses every record, with minutiae inside the declared image', () => {
      let records = 0;
      for (const db of DATABASES) {
        const files = readdirSync(join(data.path, db)).filter((f) => f.endsWith('.iso'));
        expect(files).toHaveLength(80);
        for (const f of files) {
          const bytes = readFileSync(join(data.path, db, f));
          const t = readIsoTemplate(bytes);
          // The SDK writes every database, DB2's 569 dpi images included, as 300 x 400 at
          // 197 px/cm: its coordinates are in a resampled frame, not the original image's.
          expect(t).toMatchObject({ width: 300, height: 400, dpi: 500, quality: 0 });
          expect(t.minutiae.count).toBeGreaterThan(5);
          for (let i = 0; i < t.minutiae.count; i++) {
            expect(t.minutiae.x[i]).toBeLessThan(t.width);
            expect(t.minutiae.y[i]).toBeLessThan(t.height);
            expect([MINUTIA_ENDING, MINUTIA_BIFURCATION]).toContain(t.minutiae.kind[i]);
          }
          // Their writer and ours agree byte for byte.
          expect(Buffer.from(writeIsoTemplate(t)).equals(bytes)).toBe(true);
          records++;
        }
      }
      expect(records).toBe(320);
    });
  });
}
