import { TemplateFormatError } from '@biofuse/core';
import { checkIntegerField } from './integer-field';
import { isSensorDpi, MAX_SENSOR_DPI, MIN_SENSOR_DPI } from '../image/fingerprint-image';
import { reframeTemplate } from './reframe';
import type { FingerprintTemplate } from './fingerprint-template';
import { inFrame } from './frame';
import { MINUTIA_BIFURCATION, MINUTIA_ENDING, MINUTIA_OTHER, minutiaCountProblem, normaliseAngle, type MinutiaSet } from './minutiae';

/**
 * ISO/IEC 19794-2:2005 finger minutiae records ("FMR\0", version " 20\0"), big-endian:
 *
 *   header (24 bytes): magic 4, version 4, record length 4, capture equipment 2 (4-bit
 *   certification flags + 12-bit device type), width 2, height 2, x and y resolution 2 + 2
 *   (pixels per cm), finger view count 1, reserved 1;
 *   per view: finger position 1, view number (high 4 bits) + impression type (low 4 bits) 1,
 *   finger quality 1 (0-100), minutia count 1, then 6 bytes per minutia: type (2 bits:
 *   01 ending, 10 bifurcation, 00 other) + x (14 bits), 2 reserved bits + y (14 bits), angle
 *   (1 byte, units of 360/256 degrees, counter-clockwise), quality (0-100, 0 = not reported);
 *   then the view's extended data block: length 2 + that many bytes.
 *
 * The 2005 record length is always 4 bytes; the "2 bytes, or 0 then 4 more" form belongs to
 * ANSI/INCITS 378, whose header also carries a CBEFF product id, so it is refused here, by name
 * (both forms: a 2-byte length equal to the record's size, or 0).
 */

const MAGIC = [0x46, 0x4d, 0x52, 0x00]; // "FMR\0"
const VERSION_2005 = [0x20, 0x32, 0x30, 0x00]; // " 20\0"
const HEADER_BYTES = 24;
const VIEW_HEADER_BYTES = 4;
const MINUTIA_BYTES = 6;
const MAX_COORDINATE = 0x3fff;
const TWO_PI = 2 * Math.PI;
const CM_PER_INCH = 2.54;
/** The whole px/cm values whose dpi (rounded, as read) is a sensor's: 40 (102 dpi) to 1574 (3998 dpi). */
const MIN_SENSOR_PPCM = Math.ceil(MIN_SENSOR_DPI / CM_PER_INCH);
const MAX_SENSOR_PPCM = Math.floor(MAX_SENSOR_DPI / CM_PER_INCH);

export interface IsoFingerView {
  /** ISO finger position code: 0 unknown, 1 right thumb ... 10 left little finger. */
  readonly fingerPosition: number;
  readonly viewNumber: number;
  /** 0 live-scan plain, 1 live-scan rolled, 2 non-live plain, 3 non-live rolled, 8 swipe, 9 contactless. */
  readonly impressionType: number;
  /** 0-100. */
  readonly quality: number;
  readonly minutiae: MinutiaSet;
  /** The view's extended data (ridge counts, core and delta, vendor data), undecoded. */
  readonly extendedData: Uint8Array;
}

export interface IsoFingerRecord {
  readonly width: number;
  readonly height: number;
  readonly xResolutionPpcm: number;
  readonly yResolutionPpcm: number;
  /** The x resolution in dots per inch, rounded to an integer (197 px/cm gives 500). */
  readonly dpi: number;
  /** The raw 16-bit capture equipment field: certification flags (high 4 bits) + device type id. */
  readonly captureEquipment: number;
  readonly views: readonly IsoFingerView[];
}

/** Parses a whole record, every finger view. Every defect is a TemplateFormatError naming the byte. */
export function readIsoRecord(bytes: Uint8Array): IsoFingerRecord {
  const r = new Reader(bytes);
  if (bytes.byteLength === 0) throw new TemplateFormatError('ISO 19794-2 record is empty (0 bytes)');
  r.need(4, 'the format identifier');
  if (!MAGIC.every((b, i) => bytes[i] === b)) {
    throw new TemplateFormatError(`not an ISO 19794-2 finger minutiae record: byte 0 should start "FMR\\0", found ${hex(bytes.subarray(0, 4))}`);
  }
  r.skip(4);
  r.need(4, 'the version');
  if (!VERSION_2005.every((b, i) => bytes[4 + i] === b)) {
    // "030" is ISO/IEC 19794-2:2011, a newer layout (its header differs from byte 8 on): say so.
    const edition = quoted(bytes.subarray(4, 8)) === '"030"' ? ' (ISO/IEC 19794-2:2011, newer than the 2005 records this build reads: write the record as 2005, version " 20")' : '';
    throw new TemplateFormatError(`ISO 19794-2 record at byte 4: version ${quoted(bytes.subarray(4, 8))} is not supported (only " 20" = 2005)${edition}`);
  }
  r.skip(4);
  const recordLength = r.u32('the record length');
  if (recordLength === 0) {
    throw new TemplateFormatError('ISO 19794-2 record length at byte 8 is 0 (a 2+4-byte length is the ANSI/INCITS 378 form, not ISO 2005)');
  }
  // ANSI/INCITS 378-2004 shares the magic and the version but has a 2-byte length (then a
  // CBEFF product id): read as 4 bytes, it named a length of millions, "truncated".
  if (recordLength !== bytes.byteLength && (recordLength >>> 16) === bytes.byteLength) {
    throw new TemplateFormatError(
      `ISO 19794-2 record: the 2 bytes at byte 8 give the record's length (${bytes.byteLength}), the ANSI/INCITS 378 layout, not ISO 2005's 4-byte length; ANSI 378 records are not read`,
    );
  }
  if (recordLength > bytes.byteLength) {
    throw new TemplateFormatError(`ISO 19794-2 record truncated: the length at byte 8 says ${recordLength} bytes, only ${bytes.byteLength} given`);
  }
  if (recordLength < bytes.byteLength) {
    throw new TemplateFormatError(`ISO 19794-2 record: the length at byte 8 says ${recordLength} bytes, but ${bytes.byteLength} were given (trailing data)`);
  }
  const captureEquipment = r.u16('the capture equipment');
  const width = r.u16('the image width');
  const height = r.u16('the image height');
  const xAt = r.offset;
  const xResolutionPpcm = r.u16('the x resolution');
  const yResolutionPpcm = r.u16('the y resolution');
  if (xResolutionPpcm === 0) throw new TemplateFormatError(`ISO 19794-2 record: the x resolution at byte ${xAt} is 0 pixels per cm`);
  const viewCount = r.u8('the finger view count');
  r.u8('the reserved header byte');

  const views: IsoFingerView[] = [];
  for (let v = 0; v < viewCount; v++) views.push(readView(r, v));
  if (r.offset !== recordLength) {
    throw new TemplateFormatError(`ISO 19794-2 record: ${recordLength - r.offset} unexplained bytes after the last finger view, at byte ${r.offset}`);
  }
  return { width, height, xResolutionPpcm, yResolutionPpcm, dpi: Math.round(xResolutionPpcm * CM_PER_INCH), captureEquipment, views };
}

function readView(r: Reader, v: number): IsoFingerView {
  const what = `finger view ${v}`;
  const fingerPosition = r.u8(`${what}'s finger position`);
  const viewImpression = r.u8(`${what}'s view number and impression type`);
  const qualityAt = r.offset;
  const quality = r.u8(`${what}'s quality`);
  if (quality > 100) throw new TemplateFormatError(`ISO 19794-2 record: ${what}'s quality at byte ${qualityAt} is ${quality}, above 100`);
  const countAt = r.offset;
  const count = r.u8(`${what}'s minutia count`);
  // Checked up front so a count beyond the data is reported as such, not as a short minutia.
  if (r.remaining < count * MINUTIA_BYTES + 2) {
    throw new TemplateFormatError(
      `ISO 19794-2 record truncated: ${what} declares ${count} minutiae at byte ${countAt}, which need ${count * MINUTIA_BYTES + 2} bytes from byte ${r.offset}, only ${r.remaining} left`,
    );
  }
  const minutiae = {
    count,
    x: new Float32Array(count),
    y: new Float32Array(count),
    angle: new Float32Array(count),
    kind: new Uint8Array(count),
    quality: new Uint8Array(count),
  };
  for (let i = 0; i < count; i++) {
    const at = r.offset;
    const typeX = r.u16(`minutia ${i}`);
    const y = r.u16(`minutia ${i}`) & MAX_COORDINATE;
    const angle = r.u8(`minutia ${i}`);
    const q = r.u8(`minutia ${i}`);
    if (q > 100) throw new TemplateFormatError(`ISO 19794-2 record: minutia ${i} of ${what} (byte ${at}) has quality ${q}, above 100`);
    const type = typeX >> 14;
    minutiae.x[i] = typeX & MAX_COORDINATE;
    minutiae.y[i] = y;
    minutiae.angle[i] = (angle * TWO_PI) / 256;
    // Type 11 is reserved; the position and angle are still usable, so it reads as "other".
    minutiae.kind[i] = type === 1 ? MINUTIA_ENDING : type === 2 ? MINUTIA_BIFURCATION : MINUTIA_OTHER;
    minutiae.quality[i] = q;
  }
  const extendedLength = r.u16(`${what}'s extended data length`);
  r.need(extendedLength, `${what}'s extended data (${extendedLength} bytes)`);
  const extendedData = r.bytes.slice(r.offset, r.offset + extendedLength);
  r.skip(extendedLength);
  return { fingerPosition, viewNumber: viewImpression >> 4, impressionType: viewImpression & 0x0f, quality, minutiae, extendedData };
}

/**
 * The record's finger view as our template. A record with no view is refused, and so is one
 * with several (a template is one print: readIsoRecord gives every view, to split them).
 */
export function readIsoTemplate(bytes: Uint8Array): FingerprintTemplate {
  const record = readIsoRecord(bytes);
  if (record.views.length === 0) throw new TemplateFormatError('ISO 19794-2 record: the finger view count at byte 22 is 0');
  if (record.views.length > 1) {
    const fingers = record.views.map((v) => `finger ${v.fingerPosition} view ${v.viewNumber}`).join(', ');
    throw new TemplateFormatError(`ISO 19794-2 record: ${record.views.length} finger views (${fingers}); a biofuse template holds one print: split the record (readIsoRecord reads every view)`);
  }
  const view = record.views[0];
  // What the record says must describe a print: a frame to map minutiae in, a resolution a
  // sensor has, every minutia inside the frame (a zero-sized frame made Infinity coordinates).
  if (record.width === 0 || record.height === 0) throw new TemplateFormatError(`ISO 19794-2 record: the image size ${record.width} x ${record.height} at byte 14 has no area`);
  const { xResolutionPpcm: xRes, yResolutionPpcm: yRes } = record;
  const yDpi = Math.round(yRes * CM_PER_INCH);
  for (const [axis, ppcm, dpi, at] of [['x', xRes, record.dpi, 18], ['y', yRes, yDpi, 20]] as const) {
    // A y resolution of 0 means "not stated" (taken as the x one).
    if (axis === 'y' && ppcm === 0) continue;
    if (!isSensorDpi(dpi)) {
      throw new TemplateFormatError(`ISO 19794-2 record: a ${axis} resolution of ${ppcm} pixels per cm (${dpi} dpi) at byte ${at} is no fingerprint sensor's (${MIN_SENSOR_DPI}-${MAX_SENSOR_DPI} dpi)`);
    }
  }
  const m = view.minutiae;
  for (let i = 0; i < m.count; i++) {
    if (m.x[i] >= record.width || m.y[i] >= record.height) {
      throw new TemplateFormatError(`ISO 19794-2 record: minutia ${i} at (${m.x[i]}, ${m.y[i]}) lies outside the ${record.width} x ${record.height} image`);
    }
  }
  const template = { width: record.width, height: record.height, dpi: record.dpi, quality: view.quality, minutiae: view.minutiae };
  // Our templates have square pixels at the x resolution: a record whose y resolution differs is
  // stretched onto that grid (a y resolution of 0, not stated, is taken as the x one).
  if (yRes === 0 || yRes === xRes) return template;
  const height = Math.max(1, Math.round((record.height * xRes) / yRes));
  // A template's height is 16-bit: a taller one is this record's fault, not a bad reframeTemplate argument.
  if (height > 0xffff) {
    throw new TemplateFormatError(
      `ISO 19794-2 record: its ${record.width} x ${record.height} image at ${xRes} x ${yRes} pixels per cm (bytes 14-21) is ${height} pixels tall on square pixels, more than a template holds (65535)`,
    );
  }
  return reframeTemplate(template, record.width, height);
}

export interface WriteIsoOptions {
  /** ISO finger position code, default 0 (unknown). */
  readonly fingerPosition?: number;
  /** Default 0 (live-scan plain). */
  readonly impressionType?: number;
  readonly viewNumber?: number;
  /** Raw capture equipment field, default 0 (not certified, unknown device). */
  readonly captureEquipment?: number;
}

/**
 * Writes one finger view. Quantisation: coordinates round to whole pixels, angles to 360/256
 * degrees, the resolution to whole pixels per cm (so dpi 500 -> 197 px/cm -> 500).
 * Values the format cannot hold (more than 255 minutiae, a coordinate outside 0-16383) are
 * refused rather than clipped, since a silently altered template would match differently.
 */
export function writeIsoTemplate(t: FingerprintTemplate, opts: WriteIsoOptions = {}): Uint8Array {
  const m = t.minutiae;
  if (m.count > 255) throw new TemplateFormatError(`cannot write ${m.count} minutiae to ISO 19794-2: a finger view holds at most 255`);
  // The count sizes the record and indexes every array: one they do not hold writes no sound record.
  const shape = minutiaCountProblem(m);
  if (shape !== undefined) throw new TemplateFormatError(`cannot write a template with ${shape} to ISO 19794-2`);
  checkField('image width', t.width, 0xffff);
  checkField('image height', t.height, 0xffff);
  if (t.width === 0 || t.height === 0) throw new TemplateFormatError(`cannot write an image size of ${t.width} x ${t.height} (no area) to ISO 19794-2`);
  checkField('template quality', t.quality, 100);
  if (!isSensorDpi(t.dpi)) {
    throw new TemplateFormatError(`cannot write dpi ${t.dpi} to ISO 19794-2: no fingerprint sensor's resolution (${MIN_SENSOR_DPI}-${MAX_SENSOR_DPI} dpi)`);
  }
  // Write only what readIsoTemplate reads back as a sensor's resolution: at the ends of the
  // range the nearest px/cm falls outside it (4000 dpi -> 1575 px/cm reads as 4001 dpi, 100 ->
  // 39 as 99), so the value is kept to the px/cm that read back inside (1574 -> 3998, 40 -> 102).
  const ppcm = Math.min(MAX_SENSOR_PPCM, Math.max(MIN_SENSOR_PPCM, Math.round(t.dpi / CM_PER_INCH)));
  const fingerPosition = opts.fingerPosition ?? 0;
  const impressionType = opts.impressionType ?? 0;
  const viewNumber = opts.viewNumber ?? 0;
  checkField('finger position', fingerPosition, 0xff);
  checkField('impression type', impressionType, 0x0f);
  checkField('view number', viewNumber, 0x0f);
  checkField('capture equipment', opts.captureEquipment ?? 0, 0xffff);

  const length = HEADER_BYTES + VIEW_HEADER_BYTES + m.count * MINUTIA_BYTES + 2;
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  bytes.set(VERSION_2005, 4);
  view.setUint32(8, length);
  view.setUint16(12, opts.captureEquipment ?? 0);
  view.setUint16(14, t.width);
  view.setUint16(16, t.height);
  view.setUint16(18, ppcm);
  view.setUint16(20, ppcm);
  bytes[22] = 1;
  bytes[24] = fingerPosition;
  bytes[25] = (viewNumber << 4) | impressionType;
  bytes[26] = t.quality;
  bytes[27] = m.count;
  let o = HEADER_BYTES + VIEW_HEADER_BYTES;
  for (let i = 0; i < m.count; i++, o += MINUTIA_BYTES) {
    const refuse = (why: string) => new TemplateFormatError(`cannot write minutia ${i} at (${m.x[i]}, ${m.y[i]}) to ISO 19794-2: ${why}`);
    // In the frame (inFrame: within one pixel of it), rounded onto a pixel the reader accepts.
    if (!inFrame(m.x[i], m.y[i], t.width, t.height)) throw refuse(`it lies outside the ${t.width} x ${t.height} image`);
    const x = Math.min(t.width - 1, Math.max(0, Math.round(m.x[i])));
    const y = Math.min(t.height - 1, Math.max(0, Math.round(m.y[i])));
    if (x > MAX_COORDINATE || y > MAX_COORDINATE) throw refuse(`coordinates must be 0-${MAX_COORDINATE}`);
    if (!Number.isFinite(m.angle[i])) throw refuse(`its angle ${m.angle[i]} is not a finite number`);
    if (m.kind[i] > MINUTIA_BIFURCATION) throw refuse(`its kind ${m.kind[i]} is unknown`);
    if (m.quality[i] > 100) throw refuse(`its quality ${m.quality[i]} is above 100`);
    const type = m.kind[i] === MINUTIA_ENDING ? 1 : m.kind[i] === MINUTIA_BIFURCATION ? 2 : 0;
    view.setUint16(o, (type << 14) | x);
    view.setUint16(o + 2, y);
    bytes[o + 4] = Math.round((normaliseAngle(m.angle[i]) / TWO_PI) * 256) % 256;
    bytes[o + 5] = m.quality[i];
  }
  // Extended data block length stays 0.
  return bytes;
}

function checkField(what: string, value: number, max: number): void {
  checkIntegerField(value, max, (rule) => `cannot write ${what} ${value} to ISO 19794-2 ${rule}`);
}

/** Whether the bytes start as an ISO/IEC 19794-2 finger minutiae record ("FMR\0"). */
export function isIsoTemplate(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

/** Big-endian cursor whose every read names the field and byte it ran short at. */
class Reader {
  offset = 0;
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get remaining(): number {
    return this.bytes.byteLength - this.offset;
  }
  need(n: number, what: string): void {
    if (this.remaining < n) {
      throw new TemplateFormatError(
        `ISO 19794-2 record truncated at byte ${this.bytes.byteLength}: ${what} needs ${n} bytes from byte ${this.offset}, only ${this.remaining} left`,
      );
    }
  }
  skip(n: number): void {
    this.offset += n;
  }
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++];
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.view.getUint16(this.offset);
    this.offset += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.offset);
    this.offset += 4;
    return v;
  }
}

function hex(b: Uint8Array): string {
  return Array.from(b, (v) => v.toString(16).padStart(2, '0')).join(' ') || '(nothing)';
}

function quoted(b: Uint8Array): string {
  return JSON.stringify(String.fromCharCode(...b).replace(/\0+$/, ''));
}
