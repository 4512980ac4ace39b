import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { BiometricError, ConfigError, DatasetError, TemplateFormatError } from '../errors';
import { EmbeddingIndex } from './embedding-index';

/** How far a stored embedding's length may be from 1 (float32 rounding stays far below it). */
const UNIT_TOLERANCE = 1e-3;

/** The gallery was built by another pipeline (modality, model or template version) than the one opening it. */
export class StaleGalleryError extends BiometricError {
  constructor(message: string) {
    super('stale_gallery', message);
  }
}

/** What a gallery is for: records made by other pipelines are never mixed in. */
export interface GalleryIdentity {
  readonly modality: string;
  /** The pipeline configuration that made the templates (model, alignment, detector...). */
  readonly model: string;
  readonly templateVersion: number;
  readonly dims: number;
}

export interface GalleryRecord {
  readonly id: number;
  readonly identity: string;
  /** Where the sample came from (a file path, or a caller's label). */
  readonly source: string;
  /** SHA-256 of the sample's bytes, to re-enrol only what changed. */
  readonly contentHash: string;
  readonly template: Uint8Array;
  readonly enrolledAt: string;
}

export interface Candidate {
  readonly identity: string;
  /** The best similarity among the identity's enrolled samples. */
  readonly score: number;
  readonly recordId: number;
  readonly source: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    identity TEXT NOT NULL,
    source TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    template BLOB NOT NULL,
    embedding BLOB NOT NULL,
    enrolled_at TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS records_identity ON records(identity);
  CREATE INDEX IF NOT EXISTS records_source ON records(source);
`;

export interface GalleryOpenOptions {
  /** Create the gallery when the file does not exist (default true). */
  readonly create?: boolean;
}

/**
 * An enrolment database: records in SQLite (one file, or ':memory:'), their embeddings in an
 * in-memory index rebuilt at open, for exhaustive 1:N search. The file remembers which
 * pipeline made it; opening it with another is a StaleGalleryError, never a silent mix.
 */
export class Gallery {
  private index!: EmbeddingIndex;
  private readonly rowOfRecord = new Map<number, number>();
  private recordOfRow: number[] = [];
  private readonly identityOfRecord = new Map<number, string>();

  /** The statements enrolment runs once per file, prepared once. */
  private readonly insertRecord: BetterSqlite3.Statement;
  private readonly selectBySource: BetterSqlite3.Statement;
  private readonly deleteRecord: BetterSqlite3.Statement;

  private constructor(
    private readonly db: BetterSqlite3.Database,
    readonly spec: GalleryIdentity,
  ) {
    this.insertRecord = db.prepare('INSERT INTO records (identity, source, content_hash, template, embedding, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.selectBySource = db.prepare('SELECT id, identity, content_hash FROM records WHERE source = ? ORDER BY id DESC LIMIT 1');
    this.deleteRecord = db.prepare('DELETE FROM records WHERE id = ?');
    this.loadIndex();
  }

  /** The in-memory search index, built from the database's rows (again after a rolled-back transaction). */
  private loadIndex(): void {
    this.index = new EmbeddingIndex(this.spec.dims);
    this.rowOfRecord.clear();
    this.recordOfRow = [];
    this.identityOfRecord.clear();
    for (const row of this.db.prepare('SELECT id, identity, embedding FROM records ORDER BY id').iterate() as Iterable<{ id: number; identity: string; embedding: Buffer }>) {
      const embedding = new Float32Array(row.embedding.buffer, row.embedding.byteOffset, row.embedding.byteLength / 4);
      if (embedding.length !== this.spec.dims) throw new TemplateFormatError(`gallery record ${row.id} holds a ${embedding.length}-value embedding, the gallery's are ${this.spec.dims}`);
      // A damaged row (NaN, or a value of 1e30) would top or sink every search without a word.
      this.checkEmbedding(embedding, `gallery record ${row.id} (${row.identity})`);
      this.indexRecord(row.id, row.identity, embedding);
    }
  }

  /**
   * Opens the gallery at `path`, creating it unless `create` is false (for searches: a mistyped
   * path must not look like an empty gallery). A file that is not a gallery is a DatasetError.
   */
  static async open(path: string, spec: GalleryIdentity, opts: GalleryOpenOptions = {}): Promise<Gallery> {
    const { default: Database } = await import('better-sqlite3');
    if (path !== ':memory:' && opts.create === false && !existsSync(path)) {
      throw new DatasetError('no such gallery (galleries are made by enrolling into them)', path);
    }
    if (!(Number.isInteger(spec.dims) && spec.dims > 0)) throw new ConfigError(`a gallery's embeddings need a whole positive length, got ${spec.dims}`);
    let db: BetterSqlite3.Database | undefined;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      // Someone else's SQLite database is refused, not given our tables; an empty file becomes a gallery.
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      if (tables.length > 0 && !tables.includes('meta')) throw new Error(`an SQLite database of other tables (${tables.slice(0, 3).join(', ')})`);
      db.pragma('journal_mode = WAL');
      db.exec(SCHEMA);
    } catch (cause) {
      db?.close();
      throw new DatasetError(`cannot be opened as a biofuse gallery: ${(cause as Error).message}`, path);
    }
    const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    if (meta.size === 0) {
      const insert = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      db.transaction(() => {
        for (const [k, v] of Object.entries(spec)) insert.run(k, String(v));
      })();
    } else {
      for (const [k, v] of Object.entries(spec)) {
        if (meta.get(k) !== String(v)) {
          db.close();
          throw new StaleGalleryError(
            `gallery ${path} was built with ${k} "${meta.get(k)}", this pipeline uses "${v}": enrol again into a new gallery (or delete this one)`,
          );
        }
      }
    }
    try {
      return new Gallery(db, spec);
    } catch (err) {
      // A damaged record: the file stays as it is for whoever repairs it, and is not held open.
      db.close();
      throw err;
    }
  }

  get size(): number {
    return this.index.size;
  }

  add(identity: string, source: string, contentHash: string, template: Uint8Array, embedding: Float32Array): number {
    if (identity === '') throw new ConfigError('an identity must not be empty');
    // Checked before the row is written: a row the index cannot take would break every later open.
    this.checkEmbedding(embedding, `the embedding of ${source}`);
    const result = this.insertRecord.run(identity, source, contentHash, Buffer.from(template), Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength), new Date().toISOString());
    const id = Number(result.lastInsertRowid);
    this.indexRecord(id, identity, embedding);
    return id;
  }

  /** Runs `work` in one SQLite transaction: bulk enrolment without a disk sync per record. */
  transaction<T>(work: () => T): T {
    try {
      return this.db.transaction(work)();
    } catch (err) {
      // SQLite rolled the rows back; the index must forget them too.
      this.loadIndex();
      throw err;
    }
  }

  /** The record enrolled from `source`, if any (to skip or replace it on re-enrolment). */
  findBySource(source: string): { id: number; identity: string; contentHash: string } | undefined {
    const row = this.selectBySource.get(source) as
      | { id: number; identity: string; content_hash: string }
      | undefined;
    return row && { id: row.id, identity: row.identity, contentHash: row.content_hash };
  }

  /** Every record's id and source (to find records whose file is gone). */
  recordSources(): { id: number; source: string }[] {
    return this.db.prepare('SELECT id, source FROM records ORDER BY id').all() as { id: number; source: string }[];
  }

  removeRecord(id: number): void {
    this.deleteRecord.run(id);
    this.unindexRecord(id);
  }

  /** Removes every record of an identity; returns how many there were. */
  remove(identity: string): number {
    const ids = (this.db.prepare('SELECT id FROM records WHERE identity = ?').all(identity) as { id: number }[]).map((r) => r.id);
    this.db.prepare('DELETE FROM records WHERE identity = ?').run(identity);
    for (const id of ids) this.unindexRecord(id);
    return ids.length;
  }

  /** Identities with their number of enrolled samples. */
  list(): { identity: string; samples: number }[] {
    return this.db.prepare('SELECT identity, COUNT(*) AS samples FROM records GROUP BY identity ORDER BY identity').all() as { identity: string; samples: number }[];
  }

  records(identity: string): GalleryRecord[] {
    return (this.db.prepare('SELECT id, identity, source, content_hash, template, enrolled_at FROM records WHERE identity = ? ORDER BY id').all(identity) as {
      id: number;
      identity: string;
      source: string;
      content_hash: string;
      template: Buffer;
      enrolled_at: string;
    }[]).map((r) => ({ id: r.id, identity: r.identity, source: r.source, contentHash: r.content_hash, template: new Uint8Array(r.template), enrolledAt: r.enrolled_at }));
  }

  /**
   * The `k` identities most similar to the query (each scored by its best sample), best first.
   * Searches enough rows that `k` distinct identities survive however many samples each has.
   */
  search(embedding: Float32Array, k: number): Candidate[] {
    // NaN or a fraction never reaches k distinct identities: the loop below would not end.
    if (!(Number.isInteger(k) && k > 0)) throw new ConfigError(`a gallery search returns a whole positive number of candidates, got k = ${k}`);
    this.checkEmbedding(embedding, 'the query');
    if (this.size === 0) return [];
    let depth = Math.min(this.size, k * 4);
    for (;;) {
      const hits = this.index.search(embedding, depth);
      const best = new Map<string, Candidate>();
      for (const hit of hits) {
        const recordId = this.recordOfRow[hit.row];
        const identity = this.identityOfRecord.get(recordId)!;
        if (!best.has(identity)) best.set(identity, { identity, score: hit.score, recordId, source: '' });
      }
      if (best.size >= k || depth >= this.size) {
        const top = [...best.values()].slice(0, k);
        const sourceOf = this.db.prepare('SELECT source FROM records WHERE id = ?');
        return top.map((c) => ({ ...c, source: (sourceOf.get(c.recordId) as { source: string }).source }));
      }
      depth = Math.min(this.size, depth * 4);
    }
  }

  close(): void {
    this.db.close();
  }

  /**
   * An embedding of the gallery's length, finite, and of unit length (or all zeros, a template
   * with nothing to describe): the index ranks by inner product, so one NaN would sink every
   * search and one long vector would top every search, at any threshold.
   */
  private checkEmbedding(embedding: Float32Array, what: string): void {
    if (embedding.length !== this.spec.dims) throw new TemplateFormatError(`${what} has ${embedding.length} values, the gallery's embeddings ${this.spec.dims}`);
    let sum = 0;
    for (let i = 0; i < embedding.length; i++) {
      if (!Number.isFinite(embedding[i])) throw new TemplateFormatError(`${what} has a value that is not a finite number (at ${i})`);
      sum += embedding[i] * embedding[i];
    }
    const length = Math.sqrt(sum);
    if (length !== 0 && Math.abs(length - 1) > UNIT_TOLERANCE) {
      throw new TemplateFormatError(`${what} has length ${length.toPrecision(6)}; a gallery holds unit vectors (L2-normalised embeddings)`);
    }
  }

  private indexRecord(id: number, identity: string, embedding: Float32Array): void {
    const row = this.index.add(embedding);
    this.rowOfRecord.set(id, row);
    this.recordOfRow[row] = id;
    this.identityOfRecord.set(id, identity);
  }

  private unindexRecord(id: number): void {
    const row = this.rowOfRecord.get(id);
    if (row === undefined) return;
    const moved = this.index.remove(row);
    if (moved >= 0) {
      const movedRecord = this.recordOfRow[moved];
      this.recordOfRow[row] = movedRecord;
      this.rowOfRecord.set(movedRecord, row);
    }
    this.recordOfRow.length = this.index.size;
    this.rowOfRecord.delete(id);
    this.identityOfRecord.delete(id);
  }
}
