import type sharpModule from 'sharp';

let sharpLoaded: Promise<typeof sharpModule> | undefined;

/** sharp's native library loads on first use, not when @biofuse/core is imported. */
export function loadSharp(): Promise<typeof sharpModule> {
  sharpLoaded ??= import('sharp').then((m) => m.default);
  return sharpLoaded;
}
