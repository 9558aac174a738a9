import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CatchUpSubscription } from './catch-up-subscription';
import {
  checkExpected,
  sameBatchResult,
  type AppendResult,
  type EventStore,
  type EventsHandler,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
  type Subscription,
} from './event-store.port';

interface Row {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

interface PendingAppend {
  stream: string;
  events: readonly NewEvent[];
  expected: ExpectedRevision;
  resolve: (r: AppendResult) => void;
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
});

export interface SqliteEventStoreOptions {
  /** How often a subscription looks for events written by another process (ms). */
  pollMs?: number;
  onSubscriptionError?: (e: unknown) => void;
}

/**
 * The embedded store: one SQLite file, WAL with synchronous=FULL, so an acknowledged append
 * survives a power cut. Appends that arrive while a commit is being prepared share one
 * transaction and so one disk flush (group commit); each keeps its own expected-revision check
 * and fails alone (a savepoint per append).
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly queue: PendingAppend[] = [];
  private flushScheduled = false;
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly statements;

  constructor(
    readonly file: string,
    private readonly options: SqliteEventStoreOptions = {},
  ) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        id       TEXT    NOT NULL UNIQUE,
        stream   TEXT    NOT NULL,
        revision INTEGER NOT NULL,
        type     TEXT    NOT NULL,
        data     TEXT    NOT NULL,
        metadata TEXT    NOT NULL,
        UNIQUE (stream, revision)
      );
    `);
    this.statements = {
      head: this.db.prepare<[], { p: number | null }>('SELECT MAX(position) AS p FROM events'),
      streamRevision: this.db.prepare<[string], { r: number | null }>(
        'SELECT MAX(revision) AS r FROM events WHERE stream = ?',
      ),
      byId: this.db.prepare<[string], Row>('SELECT * FROM events WHERE id = ?'),
      insert: this.db.prepare(
        'INSERT INTO events (id, stream, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      readStream: this.db.prepare<[string], Row>('SELECT * FROM events WHERE stream = ? ORDER BY revision'),
      readAll: this.db.prepare<[number, number], Row>(
        'SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?',
      ),
    };
  }

  append(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) return Promise.reject(new Error('append needs at least one event'));
    return new Promise((resolve, reject) => {
      this.queue.push({ stream, events, expected, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue.splice(0, this.queue.length);
    const outcomes: Array<{ ok: true; result: AppendResult } | { ok: false; error: unknown }> = [];
    try {
      this.db.transaction(() => {
        for (const request of batch) {
          try {
            outcomes.push({ ok: true, result: this.db.transaction(() => this.appendNow(request))() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (error) {
      for (const request of batch) request.reject(error);
      return;
    }
    batch.forEach((request, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) request.resolve(outcome.result);
      else request.reject(outcome.error);
    });
    for (const s of this.subscriptions) s.notify();
  }

  private appendNow({ stream, events, expected }: PendingAppend): AppendResult {
    if (this.statements.byId.get(events[0]!.id)) return this.repeatedAppend(stream, events);
    const current = this.statements.streamRevision.get(stream)?.r ?? null;
    checkExpected(stream, expected, current);
    let revision = current ?? -1;
    let position = 0;
    for (const e of events) {
      revision += 1;
      const info = this.statements.insert.run(
        e.id,
        stream,
        revision,
        e.type,
        JSON.stringify(e.data),
        JSON.stringify(e.metadata),
      );
      position = Number(info.lastInsertRowid);
    }
    return { nextRevision: revision, position };
  }

  /** The same event ids again (a retried append): answer as the first time, write nothing. */
  private repeatedAppend(stream: string, events: readonly NewEvent[]): AppendResult {
    const rows = events.map((e) => this.statements.byId.get(e.id));
    return sameBatchResult(stream, events, rows);
  }

  async readStream(stream: string): Promise<RecordedEvent[]> {
    return this.statements.readStream.all(stream).map(toRecorded);
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
      pollMs: this.options.pollMs ?? 500,
      onError: this.options.onSubscriptionError ?? (() => undefined),
    });
    this.subscriptions.add(subscription);
    return {
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.subscriptions.clear();
    while (this.queue.length > 0) await new Promise((r) => setImmediate(r));
    this.db.close();
  }
}
