import { unsealedTemplate } from '@biofuse/core/testing';

/** A face template as biofuse wrote it before templates were sealed: version 1, no checksum. */
export const asVersion1 = (sealed: Uint8Array): Uint8Array => unsealedTemplate(sealed, 4, 1);
