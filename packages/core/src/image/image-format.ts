import { isBinaryPgm } from './pgm';

/** Image formats told apart by their first bytes ('pgm': binary, P5). */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'bmp' | 'pgm';

/**
 * The image format the bytes start like, or undefined. Only the signature is looked at, so a
 * damaged file of a known format is still recognised (and can be reported as damaged rather
 * than as some other kind of file).
 */
export function imageFormatOf(b: Uint8Array): ImageFormat | undefined {
  const starts = (...sig: number[]) => b.length >= sig.length && sig.every((v, i) => b[i] === v);
  const ascii = (at: number, text: string) => b.length >= at + text.length && [...text].every((c, i) => b[at + i] === c.charCodeAt(0));
  if (starts(0xff, 0xd8, 0xff)) return 'jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'png';
  if (ascii(0, 'GIF8')) return 'gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  if (ascii(0, 'BM')) return 'bmp';
  if (isBinaryPgm(b)) return 'pgm';
  return undefined;
}
