import { crc32 } from 'node:zlib';

const SIGNATURE_BYTES = 8;

/**
 * Why a PNG's critical chunks (IHDR, PLTE, IDAT, IEND: a type whose first letter is upper case)
 * fail their CRCs, or undefined. The decoder, told to fail only on truncation, skips the check: a
 * flipped palette byte decoded to wrong colours. Checked here, the decoder's other leniencies
 * stay as they were. Ancillary chunks are left to the decoder, which drops a damaged one.
 */
export function pngChunkProblem(bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = SIGNATURE_BYTES; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    // A cut chunk is the decoder's to report (it knows a truncated file from a damaged one).
    if (at + 12 + length > bytes.length) return undefined;
    const critical = (bytes[at + 4] & 0x20) === 0;
    if (critical && crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) {
      return `its ${JSON.stringify(type)} chunk at byte ${at} fails its checksum`;
    }
    if (type === 'IEND') return undefined;
    at += 12 + length;
  }
  return undefined;
}
