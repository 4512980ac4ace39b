import { TEMPLATE_CHECKSUM_BYTES } from '../template-checksum';

/**
 * A sealed template as biofuse wrote it before templates were sealed: the same layout without
 * the checksum, its version byte (at `versionAt`) set to `version`. Such templates are still
 * read, and the decoder's own checks are all that guard them.
 */
export function unsealedTemplate(sealed: Uint8Array, versionAt: number, version: number): Uint8Array {
  const bytes = sealed.slice(0, sealed.length - TEMPLATE_CHECKSUM_BYTES);
  bytes[versionAt] = version;
  return bytes;
}
