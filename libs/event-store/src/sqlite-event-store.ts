import { signalCommit, SQLITE_COMMIT_SIGNAL } from './sqlite-commit-signal';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CatchUpSubscription, tracked } from './catch-up-subscription';
import { eventHash } from './event-hash';
import {
  appendsProblem,
  type AppendResult,
  type EventStore,
  type EventsHandler,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type StreamAppend,
  type Subscription,
} from './event-store.port';
import { fromWire, SqliteAppender, toText, type CommitOutcome, type TextAppend } from './sqlite-appender';
import { SqliteCommitThread } from './sqlite-commit-thread';

interface Row {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  hash: string;
  previous_hash: string | null;
}

/** One caller's write: one stream (`append`) or several in one savepoint (`appendMany`). */
interface PendingAppend {
  appends: readonly StreamAppend[];
  resolve: (r: AppendResult[]) => void;
  reject: (e: unknown) => void;
}

const toRecorded = (r: Row): RecordedEvent => ({
  id: r.id,
  position: r.position,
  stream: r.stream,
  revision: r.revision,
  type: r.type,
  data: JSON.parse(r.data),
  metadata: JSON.parse(r.metadata),
  hash: r.hash,
  previousHash: r.previous_hash,
});

/**
 * A subscription that starts behind the head (a start on a long log, a cold rebuild) reads this many events per
 * batch until it has caught up: the read models apply each batch in one transaction, so a large batch writes each
 * changed row once per 20,000 events instead of once per 1,000 (ADR 0018). Live batches stay at 1,000.
 */
export const CATCH_UP_BATCH = 20_000;

export interface SqliteEventStoreOptions {
  /** How often a subscription looks for events written by another process (ms). */
  pollMs?: number;
  onSubscriptionError?: (e: unknown) => void;
  /** Told after each group commit: how many appends shared the transaction, and how long it took (seconds). */
  onGroupCommit?: (appends: number, seconds: number) => void;
  /**
   * A read-only connection to an existing file (the API's verify in a worker thread, beside the server's own
   * connection): nothing is created or upgraded, and an append fails.
   */
  readOnly?: boolean;
  /**
   * Commit on this connection, on the caller's thread (ADR 0001: by default a file's group commits run on a
   * commit thread of their own, so that the disk flush never holds the event loop). Same answers either way.
   */
  commitOnMainThread?: boolean;
}

/**
 * The embedded store: one SQLite file, WAL with synchronous=FULL, so an acknowledged append
 * survives a power cut. Appends that arrive while a commit is being prepared or is running share
 * the next transaction and so one disk flush (group commit); each keeps its own expected-revision
 * check and fails alone (a savepoint per append). The commits of a file run on a commit thread with
 * its own connection (ADR 0001), so the flush never holds the event loop; reads stay on this one.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly queue: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly statements;
  /** The commit thread (a file the store writes), or null: commits run on this connection (`:memory:`, read-only). */
  private readonly thread: SqliteCommitThread | null;
  private ownAppender: SqliteAppender | null = null;
  private committing = false;

  constructor(
    readonly file: string,
    private readonly options: SqliteEventStoreOptions = {},
  ) {
    if (file !== ':memory:' && !options.readOnly) mkdirSync(dirname(file), { recursive: true });
    this.db = options.readOnly ? new Database(file, { readonly: true, fileMustExist: true }) : new Database(file);
    if (!options.readOnly) this.db.pragma('journal_mode = WAL');
    // A read-only connection reads the log once from end to end (the verify worker): a page cache larger than
    // SQLite's own default (2 MB) keeps nothing it reads again, and counts in the server's resident memory.
    else this.db.pragma('cache_size = -2000');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    if (!options.readOnly) this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        id       TEXT    NOT NULL UNIQUE,
        stream   TEXT    NOT NULL,
        revision INTEGER NOT NULL,
        type     TEXT    NOT NULL,
        data     TEXT    NOT NULL,
        metadata TEXT    NOT NULL,
        hash     TEXT    NOT NULL DEFAULT '',
        previous_hash TEXT,
        UNIQUE (stream, revision)
      );
    `);
    if (!options.readOnly) this.addHashesToAnOlderFile();
    this.statements = {
      head: this.db.prepare<[], { p: number | null }>('SELECT MAX(position) AS p FROM events'),
      readStream: this.db.prepare<[string, number], Row>('SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision'),
      readAll: this.db.prepare<[number, number], Row>(
        'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?',
      ),
    };
    this.thread = file === ':memory:' || options.readOnly || options.commitOnMainThread ? null : new SqliteCommitThread(file);
  }

  /** A file written before events carried hashes gets its columns and its hash chains, once. */
  private addHashesToAnOlderFile(): void {
    const columns = this.db.prepare<[], { name: string }>('PRAGMA table_info(events)').all().map((c) => c.name);
    if (!columns.includes('hash')) this.db.exec("ALTER TABLE events ADD COLUMN hash TEXT NOT NULL DEFAULT ''");
    if (!columns.includes('previous_hash')) this.db.exec('ALTER TABLE events ADD COLUMN previous_hash TEXT');
    // A partial index holds only rows without a hash (none, once done), so the count below is one index lookup
    // instead of a scan of the whole log at every start (0.5 s at 1,000,000 events). Built once per file.
    this.db.exec("CREATE INDEX IF NOT EXISTS events_without_hash ON events (position) WHERE hash = ''");
    const missing = this.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM events WHERE hash = ''").get()?.n ?? 0;
    if (missing === 0) return;
    const last = new Map<string, string>();
    const update = this.db.prepare('UPDATE events SET hash = ?, previous_hash = ? WHERE position = ?');
    this.db.transaction(() => {
      for (const r of this.db.prepare<[], Row>('SELECT * FROM events ORDER BY position').all()) {
        const previousHash = last.get(r.stream) ?? null;
        const hash = eventHash({ stream: r.stream, revision: r.revision, type: r.type, data: JSON.parse(r.data), metadata: JSON.parse(r.metadata), previousHash });
        update.run(hash, previousHash, r.position);
        last.set(r.stream, hash);
      }
    }).immediate();
  }

  async append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const [result] = await this.appendMany([{ stream, events, expected }]);
    return result!;
  }

  /** Several streams in one savepoint of the group commit: every expected revision holds, or nothing is written. */
  appendMany(appends: readonly StreamAppend[]): Promise<AppendResult[]> {
    const problem = appendsProblem(appends);
    if (problem) return Promise.reject(new Error(problem));
    return new Promise((resolve, reject) => {
      this.queue.push({ appends, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    // One group commit at a time: what arrives meanwhile waits for the next one (and so shares its flush).
    if (this.committing || this.queue.length === 0) return;
    const batch: PendingAppend[] = [];
    const requests: TextAppend[][] = [];
    for (const request of this.queue.splice(0, this.queue.length)) {
      try {
        requests.push(toText(request.appends));
        batch.push(request);
      } catch (error) {
        request.reject(error); // Not JSON (a BigInt, a cycle): this caller alone fails.
      }
    }
    if (batch.length === 0) return;
    const started = performance.now();
    const done = (outcomes: CommitOutcome<unknown>[] | null, failure: unknown): void => {
      if (outcomes) this.options.onGroupCommit?.(batch.length, (performance.now() - started) / 1000);
      batch.forEach((request, i) => {
        const outcome = outcomes?.[i];
        if (!outcome) request.reject(failure);
        else if (outcome.ok) request.resolve(outcome.results);
        else request.reject(outcome.error);
      });
      if (outcomes) for (const s of this.subscriptions) s.notify();
    };
    if (!this.thread) {
      let outcomes: CommitOutcome<unknown>[];
      try {
        outcomes = this.appender().commit(requests);
      } catch (error) {
        return done(null, error);
      }
      if (this.file !== ':memory:') signalCommit(SQLITE_COMMIT_SIGNAL);
      return done(outcomes, null);
    }
    this.committing = true;
    this.thread.commit(requests).then(
      (outcomes) => this.afterCommit(() => done(outcomes.map((o) => (o.ok ? o : { ok: false, error: fromWire(o.error) })), null)),
      (error: unknown) => this.afterCommit(() => done(null, error)),
    );
  }

  private afterCommit(answer: () => void): void {
    this.committing = false;
    answer();
    this.flush();
  }

  private appender(): SqliteAppender {
    this.ownAppender ??= new SqliteAppender(this.db);
    return this.ownAppender;
  }

  async readStream(stream: string, fromRevision = 0): Promise<RecordedEvent[]> {
    return this.statements.readStream.all(stream, Math.max(0, fromRevision)).map(toRecorded);
  }

  get localFile(): string | undefined {
    return this.file === ':memory:' ? undefined : this.file;
  }

  async readAll(afterPosition: number, maxCount: number): Promise<RecordedEvent[]> {
    return this.statements.readAll.all(afterPosition, maxCount).map(toRecorded);
  }

  async headPosition(): Promise<number> {
    return this.statements.head.get()?.p ?? 0;
  }

  subscribeToAll(afterPosition: number, handler: EventsHandler): Subscription {
    const subscription = new CatchUpSubscription(this, afterPosition, handler, {
      batchSize: 1000,
      catchUpBatchSize: CATCH_UP_BATCH,
      pollMs: this.options.pollMs ?? 500,
      onError: this.options.onSubscriptionError ?? (() => undefined),
    });
    return tracked(this.subscriptions, subscription);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
    while (this.queue.length > 0 || this.committing) await new Promise((r) => setImmediate(r));
    await this.thread?.close();
    this.db.close();
  }
}
