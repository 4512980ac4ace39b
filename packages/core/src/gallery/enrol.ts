import { createHash } from 'node:crypto';
import { join, resolve, sep } from 'node:path';
import { readIdentityFolders } from '../datasets/generic';
import { BiometricError, DatasetError } from '../errors';
import { readSampleFile } from '../image/decode';
import type { Gallery } from './gallery';

/** What enrolment did; failures to enrol are counted with their reasons, never dropped. */
export interface EnrolmentReport {
  readonly enrolled: number;
  /** Files (or samples given as bytes) already enrolled with the same content. */
  readonly unchanged: number;
  /** Files enrolled before with other content, now replaced. */
  readonly replaced: number;
  /**
   * Records taken out because they no longer stand for a file: its content changed and no
   * longer enrols, or (folder enrolment) the file is gone from the folder, or a second record
   * of one file (left by enrolments that raced before they were serialised).
   */
  readonly removed: number;
  /** Samples that could not be enrolled, with the reason (counted as failures to enrol). */
  readonly failed: readonly { readonly source: string; readonly reason: string }[];
  /**
   * What folder enrolment did not try, with the reason: files at the top level, folders inside
   * an identity folder, links to nothing, hidden files, identity folders with no sample.
   */
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
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
  readonly skipped: { path: string; reason: string }[] = [];

  report(): EnrolmentReport {
    return { enrolled: this.enrolled, unchanged: this.unchanged, replaced: this.replaced, removed: this.removed, failed: this.failed, skipped: this.skipped };
  }
}

/**
 * Whether `source` is enrolled as `identity` with content `hash` (its latest record); if so,
 * any older record of it is a duplicate and is removed. Run inside a write transaction.
 */
function settled(gallery: Gallery, identity: string, source: string, hash: string, tally: Tally): boolean {
  const [latest, ...older] = gallery.findAllBySource(source);
  if (!latest || latest.contentHash !== hash || latest.identity !== identity) return false;
  for (const record of older) if (gallery.removeRecord(record.id)) tally.removed++;
  tally.unchanged++;
  return true;
}

/**
 * One file into the gallery, keyed by its path: the same content under the same identity is
 * skipped, other content replaces the old record, and content that no longer enrols takes the
 * old record out (it would otherwise stand for a file that is not there any more). Another
 * enrolment into the same gallery (another process) may write this file's record while its
 * sample is being extracted, so the record is looked up again, and written, in one write
 * transaction: the same content is then unchanged, other content is replaced, never doubled.
 */
async function enrolFile(
  gallery: Gallery,
  identity: string,
  source: string,
  enrol: (bytes: Buffer) => ReturnType<EnrolSample>,
  tally: Tally,
  settings: string | undefined,
): Promise<void> {
  const seen = gallery.findAllBySource(source);
  const failed = (error: unknown): void => {
    if (!(error instanceof BiometricError)) throw error;
    // The records seen before no longer stand for the file; one another enrolment wrote meanwhile is its own to answer for.
    const removed = seen.length === 0 ? 0 : gallery.transaction(() => seen.filter((r) => gallery.removeRecord(r.id)).length);
    tally.removed += removed;
    tally.failed.push({ source, reason: removed > 0 ? `${error.message} (its earlier record was removed)` : error.message });
  };
  let bytes: Buffer;
  try {
    bytes = await readSampleFile(source);
  } catch (error) {
    return failed(error);
  }
  const hash = sampleHash(bytes, settings);
  const [latest] = seen;
  if (latest && latest.contentHash === hash && latest.identity === identity) {
    if (seen.length === 1) {
      tally.unchanged++;
      return;
    }
    if (gallery.transaction(() => settled(gallery, identity, source, hash, tally))) return;
  }
  let made: Awaited<ReturnType<EnrolSample>>;
  try {
    made = await enrol(bytes);
  } catch (error) {
    return failed(error);
  }
  gallery.transaction(() => {
    if (settled(gallery, identity, source, hash, tally)) return;
    const old = gallery.findAllBySource(source);
    const gone = old.filter((r) => gallery.removeRecord(r.id)).length;
    if (gone > 0) {
      tally.replaced++;
      tally.removed += gone - 1;
    }
    gallery.add(identity, source, hash, made.template, made.embedding);
    tally.enrolled++;
  });
}

/**
 * Enrols samples under one identity: files (read here, so an unreadable one is a failure with
 * its reason; enrolled again, they are skipped or replaced as in enrolFolder) or in-memory
 * samples, labelled `<identity>#<n>`. In-memory samples with content (bytes, a data URL: any
 * string `pathOf` does not call a path) are keyed by it within the identity: content already
 * enrolled is counted unchanged, not added again; others (a decoded raster) are always added.
 * `pathOf` says which samples are file paths. A sample that cannot be read or acquired is a
 * failure to enrol; any other error is a bug and propagates. `settings` names whatever besides
 * a file's bytes shapes its template (a stated sensor resolution, a quality gate): it is part
 * of the content key, so a file enrolled under other settings is enrolled again instead of skipped.
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
  const target = `identity ${identity}`;
  gallery.beginEnrolment(target);
  for (const [i, sample] of samples.entries()) {
    const path = pathOf(sample);
    if (path !== undefined) {
      await enrolFile(gallery, identity, resolve(path), enrol, tally, settings);
      continue;
    }
    const source = `${identity}#${i + 1}`;
    const content = sample instanceof Uint8Array || typeof sample === 'string' ? sample : undefined;
    // Keyed by content where there is one; anything else (a decoded raster) by its label.
    const hash = sampleHash(content ?? source, settings);
    const enrolled = () => content !== undefined && gallery.findByContent(identity, hash) !== undefined;
    if (enrolled()) {
      tally.unchanged++;
      continue;
    }
    let made: Awaited<ReturnType<EnrolSample>>;
    try {
      made = await enrol(sample);
    } catch (error) {
      if (!(error instanceof BiometricError)) throw error;
      tally.failed.push({ source, reason: error.message });
      continue;
    }
    // Looked up again under the write lock: another enrolment may have added this content meanwhile.
    gallery.transaction(() => {
      if (enrolled()) {
        tally.unchanged++;
        return;
      }
      gallery.add(identity, source, hash, made.template, made.embedding);
      tally.enrolled++;
    });
  }
  gallery.finishEnrolment(target);
  return tally.report();
}

/**
 * Brings a gallery in line with a folder of one sub-folder per identity: new files are
 * enrolled, unchanged ones skipped, changed ones (or ones enrolled under other `settings`, see
 * enrolSamples) replaced, and records of files no longer in the folder removed. What the
 * folder holds besides identity folders of files is listed in the report as skipped.
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
  const root = resolve(dir);
  for (const s of listing.skipped) tally.skipped.push({ path: join(root, s.path), reason: s.reason });
  const listed = new Set<string>();
  const target = `folder ${root}`;
  gallery.beginEnrolment(target);
  for (const [i, sample] of listing.samples.entries()) {
    const source = resolve(join(dir, sample.path));
    listed.add(source);
    await enrolFile(gallery, sample.subject, source, enrol, tally, settings);
    onProgress?.(i + 1, listing.samples.length);
  }
  gallery.transaction(() => {
    for (const record of gallery.recordSources()) {
      if (record.source.startsWith(root + sep) && !listed.has(record.source)) {
        if (gallery.removeRecord(record.id)) tally.removed++;
      }
    }
  });
  gallery.finishEnrolment(target);
  return tally.report();
}

function sampleHash(bytes: Uint8Array | string, settings: string | undefined): string {
  const hash = createHash('sha256');
  if (settings !== undefined) hash.update(`${settings}\n`);
  return hash.update(bytes).digest('hex');
}
