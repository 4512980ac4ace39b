import { ImageDecodeError } from '../errors';
import { checkImageSize, type DecodeLimits } from './header';

/**
 * Binary PGM (netpbm P5), which sharp's prebuilt binaries do not read, as 8-bit grey. Some
 * fingerprint tools and older datasets store raw sensor frames this way. Only 8-bit files
 * (maxval up to 255) are read; 16-bit ones are refused rather than guessed at. PGM states no
 * resolution.
 */

const HASH = 0x23;

/** Whether the bytes start like a binary PGM: "P5" and a whitespace. */
export function isBinaryPgm(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0x50 && bytes[1] === 0x35 && isSpace(bytes[2]);
}

/** The grey pixels of a binary PGM, checked against the limits before they are copied. */
export function decodePgm(bytes: Uint8Array, what: string, limits: DecodeLimits): { width: number; height: number; pixels: Uint8Array } {
  const corrupt = (why: string): ImageDecodeError => new ImageDecodeError('corrupt', `${what}: PGM ${why}`);
  // Header: "P5", then width, height and maxval as ASCII decimals, separated by whitespace
  // and "#" comments; exactly one whitespace byte ends it, then the pixels start.
  let at = 2;
  const field = (name: string): number => {
    for (;;) {
      while (at < bytes.length && isSpace(bytes[at])) at++;
      if (bytes[at] !== HASH) break;
      while (at < bytes.length && bytes[at] !== 0x0a && bytes[at] !== 0x0d) at++;
    }
    let value = 0;
    const start = at;
    while (at < bytes.length && bytes[at] >= 0x30 && bytes[at] <= 0x39 && at - start < 9) value = value * 10 + bytes[at++] - 0x30;
    if (at === start || at >= bytes.length || !isSpace(bytes[at])) throw corrupt(`header has no valid ${name}`);
    return value;
  };
  const width = field('width');
  const height = field('height');
  const maxval = field('maximum grey value');
  at++; // the single whitespace byte before the pixels
  if (width === 0 || height === 0 || maxval === 0) throw corrupt(`header gives a size of ${width} x ${height}, maximum grey ${maxval}`);
  if (maxval > 255) throw new ImageDecodeError('unsupported_format', `${what}: 16-bit PGM (maximum grey ${maxval}) is not supported`);
  checkImageSize(what, width, height, limits);
  const count = width * height;
  if (at + count > bytes.length) throw corrupt(`pixel data truncated: ${count} bytes needed from byte ${at}, the file has ${bytes.length}`);
  // A copy, never a view: a Buffer's slice shares the caller's bytes, which the scaling below would change.
  const pixels = new Uint8Array(count);
  pixels.set(bytes.subarray(at, at + count));
  if (maxval < 255) {
    for (let i = 0; i < count; i++) {
      if (pixels[i] > maxval) throw corrupt(`pixel ${i} is ${pixels[i]}, above the maximum grey of ${maxval}`);
      pixels[i] = Math.round((pixels[i] * 255) / maxval);
    }
  }
  return { width, height, pixels };
}

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
}
