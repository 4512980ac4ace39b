import { checkedSealLength, sealTemplate, TEMPLATE_CHECKSUM_BYTES, TemplateFormatError } from '@biofuse/core';
import { isSensorDpi, MAX_SENSOR_DPI, MIN_SENSOR_DPI } from '../image/fingerprint-image';
import type { FingerprintTemplate } from './fingerprint-template';
import { inFrame } from './frame';
import { MINUTIA_BIFURCATION, minutiaCountProblem } from './minutiae';

const MAGIC = [0x42, 0x46, 0x46, 0x50]; // "BFFP", in this order so a hex dump shows it
/** 2: version 1's layout sealed with a CRC-32 (a flipped bit in a coordinate moved a minutia unseen). */
export const FINGERPRINT_TEMPLATE_VERSION = 2;
/** The oldest version decodeFingerprintTemplate reads (what a gallery of older templates is opened with). */
export const OLDEST_FINGERPRINT_TEMPLATE_VERSION = 1;
const HEADER_BYTES = 18;
/** x, y, angle as float32 + kind and quality as bytes. */
const BYTES_PER_MINUTIA = 4 + 4 + 4 + 1 + 1;

/**
 * biofuse's own fingerprint template encoding, lossless (unlike ISO 19794-2, which rounds
 * positions to pixels and angles to 1.4 degrees), but for a dpi float32 cannot hold: a fractional
 * one reads back as the nearest float32 (500.3 as 500.2999878). Little-endian:
 *
 *   magic "BFFP" 4, version u8, quality u8, width u16, height u16, dpi f32, count u32,
 *   then x f32 x count, y f32 x count, angle f32 x count, kind u8 x count, quality u8 x count,
 *   then (version 2) the CRC-32 of all bytes before it, u32.
 *
 * The version byte sits right after the magic so that any later layout can be recognised
 * (and refused with an upgrade hint) before its header is read.
 */
export function encodeFingerprintTemplate(t: FingerprintTemplate): Uint8Array {
  // What decoding would refuse is refused here, so that a gallery never stores a template it cannot read back.
  const problem = fingerprintTemplateProblem(t);
  if (problem !== undefined) throw new TemplateFormatError(`cannot encode a fingerprint template with ${problem}`);
  const m = t.minutiae;
  const n = m.count;
  const bytes = new Uint8Array(HEADER_BYTES + n * BYTES_PER_MINUTIA + TEMPLATE_CHECKSUM_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  bytes[4] = FINGERPRINT_TEMPLATE_VERSION;
  bytes[5] = t.quality;
  view.setUint16(6, t.width, true);
  view.setUint16(8, t.height, true);
  view.setFloat32(10, t.dpi, true);
  view.setUint32(14, n, true);
  let o = HEADER_BYTES;
  for (const column of [m.x, m.y, m.angle]) {
    for (let i = 0; i < n; i++, o += 4) view.setFloat32(o, column[i], true);
  }
  bytes.set(m.kind.subarray(0, n), o);
  bytes.set(m.quality.subarray(0, n), o + n);
  return sealTemplate(bytes);
}

/**
 * Why a template cannot be encoded, or compared as one (see checkFingerprintTemplate), in the
 * words after "a fingerprint template with"; undefined when it is sound.
 */
function fingerprintTemplateProblem(t: FingerprintTemplate): string | undefined {
  for (const [what, max] of [['width', 0xffff], ['height', 0xffff], ['quality', 100]] as const) {
    if (!(Number.isInteger(t[what]) && t[what] >= 0 && t[what] <= max)) return `${what} ${t[what]} (must be an integer 0-${max})`;
  }
  if (!isSensorDpi(t.dpi)) return `dpi ${t.dpi} (no fingerprint sensor's: ${MIN_SENSOR_DPI}-${MAX_SENSOR_DPI})`;
  if (t.width === 0 || t.height === 0) return `an image size of ${t.width} x ${t.height} (no area)`;
  const m = t.minutiae;
  const n = m.count;
  if (n > 0xffffffff) return `a minutia count of ${n}`;
  const shape = minutiaCountProblem(m);
  if (shape !== undefined) return shape;
  for (let i = 0; i < n; i++) {
    if (!(Number.isFinite(m.x[i]) && Number.isFinite(m.y[i]) && Number.isFinite(m.angle[i]))) return `minutia ${i} at a position or angle that is not a finite number`;
    const misplaced = misplacedMinutia(m.x[i], m.y[i], m.angle[i], t.width, t.height);
    if (misplaced) return `minutia ${i} ${misplaced}`;
    if (m.kind[i] > MINUTIA_BIFURCATION) return `minutia ${i} of unknown kind ${m.kind[i]}`;
    if (m.quality[i] > 100) return `minutia ${i} of quality ${m.quality[i]}, above 100`;
  }
  return undefined;
}

/**
 * Throws TemplateFormatError unless the template is one encoding would store and decoding
 * would read: what a template built in code (another SDK's minutiae put in a MinutiaSet) meets
 * before it is compared (prepareTemplate, the matcher's one entry, calls it). The matcher
 * assumes what this checks: it would score a template with no sensor's dpi, non-finite or
 * misplaced minutiae or a count beyond its arrays as a normal one.
 */
export function checkFingerprintTemplate(t: FingerprintTemplate): FingerprintTemplate {
  const problem = fingerprintTemplateProblem(t);
  if (problem !== undefined) throw new TemplateFormatError(`not a usable fingerprint template: one with ${problem}`);
  return t;
}

export function decodeFingerprintTemplate(bytes: Uint8Array): FingerprintTemplate {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (n: number, what: string): void => {
    if (bytes.byteLength < n) {
      throw new TemplateFormatError(`fingerprint template truncated: ${bytes.byteLength} bytes, ${what} needs ${n}`);
    }
  };
  // Magic and version first, so foreign data and newer layouts are named as such, not as truncated.
  if (bytes.byteLength >= MAGIC.length && !isBiofuseFingerprintTemplate(bytes)) {
    throw new TemplateFormatError('not a biofuse fingerprint template (bad magic number; expected "BFFP")');
  }
  need(5, 'the magic number and version');
  const version = bytes[4];
  if (version > FINGERPRINT_TEMPLATE_VERSION) {
    throw new TemplateFormatError(
      `fingerprint template format version ${version} is newer than this build of biofuse reads (${FINGERPRINT_TEMPLATE_VERSION}); upgrade @biofuse/fingerprint`,
    );
  }
  if (version < 1) throw new TemplateFormatError(`fingerprint template format version ${version} is not valid`);
  const checksumBytes = checkedSealLength(bytes, version >= 2, 'fingerprint template');
  need(HEADER_BYTES + checksumBytes, 'the header');
  const quality = bytes[5];
  const width = view.getUint16(6, true);
  const height = view.getUint16(8, true);
  const dpi = view.getFloat32(10, true);
  const n = view.getUint32(14, true);
  const expected = HEADER_BYTES + n * BYTES_PER_MINUTIA + checksumBytes;
  need(expected, `a template of ${n} minutiae`);
  if (bytes.byteLength > expected) {
    throw new TemplateFormatError(`fingerprint template: ${bytes.byteLength - expected} trailing bytes after the ${expected} that ${n} minutiae take`);
  }
  if (quality > 100) throw new TemplateFormatError(`fingerprint template: quality ${quality} is above 100`);
  if (!isSensorDpi(dpi)) throw new TemplateFormatError(`fingerprint template: dpi ${dpi} is no fingerprint sensor's resolution (${MIN_SENSOR_DPI}-${MAX_SENSOR_DPI})`);
  if (width === 0 || height === 0) throw new TemplateFormatError(`fingerprint template: the image size ${width} x ${height} has no area`);

  let o = HEADER_BYTES;
  const column = (): Float32Array => {
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++, o += 4) {
      values[i] = view.getFloat32(o, true);
      if (!Number.isFinite(values[i])) throw new TemplateFormatError(`fingerprint template: a non-finite number at byte ${o}`);
    }
    return values;
  };
  const x = column();
  const y = column();
  const angle = column();
  const kind = bytes.slice(o, o + n);
  const minutiaQuality = bytes.slice(o + n, o + 2 * n);
  for (let i = 0; i < n; i++) {
    // Damaged bytes still decode as floats: a minutia at x = 1e30 or an angle of 100 rad scored as a normal template.
    const misplaced = misplacedMinutia(x[i], y[i], angle[i], width, height);
    if (misplaced) throw new TemplateFormatError(`fingerprint template: minutia ${i} ${misplaced} (corrupt)`);
    if (kind[i] > MINUTIA_BIFURCATION) throw new TemplateFormatError(`fingerprint template: minutia ${i} has unknown kind ${kind[i]}`);
    if (minutiaQuality[i] > 100) throw new TemplateFormatError(`fingerprint template: minutia ${i} has quality ${minutiaQuality[i]}, above 100`);
  }
  return { width, height, dpi, quality, minutiae: { count: n, x, y, angle, kind, quality: minutiaQuality } };
}

/**
 * Why a minutia cannot be in a template of this image (see inFrame), or undefined. An angle of
 * float32 2 pi is 2 pi rounded up.
 */
function misplacedMinutia(x: number, y: number, angle: number, width: number, height: number): string | undefined {
  if (!inFrame(x, y, width, height)) return `at (${x}, ${y}) lies outside the ${width} x ${height} image`;
  if (!(angle >= 0 && angle <= 2 * Math.PI + 1e-5)) return `has angle ${angle}, outside [0, 2 pi]`;
  return undefined;
}

/** Whether the bytes start as one of our templates (what `load` tells templates from images by). */
export function isBiofuseFingerprintTemplate(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}
