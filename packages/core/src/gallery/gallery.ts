import { existsSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { BiometricError, ConfigError, DatasetError, errorNaming, TemplateFormatError } from '../errors';
import { makeFolder } from '../make-folder';
import { euclideanLength, isUnitLength } from '../math/unit-length';
import { checkFinite, EmbeddingIndex } from './embedding-index';

/** The meta key that marks an enrolment in progress (see beginEnrolment). */
const UNFINISHED_ENROLMENT = 'unfinishedEnrolment';


/** The gallery was built by another pipeline (modality, model or template version) than the one opening it. */
export class StaleGalleryError extends BiometricError {
  constructor(
    message: string,
    /** The pipeline the gallery records, where it was read (what a modality may word its own message from). */
    readonly recorded?: Readonly<Record<RecordedKey, string | undefined>>,
  ) {
    super('stale_gallery', message);
  }
}

/** What a gallery is for: records made by other pipelines are never mixed in. */
export interface GalleryIdentity {
  readonly modality: string;
  /** The pipeline configuration that made the templates (model, alignment, detector...). */
  readonly model: string;
  readonly templateVersion: number;
  /**
   * The oldest template version the modality still reads (default: `templateVersion` only). A
   * gallery recorded with a version from it up to `templateVersion` opens; it records the newer
   * version once a record of it is added, so that a build which cannot read those refuses it.
   */
  readonly oldestTemplateVersion?: number;
  readonly dims: number;
}

/** What a gallery's meta table records of its pipeline (which versions a build reads is the build's, not the gallery's). */
type RecordedKey = Exclude<keyof GalleryIdentity, 'oldestTemplateVersion'>;

/** The identity a gallery records: the spec without what only the opening build knows. */
function recordedIdentity(spec: GalleryIdentity): [RecordedKey, string][] {
  return Object.entries(spec).flatMap(([k, v]) => (k === 'oldestTemplateVersion' ? [] : [[k as RecordedKey, String(v)]]));
}

/** Whether a gallery recording template version `recorded` holds templates this build reads. */
function readsTemplateVersion(spec: GalleryIdentity, recorded: string | undefined): boolean {
  const version = Number(recorded);
  return recorded === String(version) && Number.isInteger(version) && version >= (spec.oldestTemplateVersion ?? spec.templateVersion) && version <= spec.templateVersion;
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
  /**
   * Create the gallery when the file does not exist (default true). With false, a file that is
   * not already a gallery (an empty file included) is refused and left untouched.
   */
  readonly create?: boolean;
}

/** better-sqlite3's error class, told apart by name (the module is loaded lazily). */
function isSqliteError(err: unknown): err is Error & { code?: string } {
  return err instanceof Error && err.name === 'SqliteError';
}

/** What an SQLite failure means for the gallery, in words a user can act on. */
function sqliteProblem(err: Error & { code?: string }): string {
  const code = err.code ?? '';
  if (code.startsWith('SQLITE_CORRUPT')) return `it is damaged (${err.message}): restore it from a backup, or enrol again into a new gallery`;
  if (code === 'SQLITE_NOTADB') return `it is not an SQLite database, or a damaged one (${err.message})`;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return `another process holds it locked (${err.message}): try again when that one is done`;
  return `it cannot be read or written (${err.message})`;
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
  /** SQLite's data_version when the index was last brought in line with the file (it changes when another connection commits). */
  private dataVersion: number | undefined;
  /** The largest record id ever indexed by this handle: records added by others since have larger ones. */
  private newestRecord = 0;

  /** The statements enrolment runs once per file, prepared once. */
  private readonly insertRecord: BetterSqlite3.Statement;
  private readonly recordTemplateVersion: BetterSqlite3.Statement;
  private readonly selectAllBySource: BetterSqlite3.Statement;
  private readonly selectByContent: BetterSqlite3.Statement;
  private readonly deleteRecord: BetterSqlite3.Statement;
  /** The statements every search and size runs to catch up with other connections, prepared once. */
  private readonly selectRecordsAfter: BetterSqlite3.Statement;
  private readonly selectSource: BetterSqlite3.Statement;
  private readonly countRecords: BetterSqlite3.Statement;
  private readonly selectRecordIds: BetterSqlite3.Statement;

  private constructor(
    private readonly db: BetterSqlite3.Database,
    readonly spec: GalleryIdentity,
    /** The gallery's file (or ':memory:'), named in its errors. */
    readonly path: string,
  ) {
    // A gallery opened with an older template version records this one with its first record of it.
    this.recordTemplateVersion = db.prepare("UPDATE meta SET value = ? WHERE key = 'templateVersion' AND CAST(value AS INTEGER) < ?");
    this.insertRecord = db.prepare('INSERT INTO records (identity, source, content_hash, template, embedding, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.selectAllBySource = db.prepare('SELECT id, identity, content_hash FROM records WHERE source = ? ORDER BY id DESC');
    this.selectByContent = db.prepare('SELECT id FROM records WHERE identity = ? AND content_hash = ? LIMIT 1');
    this.deleteRecord = db.prepare('DELETE FROM records WHERE id = ?');
    this.selectRecordsAfter = db.prepare('SELECT id, identity, embedding FROM records WHERE id > ? ORDER BY id');
    this.selectSource = db.prepare('SELECT source FROM records WHERE id = ?');
    this.countRecords = db.prepare('SELECT COUNT(*) FROM records').pluck();
    this.selectRecordIds = db.prepare('SELECT id FROM records').pluck();
    this.loadIndex();
  }

  /** The in-memory search index, built from the database's rows (again after a rolled-back transaction). */
  private loadIndex(): void {
    this.index = new EmbeddingIndex(this.spec.dims);
    this.rowOfRecord.clear();
    this.recordOfRow = [];
    this.identityOfRecord.clear();
    this.dataVersion = undefined;
    this.newestRecord = 0;
    this.guard(() => {
      // One read transaction: the version and the rows are of the same moment.
      this.db.transaction(() => {
        const version = this.db.pragma('data_version', { simple: true }) as number;
        for (const row of this.selectRecordsAfter.iterate(0) as Iterable<{ id: number; identity: string; embedding: Buffer }>) {
          this.indexRow(row);
        }
        this.dataVersion = version;
      })();
    });
  }

  /**
   * Brings the index in line with the file when another connection (another enrolment, another
   * process) has committed since: its records are searched, the ones it removed are not.
   */
  private refresh(): void {
    if (!this.db.open) return;
    this.guard(() => {
      this.db.transaction(() => {
        const version = this.db.pragma('data_version', { simple: true }) as number;
        if (version === this.dataVersion) return;
        // Ids only grow (AUTOINCREMENT): what was added since is above the largest indexed id.
        for (const row of this.selectRecordsAfter.iterate(this.newestRecord) as Iterable<{ id: number; identity: string; embedding: Buffer }>) {
          this.indexRow(row);
        }
        // Removals (and replacements, a removal plus an addition) show as more indexed than stored: only then sweep every id.
        const stored = this.countRecords.get() as number;
        if (stored !== this.rowOfRecord.size) {
          const live = new Set(this.selectRecordIds.all() as number[]);
          for (const id of [...this.rowOfRecord.keys()]) if (!live.has(id)) this.unindexRecord(id);
        }
        this.dataVersion = version;
      })();
    });
  }

  private indexRow(row: { id: number; identity: string; embedding: Buffer }): void {
    const embedding = new Float32Array(row.embedding.buffer, row.embedding.byteOffset, row.embedding.byteLength / 4);
    if (embedding.length !== this.spec.dims) throw new TemplateFormatError(`gallery record ${row.id} holds a ${embedding.length}-value embedding, the gallery's are ${this.spec.dims}`);
    // A damaged row (NaN, or a value of 1e30) would top or sink every search without a word.
    this.checkEmbedding(embedding, `gallery record ${row.id} (${row.identity})`);
    this.indexRecord(row.id, row.identity, embedding);
  }

  /** Runs `work`, turning SQLite's failures (a damaged page, a lock held too long) into a DatasetError naming the gallery. */
  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (err) {
      if (isSqliteError(err)) throw new DatasetError(`the gallery cannot be used: ${sqliteProblem(err)}`, this.path);
      throw err;
    }
  }

  /**
   * Opens the gallery at `path`, creating it unless `create` is false (for searches: a mistyped
   * path, or an empty file, must not look like an empty gallery). A file that is not a gallery,
   * or a damaged one, is a DatasetError.
   */
  static async open(path: string, spec: GalleryIdentity, opts: GalleryOpenOptions = {}): Promise<Gallery> {
    const { default: Database } = await import('better-sqlite3');
    const inMemory = path === ':memory:';
    // An in-memory gallery is always new: there is no file to refuse.
    const create = opts.create !== false || inMemory;
    if (!inMemory && !create && !existsSync(path)) {
      throw new DatasetError('no such gallery (galleries are made by enrolling into them)', path);
    }
    if (!(Number.isInteger(spec.dims) && spec.dims > 0)) throw new ConfigError(`a gallery's embeddings need a whole positive length, got ${spec.dims}`);
    if (!inMemory && create) {
      try {
        // Not mkdirSync's recursive mode: it never returns under /proc, where this fails at once.
        await makeFolder(dirname(path), 'gallery folder');
      } catch (cause) {
        if (!(cause instanceof DatasetError)) throw cause;
        throw new DatasetError(`cannot be opened as a biofuse gallery: ${cause.message}`, path);
      }
    }
    let db: BetterSqlite3.Database | undefined;
    try {
      db = new Database(path, { fileMustExist: !create && !inMemory });
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      // Someone else's SQLite database is refused, not given our tables.
      if (tables.length > 0 && !tables.includes('meta')) {
        throw new DatasetError(`cannot be opened as a biofuse gallery: an SQLite database of other tables (${tables.slice(0, 3).join(', ')})`, path);
      }
      // Checked before anything is written: a search must not turn an empty file into a gallery.
      if (!create && !(tables.includes('meta') && tables.includes('records'))) {
        throw new DatasetError(`not a biofuse gallery (${tables.length === 0 ? 'an empty database' : 'no records table'}); galleries are made by enrolling into them`, path);
      }
      db.pragma('journal_mode = WAL');
      const conn = db;
      const readMeta = () =>
        new Map(
          (conn.prepare('SELECT key, value FROM meta').all() as { key: unknown; value: string }[]).map((r) => {
            // SQLite keeps a NULL or a blob in a TEXT key: a damaged row, which was a TypeError below.
            if (typeof r.key !== 'string') throw new DatasetError('cannot be opened as a biofuse gallery: it is damaged (its pipeline record holds a key that is not text)', path);
            return [r.key, r.value];
          }),
        );
      // Schema and pipeline written under the write lock: two enrolments creating one gallery at once must not both write its meta.
      const meta = create
        ? conn.transaction(() => {
            conn.exec(SCHEMA);
            if (readMeta().size === 0) {
              const insert = conn.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
              for (const [k, v] of recordedIdentity(spec)) insert.run(k, v);
            }
            return readMeta();
          }).immediate()
        : readMeta();
      if (meta.size === 0) throw new DatasetError('not a biofuse gallery (it records no pipeline); galleries are made by enrolling into them', path);
      // A search must not trust a gallery whose last enrolment stopped half-way (Ctrl-C, a crash): some of its files are in, others not.
      const unfinished = [...meta].find(([key]) => key.startsWith(`${UNFINISHED_ENROLMENT}:`));
      if (!create && unfinished) {
        const [key, value] = unfinished;
        throw new DatasetError(`an enrolment of ${key.slice(UNFINISHED_ENROLMENT.length + 1)} into this gallery (${value}) did not finish: it was interrupted, or is still running; enrol again to complete it`, path);
      }
      for (const [k, v] of recordedIdentity(spec)) {
        if (meta.get(k) !== v && !(k === 'templateVersion' && readsTemplateVersion(spec, meta.get(k)))) {
          const recorded = Object.fromEntries(recordedIdentity(spec).map(([key]) => [key, meta.get(key)])) as Record<RecordedKey, string | undefined>;
          // Templates newer than this build reads are not stale: the build is (deleting the gallery would lose them).
          const newer = k === 'templateVersion' && Number(meta.get(k)) > spec.templateVersion;
          throw new StaleGalleryError(
            newer
              ? `gallery ${path} holds templates of version ${meta.get(k)}, newer than this build of biofuse reads (${v}): upgrade biofuse to use it`
              : `gallery ${path} was built with ${k} "${meta.get(k)}", this pipeline uses "${v}": enrol again into a new gallery (or delete this one)`,
            recorded,
          );
        }
      }
      // A damaged record: the file stays as it is for whoever repairs it, and is not held open.
      return new Gallery(db, spec, path);
    } catch (err) {
      db?.close();
      if (isSqliteError(err)) throw new DatasetError(`cannot be opened as a biofuse gallery: ${sqliteProblem(err)}`, path);
      // A damaged record ("gallery record 3 holds a 7-value embedding") did not say which gallery holds it.
      if (err instanceof TemplateFormatError) throw errorNaming(path, err);
      throw err;
    }
  }

  /**
   * Removes the gallery at `path` (with SQLite's side files) if it holds no records and no other
   * connection has it open: a failed first enrolment cleans up after itself, but never takes a
   * gallery another enrolment is filling. Anything it cannot check is kept. Returns whether no
   * gallery is left at `path`.
   */
  static async removeIfEmpty(path: string): Promise<boolean> {
    if (path === ':memory:') return true;
    if (!existsSync(path)) return true;
    const { default: Database } = await import('better-sqlite3');
    let db: BetterSqlite3.Database | undefined;
    try {
      const conn = (db = new Database(path, { fileMustExist: true, timeout: 1000 }));
      const tables = (conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      if (tables.length > 0 && !tables.includes('records')) return false;
      const count = () => (tables.includes('records') ? (conn.prepare('SELECT COUNT(*) FROM records').pluck().get() as number) : 0);
      if (count() > 0) return false;
      // Leaving WAL mode needs the only connection: a gallery another enrolment holds open (still extracting) is kept.
      if (conn.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') return false;
      conn.exec('BEGIN EXCLUSIVE');
      let removed = false;
      try {
        if (count() === 0) {
          for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
          removed = true;
        }
      } finally {
        conn.exec('ROLLBACK');
      }
      if (!removed) conn.pragma('journal_mode = WAL');
      return removed;
    } catch (err) {
      if (isSqliteError(err)) return false;
      throw err;
    } finally {
      db?.close();
    }
  }

  /**
   * Marks the gallery as being enrolled into, for `target` (a folder, or one identity), until
   * finishEnrolment for the same target: opening it for a search (create: false) meanwhile, or
   * after the enrolment died, is refused. Each target has its own mark, so completing another
   * target's enrolment does not clear a folder's that stopped half-way. enrolFolder and
   * enrolSamples do this themselves.
   */
  beginEnrolment(target: string): void {
    this.guard(() => this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(`${UNFINISHED_ENROLMENT}:${target}`, `process ${process.pid}, started ${new Date().toISOString()}`));
  }

  /** Ends what beginEnrolment started for `target`: its files are all in the gallery again. */
  finishEnrolment(target: string): void {
    this.guard(() => this.db.prepare('DELETE FROM meta WHERE key = ?').run(`${UNFINISHED_ENROLMENT}:${target}`));
  }

  /** How many records the gallery holds (other connections' commits included). */
  get size(): number {
    this.refresh();
    return this.index.size;
  }

  add(identity: string, source: string, contentHash: string, template: Uint8Array, embedding: Float32Array): number {
    if (identity === '') throw new ConfigError('an identity must not be empty');
    // Checked before the row is written: a row the index cannot take would break every later open.
    this.checkEmbedding(embedding, `the embedding of ${source}`);
    // With the record (in its transaction, if any): a gallery never says it holds an older version than it does.
    this.guard(() => this.recordTemplateVersion.run(String(this.spec.templateVersion), this.spec.templateVersion));
    const result = this.guard(() => this.insertRecord.run(identity, source, contentHash, Buffer.from(template), Buffer.from(embedding.buffer, embedding.byteOffset, embedding.byteLength), new Date().toISOString()));
    const id = Number(result.lastInsertRowid);
    this.indexRecord(id, identity, embedding);
    return id;
  }

  /**
   * Runs `work` in one write transaction (bulk enrolment without a disk sync per record). It
   * takes the write lock first (BEGIN IMMEDIATE) and brings the index in line with the file, so
   * what `work` reads stays true until it commits, whatever other processes do meanwhile.
   */
  transaction<T>(work: () => T): T {
    try {
      return this.guard(() =>
        this.db
          .transaction(() => {
            this.refresh();
            return work();
          })
          .immediate(),
      );
    } catch (err) {
      // SQLite rolled the rows back; the index must forget them too.
      if (this.db.open) this.loadIndex();
      throw err;
    }
  }

  /** The record enrolled from `source` last, if any (to skip or replace it on re-enrolment). */
  findBySource(source: string): { id: number; identity: string; contentHash: string } | undefined {
    return this.findAllBySource(source)[0];
  }

  /** Every record enrolled from `source`, the latest first (more than one only where enrolments raced before they were serialised). */
  findAllBySource(source: string): { id: number; identity: string; contentHash: string }[] {
    const rows = this.guard(() => this.selectAllBySource.all(source)) as { id: number; identity: string; content_hash: string }[];
    return rows.map((row) => ({ id: row.id, identity: row.identity, contentHash: row.content_hash }));
  }

  /** A record of `identity` with this content hash, if any (samples given as bytes are keyed by content, having no path). */
  findByContent(identity: string, contentHash: string): number | undefined {
    const row = this.guard(() => this.selectByContent.get(identity, contentHash)) as { id: number } | undefined;
    return row?.id;
  }

  /** Every record's id and source (to find records whose file is gone). */
  recordSources(): { id: number; source: string }[] {
    return this.guard(() => this.db.prepare('SELECT id, source FROM records ORDER BY id').all()) as { id: number; source: string }[];
  }

  /** Removes one record; returns whether it was there (another process may have removed it first). */
  removeRecord(id: number): boolean {
    const { changes } = this.guard(() => this.deleteRecord.run(id));
    this.unindexRecord(id);
    return changes > 0;
  }

  /** Removes every record of an identity; returns how many there were. */
  remove(identity: string): number {
    return this.transaction(() => {
      const ids = (this.db.prepare('SELECT id FROM records WHERE identity = ?').all(identity) as { id: number }[]).map((r) => r.id);
      this.db.prepare('DELETE FROM records WHERE identity = ?').run(identity);
      for (const id of ids) this.unindexRecord(id);
      return ids.length;
    });
  }

  /** Identities with their number of enrolled samples. */
  list(): { identity: string; samples: number }[] {
    return this.guard(() => this.db.prepare('SELECT identity, COUNT(*) AS samples FROM records GROUP BY identity ORDER BY identity').all()) as { identity: string; samples: number }[];
  }

  records(identity: string): GalleryRecord[] {
    const rows = this.guard(() => this.db.prepare('SELECT id, identity, source, content_hash, template, enrolled_at FROM records WHERE identity = ? ORDER BY id').all(identity)) as {
      id: number;
      identity: string;
      source: string;
      content_hash: string;
      template: Buffer;
      enrolled_at: string;
    }[];
    return rows.map((r) => ({ id: r.id, identity: r.identity, source: r.source, contentHash: r.content_hash, template: new Uint8Array(r.template), enrolledAt: r.enrolled_at }));
  }

  /**
   * The `k` identities most similar to the query (each scored by its best sample), best first;
   * equal scores go by record id, so the order is the same live and after a reopen. Searches
   * enough rows that `k` distinct identities survive however many samples each has. An empty
   * gallery is a DatasetError: an empty answer would read as "no one matched".
   */
  search(embedding: Float32Array, k: number): Candidate[] {
    // NaN or a fraction never reaches k distinct identities: the loop below would not end.
    if (!(Number.isInteger(k) && k > 0)) throw new ConfigError(`a gallery search returns a whole positive number of candidates, got k = ${k}`);
    this.checkEmbedding(embedding, 'the query');
    // One read transaction: the sources looked up are those of the records searched.
    return this.guard(() =>
      this.db.transaction(() => {
        this.refresh();
        const size = this.index.size;
        if (size === 0) throw new DatasetError('the gallery holds no records: enrol into it before searching it', this.path);
        let depth = Math.min(size, k * 4);
        for (;;) {
          const hits = this.index.search(embedding, depth, this.recordOfRow);
          const best = new Map<string, Candidate>();
          for (const hit of hits) {
            const recordId = this.recordOfRow[hit.row];
            const identity = this.identityOfRecord.get(recordId)!;
            if (!best.has(identity)) best.set(identity, { identity, score: hit.score, recordId, source: '' });
          }
          if (best.size >= k || depth >= size) {
            const top = [...best.values()].slice(0, k);
            return top.map((c) => ({ ...c, source: (this.selectSource.get(c.recordId) as { source: string }).source }));
          }
          depth = Math.min(size, depth * 4);
        }
      })(),
    );
  }

  close(): void {
    this.db.close();
  }

  /**
   * An embedding of the gallery's length, finite, and of unit length (or all zeros, a template
   * with nothing to describe): the index ranks by inner product, so one NaN would sit first in
   * every search (a NaN score is never below another) and one long vector would top every
   * search, at any threshold.
   */
  private checkEmbedding(embedding: Float32Array, what: string): void {
    if (embedding.length !== this.spec.dims) throw new TemplateFormatError(`${what} has ${embedding.length} values, the gallery's embeddings ${this.spec.dims}`);
    // The index checks again, but only here is the record named, and before its row is written.
    checkFinite(embedding, what);
    const length = euclideanLength(embedding);
    if (length !== 0 && !isUnitLength(length)) {
      throw new TemplateFormatError(`${what} has length ${length.toPrecision(6)}; a gallery holds unit vectors (L2-normalised embeddings)`);
    }
  }

  private indexRecord(id: number, identity: string, embedding: Float32Array): void {
    const row = this.index.add(embedding);
    this.newestRecord = Math.max(this.newestRecord, id);
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
