import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { readIdentityFolders } from '../datasets/generic';
import { BiometricError, DatasetError } from '../errors';
import { readSampleFile } from '../image/decode';
import type { Gallery } from './gallery';

/** What enrolment did; failures to enrol are counted with their reasons, never dropped. */
export interface EnrolmentReport {
  readonly enrolled: number;
  /** Files already enrolled with the same content. */
  readonly unchanged: number;
  /** Files enrolled before with other content, now replaced. */
  readonly replaced: number;
  /** Samples that could not be enrolled, with the reason (counted as failures to enrol). */
  readonly failed: readonly { readonly source: string; readonly reason: string }[];
}

/** A modality's enrolment step: a sample's bytes to the template bytes and vector a gallery stores. */
export type EnrolSample = (bytes: Buffer) => Promise<{ readonly template: Uint8Array; readonly embedding: Float32Array }>;

/**
 * Enrols samples under one identity: files (read here, so an unreadable one is a failure with
 * its reason) or in-memory samples, labelled `<identity>#<n>`. `pathOf` says which samples are
 * file paths. A sample that cannot be read or acquired is a failure to enrol; any other error is
 * a bug and propagates.
 */
export async function enrolSamples<S>(
  gallery: Gallery,
  identity: string,
  samples: readonly S[],
  enrol: (sample: Buffer | S) => ReturnType<EnrolSample>,
  pathOf: (sample: S) => string | undefined,
): Promise<EnrolmentReport> {
  let enrolled = 0;
  const failed: { source: string; reason: string }[] = [];
  for (const [i, sample] of samples.entries()) {
    const path = pathOf(sample);
    const source = path !== undefined ? resolve(path) : `${identity}#${i + 1}`;
    try {
      const input = path !== undefined ? await readSampleFile(source) : sample;
      const { template, embedding } = await enrol(input);
      // Files and byte samples are keyed by content; anything else (a decoded raster) by its label.
      gallery.add(identity, source, sampleHash(input instanceof Uint8Array ? input : source), template, embedding);
      enrolled++;
    } catch (error) {
      if (!(error instanceof BiometricError)) throw error;
      failed.push({ source, reason: error.message });
    }
  }
  return { enrolled, unchanged: 0, replaced: 0, failed };
}

/**
 * Enrols a folder with one sub-folder per identity. Files enrolled before with the same
 * content are skipped; files whose content changed replace their old record.
 */
export async function enrolFolder(gallery: Gallery, dir: string, enrol: EnrolSample, onProgress?: (done: number, total: number) => void): Promise<EnrolmentReport> {
  const listing = await readIdentityFolders(dir);
  // Nothing to enrol is a mistake to report (the wrong folder, files not in identity sub-folders), not an empty success.
  if (listing.samples.length === 0) throw new DatasetError('no samples to enrol: expected one sub-folder of sample files per identity', dir);
  let enrolled = 0;
  let unchanged = 0;
  let replaced = 0;
  const failed: { source: string; reason: string }[] = [];
  for (const [i, sample] of listing.samples.entries()) {
    const source = resolve(join(dir, sample.path));
    try {
      const bytes = await readSampleFile(source);
      const hash = sampleHash(bytes);
      const previous = gallery.findBySource(source);
      if (previous && previous.contentHash === hash && previous.identity === sample.subject) {
        unchanged++;
      } else {
        const { template, embedding } = await enrol(bytes);
        if (previous) {
          gallery.removeRecord(previous.id);
          replaced++;
        }
        gallery.add(sample.subject, source, hash, template, embedding);
        enrolled++;
      }
    } catch (error) {
      if (!(error instanceof BiometricError)) throw error;
      failed.push({ source, reason: error.message });
    }
    onProgress?.(i + 1, listing.samples.length);
  }
  return { enrolled, unchanged, replaced, failed };
}

function sampleHash(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
