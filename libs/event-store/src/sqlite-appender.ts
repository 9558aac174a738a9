import type Database from 'better-sqlite3';
import { eventHash } from './event-hash';
import { checkExpected, sameBatchResult, WrongExpectedRevision, type AppendResult, type ExpectedRevision, type NewEvent, type StreamAppend } from './event-store.port';

/** An event as it will be stored: its payload and metadata already JSON text (what the hash covers). */
export interface StoredText {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

/** One stream's part of a caller's write, as text: what crosses to the commit thread. */
export interface TextAppend {
  readonly stream: string;
  readonly expected: ExpectedRevision;
  readonly events: readonly StoredText[];
}

/** Why one caller's write failed, as plain data (it crosses a thread), and back. */
export type WireError =
  | { readonly kind: 'wrong-revision'; readonly stream: string; readonly expected: ExpectedRevision; readonly actual: number | 'no_stream' }
  | { readonly kind: 'error'; readonly name: string; readonly message: string; readonly code?: string };

/** One caller's outcome in a group commit: on the thread that ran it (`E` = the error itself), or as sent back. */
export type CommitOutcome<E = WireError> = { readonly ok: true; readonly results: AppendResult[] } | { readonly ok: false; readonly error: E };

export const toWire = (e: unknown): WireError => {
  if (e instanceof WrongExpectedRevision) return { kind: 'wrong-revision', stream: e.stream, expected: e.expected, actual: e.actual };
  // Not `instanceof Error`: better-sqlite3's SqliteError may come from another realm (one per jest module registry).
  if (typeof e === 'object' && e !== null && typeof (e as Error).message === 'string') {
    const { name, message, code } = e as Error & { code?: unknown };
    return { kind: 'error', name: typeof name === 'string' ? name : 'Error', message, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { kind: 'error', name: 'Error', message: String(e) };
};

export const outcomeToWire = (o: CommitOutcome<unknown>): CommitOutcome => (o.ok ? o : { ok: false, error: toWire(o.error) });

export const fromWire = (w: WireError): Error => {
  if (w.kind === 'wrong-revision') return new WrongExpectedRevision(w.stream, w.expected, w.actual);
  const e = new Error(w.message) as Error & { code?: string };
  e.name = w.name;
  if (w.code !== undefined) e.code = w.code;
  return e;
};

/** A caller's write as text; throws as JSON.stringify does (a BigInt, a cycle) — that caller alone fails. */
export const toText = (appends: readonly StreamAppend[]): TextAppend[] =>
  appends.map(({ stream, expected, events }) => ({
    stream,
    expected,
    events: events.map((e: NewEvent) => ({ id: e.id, type: e.type, data: JSON.stringify(e.data), metadata: JSON.stringify(e.metadata) })),
  }));

/**
 * The write half of the SQLite store: one group commit. All callers' writes share ONE `BEGIN IMMEDIATE …
 * COMMIT` (one disk flush); each caller's write runs in its own savepoint with its own expected-revision checks,
 * so one that fails fails alone and leaves no gap. Runs on the store's own connection (a `:memory:` file) or on
 * the commit thread's (sqlite-commit.worker.ts): the same code either way.
 */
export class SqliteAppender {
  private readonly statements;

  constructor(private readonly db: Database.Database) {
    this.statements = {
      streamHead: db.prepare<[string], { revision: number; hash: string }>('SELECT revision, hash FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1'),
      byId: db.prepare<[string], { stream: string; revision: number; position: number }>('SELECT stream, revision, position FROM events WHERE id = ?'),
      insert: db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata, hash, previous_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    };
  }

  /** Commits every caller's write in one transaction; throws only when the transaction itself fails (then none is written). */
  commit(requests: readonly (readonly TextAppend[])[]): CommitOutcome<unknown>[] {
    const outcomes: CommitOutcome<unknown>[] = [];
    this.db
      .transaction(() => {
        for (const appends of requests) {
          try {
            outcomes.push({ ok: true, results: this.db.transaction(() => appends.map((a) => this.appendNow(a)))() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      })
      .immediate();
    return outcomes;
  }

  private appendNow({ stream, events, expected }: TextAppend): AppendResult {
    if (this.statements.byId.get(events[0]!.id)) return sameBatchResult(stream, events, events.map((e) => this.statements.byId.get(e.id)));
    const head = this.statements.streamHead.get(stream);
    checkExpected(stream, expected, head ? head.revision : null);
    let revision = head ? head.revision : -1;
    let previousHash = head ? head.hash : null;
    let position = 0;
    for (const e of events) {
      revision += 1;
      // The hash covers what is stored (the JSON as it will be read back), not the caller's objects.
      const hash = eventHash({ stream, revision, type: e.type, data: JSON.parse(e.data), metadata: JSON.parse(e.metadata), previousHash });
      const info = this.statements.insert.run(e.id, stream, revision, e.type, e.data, e.metadata, hash, previousHash);
      previousHash = hash;
      position = Number(info.lastInsertRowid);
    }
    return { nextRevision: revision, position };
  }
}
