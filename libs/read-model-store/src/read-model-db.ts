import { existsSync, mkdirSync, renameSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MAX_READ_MODEL_SLOTS, ReadModelFileInUse, ReadModelLock, readModelSlot } from './read-model-lock';

/** A prepared statement, as the read models use it. */
export interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

/** SQLite's answers for a file that is not a database, or a damaged one: only these set a file aside. */
const DAMAGED = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/** How a process chooses its read-model file (`ReadModelDb.openExclusive`). */
export interface ExclusiveOptions {
  /**
   * The file is the default one (`DGR_READ_MODEL_FILE` not set): when another process holds it, the next free
   * slot (`read-models.2.sqlite`, `.3`, …) is used. Without it, a file another process holds is refused.
   */
  readonly slots?: boolean;
}

/** The page cache while catching up (KiB): a batch's changed pages stay in memory until its commit. */
const BULK_CACHE_KIB = 64 * 1024;

/**
 * The file that holds the persistent read models (ADR 0018) — the business read models and the audit read
 * model's `audit_*` tables (ADR 0016), on ONE connection per process: `DGR_READ_MODEL_FILE`, by default
 * `read-models.sqlite` beside the log. It holds nothing the log does not: deleting it loses nothing, the next
 * start rebuilds it. `:memory:` (the default when none is given: tests, a replay) keeps it in memory.
 *
 * Each read model keeps its checkpoint in `projection_checkpoints` — its code version, the last log position
 * it has applied, that event's hash (so a read-model file beside another log is noticed) and what else it needs
 * to resume (`detail`, JSON) — and writes it in the same transaction as its rows.
 *
 * A file SQLite cannot read (not a database, damaged) is moved aside as `<file>.damaged-<time>` (with its
 * `-wal`) and started anew; `recreated` says why. A service opens its file with `openExclusive` (ADR 0020): one
 * process per file, held by a lock file, so two instances on one log never contend for one file's write lock.
 */
export class ReadModelDb {
  private readonly db: Database.Database;
  /** This connection only reads (`new ReadModelDb(file, { readOnly: true })`): the read models' writes are another's. */
  readonly readOnly: boolean;
  /** Why the file was found unusable (not SQLite, damaged) and was moved aside and started anew on open, or null. */
  readonly recreated: string | null;
  /** The file did not exist before this open, or was moved aside (or is in memory): everything in it is built from the log. */
  readonly created: boolean;
  /** The lock this process holds on the file (openExclusive), released on close. */
  private lock: ReadModelLock | null = null;
  /** Which slot of the requested file this is (1: the file itself; openExclusive with slots). */
  slot = 1;

  /**
   * `readOnly`: a connection that only reads a file another connection writes (ADR 0021: the main thread's, while
   * the projection worker applies the read models). The file must exist; it is never moved aside, nothing is created.
   */
  constructor(
    readonly file: string = ':memory:',
    options: { readonly readOnly?: boolean } = {},
  ) {
    this.readOnly = options.readOnly === true;
    if (this.readOnly) {
      this.db = new Database(file, { readonly: true, fileMustExist: true });
      this.db.pragma('busy_timeout = 30000');
      this.recreated = null;
      this.created = false;
      return;
    }
    const existed = file !== ':memory:' && existsSync(file);
    const opened = ReadModelDb.open(file);
    this.db = opened.db;
    this.recreated = opened.recreated;
    this.created = !existed || opened.recreated !== null;
  }

  /**
   * Opens `file` for this process alone: takes its lock (ReadModelLock) first, then opens it. When another
   * live process holds it: with `slots`, the next free slot beside it (`read-models.2.sqlite`, …, any slot is a
   * valid cache of the log; `slot` says which); without, ReadModelFileInUse. `:memory:` needs no lock.
   */
  static openExclusive(file: string, options: ExclusiveOptions = {}): ReadModelDb {
    if (file === ':memory:') return new ReadModelDb(file);
    const last = options.slots ? MAX_READ_MODEL_SLOTS : 1;
    for (let n = 1; n <= last; n++) {
      const candidate = readModelSlot(file, n);
      const lock = ReadModelLock.tryTake(candidate);
      if (!lock) continue;
      try {
        const db = new ReadModelDb(candidate);
        db.lock = lock;
        db.slot = n;
        return db;
      } catch (e) {
        lock.release();
        throw e;
      }
    }
    throw new ReadModelFileInUse(
      file,
      options.slots
        ? `${file} and its ${MAX_READ_MODEL_SLOTS - 1} further slots (${path.basename(readModelSlot(file, 2))}, …) are each in use by another process: stop an instance, or give this one its own DGR_READ_MODEL_FILE`
        : `${file} is in use by another process (another instance, or dgr, holds ${ReadModelLock.fileOf(file)}): give each instance its own DGR_READ_MODEL_FILE, or leave it unset so that each instance takes a free slot beside the default file`,
    );
  }

  private static open(file: string): { db: Database.Database; recreated: string | null } {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    try {
      return { db: ReadModelDb.openOrThrow(file), recreated: null };
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (file === ':memory:' || !DAMAGED.has(code ?? '')) throw e;
      const aside = `${file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(file, aside);
      // The WAL belongs to the damaged file (it must not be replayed into the new one); the -shm is only an index.
      if (existsSync(`${file}-wal`)) renameSync(`${file}-wal`, `${aside}-wal`);
      if (existsSync(`${file}-shm`)) unlinkSync(`${file}-shm`);
      return { db: ReadModelDb.openOrThrow(file), recreated: `SQLite could not read it (${(e as Error).message}); it was moved to ${aside}` };
    }
  }

  private static openOrThrow(file: string): Database.Database {
    const db = new Database(file);
    try {
      // One process per file (openExclusive); a wait is only for a tool that opened the file meanwhile.
      db.pragma('busy_timeout = 30000');
      if (file !== ':memory:') db.pragma('journal_mode = WAL');
      // The log is the truth: a read model that loses its last transactions in a power cut catches up from it.
      db.pragma('synchronous = NORMAL');
      db.exec(`CREATE TABLE IF NOT EXISTS projection_checkpoints (
        name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL, last_hash TEXT, detail TEXT)`);
      // A file written before the column was added.
      const columns = db.prepare('SELECT name FROM pragma_table_info(?)').all('projection_checkpoints') as Array<{ name: string }>;
      if (!columns.some((c) => c.name === 'detail')) db.exec('ALTER TABLE projection_checkpoints ADD COLUMN detail TEXT');
      db.prepare('SELECT name, version, position, last_hash, detail FROM projection_checkpoints').all();
      return db;
    } catch (e) {
      db.close();
      throw e;
    }
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Runs SQL without results (a schema). */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  /** A prepared statement, compiled once per connection (SQLite prepares it again itself after a schema change). */
  stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private readonly rawStatements = new Map<string, Database.Statement>();

  /**
   * A prepared statement whose rows are arrays of the columns in their order (better-sqlite3's raw mode), for the
   * reads that return many rows per request: an object per row as better-sqlite3 builds it cost ~3.5 µs more per
   * row of ten columns (a ledger page of 100 rows: 630 µs as objects, 275 µs as arrays).
   */
  rawStmt(sql: string): Statement {
    let statement = this.rawStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql).raw(true);
      this.rawStatements.set(sql, statement);
    }
    return statement;
  }

  checkpoint(name: string): Checkpoint | null {
    const row = this.stmt('SELECT version, position, last_hash AS lastHash, detail FROM projection_checkpoints WHERE name = ?').get(name) as
      | Checkpoint
      | undefined;
    return row ?? null;
  }

  /** `detail`: what else the read model needs to resume (JSON), or null. */
  setCheckpoint(name: string, version: number, position: number, lastHash: string | null, detail: string | null = null): void {
    this
      .stmt(
        `INSERT INTO projection_checkpoints (name, version, position, last_hash, detail) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET version = excluded.version, position = excluded.position, last_hash = excluded.last_hash, detail = excluded.detail`,
      )
      .run(name, version, position, lastHash, detail);
  }

  deleteCheckpoint(name: string): void {
    this.stmt('DELETE FROM projection_checkpoints WHERE name = ?').run(name);
  }

  hasTable(name: string): boolean {
    return this.stmt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  }

  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE): its rows and its checkpoint commit together. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /**
   * While the read models catch up with a long log (a cold rebuild), the file is written as a cache: no sync
   * per commit (`synchronous = OFF`: a commit is still atomic for a crash of the process, each batch's rows
   * with their checkpoint) and a larger page cache, so that a batch's B-tree pages are changed in memory and
   * written once. `false` restores the normal settings (and the page cache's size) and checkpoints the WAL into the file with a sync, so
   * what the catch-up wrote is as durable as any later commit (ADR 0018).
   */
  bulkWrites(on: boolean): void {
    if (on) {
      this.cacheSizeBefore ??= this.db.pragma('cache_size', { simple: true }) as number;
      this.db.pragma('synchronous = OFF');
      this.db.pragma(`cache_size = ${-BULK_CACHE_KIB}`);
      return;
    }
    this.db.pragma('synchronous = NORMAL');
    if (this.cacheSizeBefore !== null) this.db.pragma(`cache_size = ${this.cacheSizeBefore}`);
    this.cacheSizeBefore = null;
    if (this.file !== ':memory:') this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /**
   * How long a write waits for another connection's write lock, synchronously (better-sqlite3): 0 answers
   * SQLITE_BUSY at once, for a connection on the event loop beside a writer on another thread (ADR 0021).
   */
  busyTimeout(ms: number): void {
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(ms))}`);
  }

  /**
   * Checkpoints the whole WAL into the file and truncates it, waiting (busy_timeout) for the readers of older
   * snapshots: for the projection worker after a catch-up (ADR 0021), where the main thread's reads meanwhile
   * kept the WAL from restarting, so it grew by the catch-up's size. Never on the event loop.
   */
  truncateWal(): void {
    if (this.file !== ':memory:' && !this.readOnly) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** The page cache's size before `bulkWrites(true)`, restored after it. */
  private cacheSizeBefore: number | null = null;

  get isOpen(): boolean {
    return this.db.open;
  }

  /** Closes the connection, then lets another process have the file (releases the lock). */
  close(): void {
    if (this.db.open) this.db.close();
    this.lock?.release();
    this.lock = null;
  }
}

export interface Checkpoint {
  readonly version: number;
  readonly position: number;
  readonly lastHash: string | null;
  readonly detail: string | null;
}

