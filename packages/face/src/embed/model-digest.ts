import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { DatasetError } from '@biofuse/core';
import { readModelFile, sha256 } from '../runtime/load-model';
import type { FaceModelCard } from './card';
import type { ExternalDataFile } from './onnx-external-data';

/*
 * What decides a model's embeddings, as one digest: the card's fields that shape the input and
 * output (not its description or thresholds, which calibration rewrites) and the bytes of its
 * weights. A gallery records it, so a model retrained or replaced under the same name is told
 * apart from the one that enrolled it. Reading and hashing cost 1-3 ms per MB here: 10-40 ms for
 * a shipped model's weights (2-14 MB), once per process.
 */

/**
 * The digest of a card and of its weights' digests (in the card's order). Paths are left out:
 * moving an installation does not change what a model computes.
 */
export function modelDigest(card: FaceModelCard, weights: readonly string[]): string {
  const { name, source, input, alignment, embeddingSize } = card;
  const output = 'output' in source ? source.output : undefined;
  return sha256(JSON.stringify({ name, kind: source.kind, output, input, alignment, embeddingSize, weights }));
}

/**
 * A user's weights file (an ONNX model, a projection head), pinned to the bytes first used:
 * whichever comes first, a digest handed out (to a gallery) or a successful load, fixes them,
 * and the other is checked against them. A file retrained while a process runs is then
 * refused, where a gallery would have recorded the new file's digest beside embeddings of the
 * old one (or the other way round). A load that fails pins nothing: the file may be repaired.
 * `companions` names, from the file's bytes, the files beside it that it is made of too (an
 * ONNX model's external data): they are pinned and digested with it.
 */
export class PinnedFile {
  private pinned: readonly string[] | undefined;

  constructor(
    readonly path: string,
    /** What the file is, for errors: "the ONNX model of arcface". */
    private readonly what: string,
    private readonly companions: (bytes: Buffer) => readonly ExternalDataFile[] = () => [],
  ) {}

  /**
   * Runs `use` on the file's bytes and its companions' (by the location the file gives each),
   * once they are checked against the pinned ones; pins them if it succeeds. `use` takes these
   * bytes, not the files again: what is loaded is what was digested.
   */
  async load<T>(use: (bytes: Buffer, companions: readonly { readonly location: string; readonly bytes: Buffer }[]) => Promise<T> | T): Promise<T> {
    const bytes = await readModelFile(this.path, this.what);
    const companions: { location: string; bytes: Buffer }[] = [];
    for (const file of this.companions(bytes)) companions.push({ location: file.location, bytes: await readModelFile(file.path, this.companionWhat(file)) });
    const digests = [bytes, ...companions.map((c) => c.bytes)].map((b) => sha256(b));
    if (this.pinned !== undefined && digests.join() !== this.pinned.join()) {
      throw new DatasetError(`${this.what} changed while this process was using it (retrained or replaced): start again, so that one model makes every embedding`, this.path);
    }
    const out = await use(bytes, companions);
    this.pinned ??= digests;
    return out;
  }

  /**
   * The digests of the pinned bytes: the file's, then its companions' (pinning their present
   * bytes if none are yet). Companions are hashed as they stream from disk, never held whole.
   */
  async digests(): Promise<readonly string[]> {
    if (this.pinned === undefined) {
      const bytes = await readModelFile(this.path, this.what);
      const digests = [sha256(bytes)];
      for (const file of this.companions(bytes)) digests.push(await sha256OfFile(file.path, this.companionWhat(file)));
      this.pinned ??= digests;
    }
    return this.pinned;
  }

  private companionWhat(file: ExternalDataFile): string {
    return `${file.location}, the external data of ${this.what}`;
  }
}

/** The sha256 of a file, read in chunks; missing or unreadable is a DatasetError naming it as `what` (as readModelFile's). */
async function sha256OfFile(path: string, what: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch (cause) {
    throw new DatasetError(`cannot read ${what} (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, path, undefined, { cause });
  }
  return hash.digest('hex');
}
