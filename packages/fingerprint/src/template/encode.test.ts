import { describe, expect, it } from 'vitest';
import { TemplateFormatError } from '@biofuse/core';
import { unsealedTemplate } from '@biofuse/core/testing';
import { decodeFingerprintTemplate, encodeFingerprintTemplate, FINGERPRINT_TEMPLATE_VERSION } from './encode';
import type { FingerprintTemplate } from './fingerprint-template';
import { MINUTIA_BIFURCATION, MINUTIA_ENDING, MINUTIA_OTHER, minutiaSet } from './minutiae';

const template: FingerprintTemplate = {
  width: 296,
  height: 560,
  dpi: 569,
  quality: 42,
  minutiae: minutiaSet([
    { x: 12.25, y: 301.7, angle: 0.123456, kind: MINUTIA_ENDING, quality: 80 },
    { x: 0, y: 559.9, angle: 6.2831, kind: MINUTIA_BIFURCATION, quality: 0 },
    { x: 295.5, y: 0.001, angle: Math.PI / 3, kind: MINUTIA_OTHER, quality: 100 },
  ]),
};

function expectSame(a: FingerprintTemplate, b: FingerprintTemplate): void {
  expect({ ...a, minutiae: undefined }).toEqual({ ...b, minutiae: undefined });
  expect(a.minutiae.count).toBe(b.minutiae.count);
  for (const k of ['x', 'y', 'angle', 'kind', 'quality'] as const) expect(Array.from(a.minutiae[k])).toEqual(Array.from(b.minutiae[k]));
}

/** As biofuse wrote templates before they were sealed: version 1, no checksum (still read, guarded by the decoder's own checks). */
const version1 = (t: FingerprintTemplate): Uint8Array => unsealedTemplate(encodeFingerprintTemplate(t), 4, 1);

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateFormatError);
    return (error as Error).message;
  }
  throw new Error('expected a TemplateFormatError');
}

describe('fingerprint template encoding', () => {
  it('round-trips exactly, starting with "BFFP" and the version byte', () => {
    const bytes = encodeFingerprintTemplate(template);
    expect(Array.from(bytes.subarray(0, 5))).toEqual([0x42, 0x46, 0x46, 0x50, FINGERPRINT_TEMPLATE_VERSION]);
    expect(bytes.length).toBe(18 + 3 * 14 + 4);
    expectSame(decodeFingerprintTemplate(bytes), template);
  });

  it('reads version-1 templates (no checksum), and refuses any changed bit of a version-2 one', () => {
    const sealed = encodeFingerprintTemplate(template);
    const old = version1(template);
    expectSame(decodeFingerprintTemplate(old), template);
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const flipped = sealed.slice();
      flipped[bit >> 3] ^= 1 << (bit & 7);
      expect(() => decodeFingerprintTemplate(flipped)).toThrow(TemplateFormatError);
    }
    // What version 1 could not see: one flipped bit (the lowest of x's exponent) moves a minutia from x 12.25 to 24.5.
    const moved = old.slice();
    moved[18 + 2] ^= 0x80;
    expect(decodeFingerprintTemplate(moved).minutiae.x[0]).toBe(24.5);
    const movedSealed = sealed.slice();
    movedSealed[18 + 2] ^= 0x80;
    expect(message(() => decodeFingerprintTemplate(movedSealed))).toBe(`fingerprint template damaged: its checksum does not match its ${sealed.length} bytes (changed or cut short since it was written)`);
  });

  it('reads from a view inside a larger buffer', () => {
    const bytes = encodeFingerprintTemplate(template);
    const big = new Uint8Array(bytes.length + 7);
    big.set(bytes, 3);
    expectSame(decodeFingerprintTemplate(big.subarray(3, 3 + bytes.length)), template);
  });

  it('round-trips a template with no minutiae (refusing those is the extractor\'s job)', () => {
    const empty: FingerprintTemplate = { ...template, minutiae: minutiaSet([]) };
    const bytes = encodeFingerprintTemplate(empty);
    expect(bytes.length).toBe(18 + 4);
    expectSame(decodeFingerprintTemplate(bytes), empty);
  });

  it('refuses a foreign magic number', () => {
    const bytes = encodeFingerprintTemplate(template);
    bytes[0] = 0x46;
    expect(message(() => decodeFingerprintTemplate(bytes))).toMatch(/bad magic/);
    expect(message(() => decodeFingerprintTemplate(new TextEncoder().encode('hello, this is text')))).toMatch(/bad magic/);
  });

  it('refuses a newer format version with an upgrade hint, and version 0', () => {
    const bytes = encodeFingerprintTemplate(template);
    bytes[4] = 3;
    expect(message(() => decodeFingerprintTemplate(bytes))).toBe(
      'fingerprint template format version 3 is newer than this build of biofuse reads (2); upgrade @biofuse/fingerprint',
    );
    // Even when a newer layout would be too short for ours.
    expect(message(() => decodeFingerprintTemplate(bytes.subarray(0, 5)))).toMatch(/version 3 is newer/);
    bytes[4] = 0;
    expect(message(() => decodeFingerprintTemplate(bytes))).toMatch(/version 0 is not valid/);
  });

  it('refuses truncation at every length, saying how many bytes were expected', () => {
    const sealed = encodeFingerprintTemplate(template);
    for (let n = 0; n < sealed.length; n++) expect(message(() => decodeFingerprintTemplate(sealed.subarray(0, n)))).toMatch(/truncated|damaged: its checksum does not match/);
    // Version 1's own checks.
    const bytes = version1(template);
    for (let n = 0; n < bytes.length; n++) expect(message(() => decodeFingerprintTemplate(bytes.subarray(0, n)))).toMatch(/truncated/);
    expect(message(() => decodeFingerprintTemplate(bytes.subarray(0, 10)))).toBe('fingerprint template truncated: 10 bytes, the header needs 18');
    expect(message(() => decodeFingerprintTemplate(bytes.subarray(0, 50)))).toBe(
      'fingerprint template truncated: 50 bytes, a template of 3 minutiae needs 60',
    );
  });

  it('refuses trailing garbage', () => {
    expect(message(() => decodeFingerprintTemplate(Uint8Array.from([...encodeFingerprintTemplate(template), 0, 0])))).toMatch(/damaged: its checksum does not match/);
    const longer = Uint8Array.from([...version1(template), 0, 0]);
    expect(message(() => decodeFingerprintTemplate(longer))).toMatch(/2 trailing bytes/);
  });

  // The decoder's own checks, on version-1 bytes (which nothing else guards).
  it('refuses out-of-range fields inside an otherwise well-formed template', () => {
    const kind = version1(template);
    kind[18 + 3 * 12] = 7;
    expect(message(() => decodeFingerprintTemplate(kind))).toMatch(/unknown kind 7/);
    const nan = version1(template);
    new DataView(nan.buffer).setFloat32(18, Number.NaN, true);
    expect(message(() => decodeFingerprintTemplate(nan))).toMatch(/non-finite number at byte 18/);
    expect(() => encodeFingerprintTemplate({ ...template, width: -1 })).toThrow(TemplateFormatError);
    // Resolutions no sensor has, and frames with no area, scored 0 against everything: refused both ways.
    for (const dpi of [1e30, 1e-30, 5000]) {
      const odd = version1(template);
      new DataView(odd.buffer).setFloat32(10, dpi, true);
      expect(message(() => decodeFingerprintTemplate(odd))).toMatch(/no fingerprint sensor's resolution/);
      expect(message(() => encodeFingerprintTemplate({ ...template, dpi }))).toMatch(/no fingerprint sensor's/);
    }
    const flat = version1(template);
    new DataView(flat.buffer).setUint16(8, 0, true);
    expect(message(() => decodeFingerprintTemplate(flat))).toMatch(/image size \d+ x 0 has no area/);
  });

  it('refuses to encode what it could not decode, so no gallery stores an unreadable template', () => {
    const withMinutia = (change: Partial<{ x: number; kind: number; quality: number }>) => {
      const m = template.minutiae;
      const x = Float32Array.from(m.x);
      const kind = Uint8Array.from(m.kind);
      const quality = Uint8Array.from(m.quality);
      if (change.x !== undefined) x[1] = change.x;
      if (change.kind !== undefined) kind[1] = change.kind;
      if (change.quality !== undefined) quality[1] = change.quality;
      return { ...template, minutiae: { ...m, x, kind, quality } };
    };
    expect(message(() => encodeFingerprintTemplate(withMinutia({ x: Number.NaN })))).toMatch(/minutia 1 at a position or angle that is not a finite number/);
    expect(message(() => encodeFingerprintTemplate(withMinutia({ kind: 9 })))).toMatch(/minutia 1 of unknown kind 9/);
    expect(message(() => encodeFingerprintTemplate(withMinutia({ quality: 101 })))).toMatch(/minutia 1 of quality 101/);
    expect(message(() => encodeFingerprintTemplate(withMinutia({ x: 1e39 })))).toMatch(/minutia 1 at a position or angle that is not a finite number/); // float64 beyond float32
    expect(message(() => encodeFingerprintTemplate(withMinutia({ x: 296 })))).toMatch(/minutia 1 at \(296, 559\.9\d*\) lies outside the 296 x 560 image/);
    const m = template.minutiae;
    expect(message(() => encodeFingerprintTemplate({ ...template, minutiae: { ...m, count: -1 } }))).toMatch(/a minutia count of -1/);
    expect(message(() => encodeFingerprintTemplate({ ...template, minutiae: { ...m, count: 1.5 } }))).toMatch(/a minutia count of 1\.5/);
    expect(message(() => encodeFingerprintTemplate({ ...template, minutiae: { ...m, kind: m.kind.slice(0, 2) } }))).toMatch(/3 minutiae but 2 values of kind/);
  });

  it('refuses minutiae outside the image or angles outside [0, 2 pi], which decoded and scored as a normal template', () => {
    const bytes = version1(template);
    const view = (b: Uint8Array) => new DataView(b.buffer);
    const far = bytes.slice();
    view(far).setFloat32(18, 1e30, true);
    expect(message(() => decodeFingerprintTemplate(far))).toMatch(/minutia 0 at \(1\.00000001504746\d*e\+30, 301\.7\d*\) lies outside the 296 x 560 image \(corrupt\)/);
    const narrow = bytes.slice();
    view(narrow).setUint16(6, 200, true); // one flipped bit in the width moves the frame under the minutiae
    expect(message(() => decodeFingerprintTemplate(narrow))).toMatch(/minutia 2 at \(295\.5, .*\) lies outside the 200 x 560 image/);
    for (const angle of [100, -1, 7]) {
      const turned = bytes.slice();
      view(turned).setFloat32(18 + 2 * 4 * 3, angle, true);
      expect(message(() => decodeFingerprintTemplate(turned))).toMatch(new RegExp(`minutia 0 has angle ${angle}, outside \\[0, 2 pi\\]`));
    }
    // The edges themselves are kept: a position half a pixel before the first, an angle of float32 2 pi.
    const edge = { ...template, minutiae: minutiaSet([{ x: -0.4, y: 559.99, angle: 0, kind: MINUTIA_ENDING, quality: 50 }]) };
    const twoPi = version1(edge);
    view(twoPi).setFloat32(18 + 2 * 4, 2 * Math.PI, true);
    expect(decodeFingerprintTemplate(twoPi).minutiae.angle[0]).toBeCloseTo(2 * Math.PI, 6);
  });
});
