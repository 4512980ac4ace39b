/**
 * The LFW identities and images of the training benches: identities with at least `minImages`
 * images (the test population, at most `maxIdentities`), and with `trainMinImages` up to
 * `minImages - 1` images as training-only extras; the first `perIdentity` images of each, by
 * file name.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDatasetsRoot } from '@biofuse/core/testing';

export interface LfwIdentity {
  readonly name: string;
  readonly images: readonly string[];
  /** Training only: fewer than minImages images. */
  readonly extra: boolean;
}

export interface LfwSelection {
  readonly minImages: number;
  readonly trainMinImages?: number;
  readonly perIdentity: number;
  readonly maxIdentities?: number;
}

export function lfwIdentities(root: string, s: LfwSelection): { identities: LfwIdentity[]; folders: number; summary: string } {
  const names = readdirSync(join(root, 'images')).sort();
  const trainMinImages = s.trainMinImages ?? s.minImages;
  const identities: LfwIdentity[] = [];
  let core = 0;
  for (const name of names) {
    const files = readdirSync(join(root, 'images', name)).filter((f) => f.endsWith('.jpg')).sort();
    if (files.length < Math.min(s.minImages, trainMinImages)) continue;
    const extra = files.length < s.minImages;
    if (!extra && core >= (s.maxIdentities ?? Number.POSITIVE_INFINITY)) continue;
    if (!extra) core++;
    identities.push({ name, images: files.slice(0, s.perIdentity).map((f) => `${name}/${f}`), extra });
  }
  const extras = identities.filter((i) => i.extra);
  const count = (list: readonly LfwIdentity[]) => list.reduce((a, i) => a + i.images.length, 0);
  const summary =
    `LFW: ${core} identities with >= ${s.minImages} images (of ${names.length}), <= ${s.perIdentity} images each: ${count(identities) - count(extras)} images` +
    (extras.length ? ` + ${extras.length} training-only identities with ${trainMinImages}..${s.minImages - 1} images (${count(extras)} images)` : '');
  return { identities, folders: names.length, summary };
}

/** The training benches' options for the LFW folder and the selection in it (see lfwSelectionFromArgs). */
export const LFW_SELECTION_OPTIONS = {
  root: { type: 'string', default: join(sharedDatasetsRoot(), 'lfw') },
  'min-images': { type: 'string', default: '5' },
  'train-min-images': { type: 'string' },
  'max-identities': { type: 'string' },
  'images-per-identity': { type: 'string', default: '10' },
} as const;

/** The selection from the training benches' options (min-images, train-min-images, images-per-identity, max-identities). */
export function lfwSelectionFromArgs(args: {
  readonly 'min-images': string;
  readonly 'train-min-images'?: string;
  readonly 'images-per-identity': string;
  readonly 'max-identities'?: string;
}): LfwSelection {
  return {
    minImages: Number(args['min-images']),
    trainMinImages: args['train-min-images'] ? Number(args['train-min-images']) : undefined,
    perIdentity: Number(args['images-per-identity']),
    maxIdentities: args['max-identities'] ? Number(args['max-identities']) : undefined,
  };
}
