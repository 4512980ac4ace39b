import { crc32 } from 'node:zlib';
import { TemplateFormatError } from './errors';

/** Bytes the checksum takes at the end of a sealed template. */
export const TEMPLATE_CHECKSUM_BYTES = 4;

/**
 * Writes the CRC-32 of everything before a template's last four bytes into them (little-endian)
 * and returns the bytes. Structural checks catch a cut or a foreign file, not a flipped bit in a
 * value: that decodes as a valid template of another sample, and scores as one.
 */
export function sealTemplate(bytes: Uint8Array): Uint8Array {
  const end = bytes.byteLength - TEMPLATE_CHECKSUM_BYTES;
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(end, crc32(bytes.subarray(0, end)), true);
  return bytes;
}

/** Throws TemplateFormatError, naming `what` ("face template"), unless the bytes end with the CRC-32 sealTemplate wrote. */
export function checkTemplateChecksum(bytes: Uint8Array, what: string): void {
  const end = bytes.byteLength - TEMPLATE_CHECKSUM_BYTES;
  if (end < 0) throw new TemplateFormatError(`${what} truncated: ${bytes.byteLength} bytes, its checksum needs ${TEMPLATE_CHECKSUM_BYTES}`);
  const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(end, true);
  if (crc32(bytes.subarray(0, end)) !== stored) {
    throw new TemplateFormatError(`${what} damaged: its checksum does not match its ${bytes.byteLength} bytes (changed or cut short since it was written)`);
  }
}

/**
 * What a decoder asks of a template's seal: for a version that is sealed, the seal is checked
 * (checkTemplateChecksum) before any field after the version is believed, and the bytes it
 * takes are returned; a version written before templates were sealed takes none.
 */
export function checkedSealLength(bytes: Uint8Array, sealed: boolean, what: string): number {
  if (!sealed) return 0;
  checkTemplateChecksum(bytes, what);
  return TEMPLATE_CHECKSUM_BYTES;
}
