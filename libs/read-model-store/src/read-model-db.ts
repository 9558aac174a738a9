import { existsSync, unlinkSync } from 'node:fs';
import Database from 'better-sqlite3';

/** A prepared statement, as the read models use it. */
export interface Statement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

/** The page cache while catching up (KiB): a batch's changed pages stay in memory until its commit. */
const BULK_CACHE_KIB = 64 * 1024;

/**
 * The file that holds the persistent business read models (ADR 0018): `DGR_READ_MODEL_FILE`, by default
 * `read-models.sqlite` beside the log. It holds nothing the log does not: deleting it loses nothing, the next
 * start rebuilds it. `:memory:` (the default when none is given: tests, a replay) keeps it in memory.
 *
 * Each projection keeps its checkpoint in `projection_checkpoints` — its code version, the last log position
 * it has applied and that event's hash (so a read-model file beside another log is noticed) — and writes it in
 * the same transaction as its rows.
 */
export class ReadModelDb {
  private readonly db: Database.Database;
  /** Why the file was found unusable (not SQLite, damaged) and was deleted and started anew on open, or null. */
  readonly recreated: string | null;

  constructor(readonly file: string = ':memory:') {
    const opened = ReadModelDb.open(file);
    this.db = opened.db;
    this.recreated = opened.recreated;
  }

  private static open(file: string): { db: Database.Database; recreated: string | null } {
    try {
      return { db: ReadModelDb.openOrThrow(file), recreated: null };
    } catch (e) {
      if (file === ':memory:') throw e;
      const reason = (e as Error).message;
      for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) unlinkSync(f);
      return { db: ReadModelDb.openOrThrow(file), recreated: reason };
    }
  }

  private static openOrThrow(file: string): Database.Database {
    const db = new Database(file);
    try {
      // Several processes may share the file (one folder, one log): a writer waits for the others' batches.
      db.pragma('busy_timeout = 30000');
      if (file !== ':memory:') db.pragma('journal_mode = WAL');
      // The log is the truth: a read model that loses its last transactions in a power cut catches up from it.
      db.pragma('synchronous = NORMAL');
      db.exec(`CREATE TABLE IF NOT EXISTS projection_checkpoints (
        name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL, last_hash TEXT)`);
      db.prepare('SELECT name, version, position, last_hash FROM projection_checkpoints').all();
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

  checkpoint(name: string): Checkpoint | null {
    const row = this.stmt('SELECT version, position, last_hash AS lastHash FROM projection_checkpoints WHERE name = ?').get(name) as
      | Checkpoint
      | undefined;
    return row ?? null;
  }

  setCheckpoint(name: string, version: number, position: number, lastHash: string | null): void {
    this
      .stmt(
        `INSERT INTO projection_checkpoints (name, version, position, last_hash) VALUES (?, ?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET version = excluded.version, position = excluded.position, last_hash = excluded.last_hash`,
      )
      .run(name, version, position, lastHash);
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

  /** The page cache's size before `bulkWrites(true)`, restored after it. */
  private cacheSizeBefore: number | null = null;

  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export interface Checkpoint {
  readonly version: number;
  readonly position: number;
  readonly lastHash: string | null;
}

