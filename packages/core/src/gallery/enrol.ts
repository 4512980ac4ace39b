import { createHash } from 'node:crypto';
import { join, resolve, sep } from 'node:path';
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
  /**
   * Records taken out because they no longer stand for a file: its content changed and no
   * longer enrols, or (folder enrolment) the file is gone from the folder.
   */
  readonly removed: number;
  /** Samples that could not be enrolled, with the reason (counted as failures to enrol). */
  readonly failed: readonly { readonly source: string; readonly reason: string }[];
}

/** A modality's enrolment step: a sample's bytes to the template bytes and vector a gallery stores. */
export type EnrolSample = (bytes: Buffer) => Promise<{ readonly template: Uint8Array; readonly embedding: Float32Array }>;

/** Counts of one enrolment run, filled file by file. */
class Tally {
  enrolled = 0;
  unchanged = 0;
  replaced = 0;
  removed = 0;
  readonly failed: { source: string; reason: string }[] = [];

  report(): EnrolmentReport {
    return { enrolled: this.enrolled, unchanged: this.unchanged, replaced: this.replaced, removed: this.removed, failed: this.failed };
  }
}

/**
 * One file into the gallery, keyed by its path: the same content under the same identity is
 * skipped, other content replaces the old record, and content that no longer enrols takes the
 * old record out (it would otherwise stand for a file that is not there any more).
 */
async function enrolFile(
  gallery: Gallery,
  identity: string,
  source: string,
  enrol: (bytes: Buffer) => ReturnType<EnrolSample>,
  tally: Tally,
  settings: string | undefined,
): Promise<void> {
  const previous = gallery.findBySource(source);
  try {
    const bytes = await readSampleFile(source);
    const hash = sampleHash(bytes, settings);
    if (previous && previous.contentHash === hash && previous.identity === identity) {
      tally.unchanged++;
      return;
    }
    const { template, embedding } = await enrol(bytes);
    if (previous) {
      gallery.removeRecord(previous.id);
      tally.replaced++;
    }
    gallery.add(identity, source, hash, template, embedding);
    tally.enrolled++;
  } catch (error) {
    if (!(error instanceof BiometricError)) throw error;
    if (previous) {
      gallery.removeRecord(previous.id);
      tally.removed++;
    }
    tally.failed.push({ source, reason: previous ? `${error.message} (its earlier record was removed)` : error.message });
  }
}

/**
 * Enrols samples under one identity: files (read here, so an unreadable one is a failure with
 * its reason; enrolled again, they are skipped or replaced as in enrolFolder) or in-memory
 * samples, labelled `<identity>#<n>` and always added. `pathOf` says which samples are file
 * paths. A sample that cannot be read or acquired is a failure to enrol; any other error is a
 * bug and propagates. `settings` names whatever besides a file's bytes shapes its template
 * (a stated sensor resolution, a quality gate): it is part of the content key, so a file
 * enrolled under other settings is enrolled again instead of skipped.
 */
export async function enrolSamples<S>(
  gallery: Gallery,
  identity: string,
  samples: readonly S[],
  enrol: (sample: Buffer | S) => ReturnType<EnrolSample>,
  pathOf: (sample: S) => string | undefined,
  settings?: string,
): Promise<EnrolmentReport> {
  const tally = new Tally();
  for (const [i, sample] of samples.entries()) {
    const path = pathOf(sample);
    if (path !== undefined) {
      await enrolFile(gallery, identity, resolve(path), enrol, tally, settings);
      continue;
    }
    const source = `${identity}#${i + 1}`;
    try {
      const { template, embedding } = await enrol(sample);
      // Bytes are keyed by content; anything else (a decoded raster) by its label.
      gallery.add(identity, source, sampleHash(sample instanceof Uint8Array ? sample : source, settings), template, embedding);
      tally.enrolled++;
    } catch (error) {
      if (!(error instanceof BiometricError)) throw error;
      tally.failed.push({ source, reason: error.message });
    }
  }
  return tally.report();
}

/**
 * Brings a gallery in line with a folder of one sub-folder per identity: new files are
 * enrolled, unchanged ones skipped, changed ones (or ones enrolled under other `settings`, see
 * enrolSamples) replaced, and records of files no longer in the folder removed.
 */
export async function enrolFolder(
  gallery: Gallery,
  dir: string,
  enrol: EnrolSample,
  onProgress?: (done: number, total: number) => void,
  settings?: string,
): Promise<EnrolmentReport> {
  const listing = await readIdentityFolders(dir);
  // Nothing to enrol is a mistake to report (the wrong folder, files not in identity sub-folders), not an empty success.
  if (listing.samples.length === 0) throw new DatasetError('no samples to enrol: expected one sub-folder of sample files per identity', dir);
  const tally = new Tally();
  const listed = new Set<string>();
  for (const [i, sample] of listing.samples.entries()) {
    const source = resolve(join(dir, sample.path));
    listed.add(source);
    await enrolFile(gallery, sample.subject, source, enrol, tally, settings);
    onProgress?.(i + 1, listing.samples.length);
  }
  const root = resolve(dir) + sep;
  for (const record of gallery.recordSources()) {
    if (record.source.startsWith(root) && !listed.has(record.source)) {
      gallery.removeRecord(record.id);
      tally.removed++;
    }
  }
  return tally.report();
}

function sampleHash(bytes: Uint8Array | string, settings: string | undefined): string {
  const hash = createHash('sha256');
  if (settings !== undefined) hash.update(`${settings}\n`);
  return hash.update(bytes).digest('hex');
}
