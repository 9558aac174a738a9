/**
 * The SQLite stores' commit thread (ADR 0019): one worker per process, with a connection of its own for each
 * store that commits through it, on which it runs each group commit a store sends, so that the disk flush of
 * `synchronous=FULL` (and the hashing) never holds the server's event loop.
 * Messages: ← {id, kind: 'commit', store, file, requests} → {id, outcomes} | {id, failure};
 *           ← {id, kind: 'release', store} → {id} (the store's connection is closed).
 *
 * sqlite-commit-thread.ts imports this module (so that every build compiles it beside that one); it does its
 * work only when it is a worker started with this role.
 */
import Database from 'better-sqlite3';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { outcomeToWire, SqliteAppender, toWire, type TextAppend } from './sqlite-appender';
import { signalCommit } from './sqlite-commit-signal';

export const COMMIT_THREAD_ROLE = 'dgr-sqlite-commit';

export type CommitThreadMessage =
  | { readonly id: number; readonly kind: 'commit'; readonly store: number; readonly file: string; readonly requests: TextAppend[][] }
  | { readonly id: number; readonly kind: 'release'; readonly store: number };

const serve = (): void => {
  const connections = new Map<number, { db: Database.Database; appender: SqliteAppender }>();
  const connection = (store: number, file: string) => {
    let c = connections.get(store);
    if (!c) {
      const db = new Database(file, { fileMustExist: true });
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      c = { db, appender: new SqliteAppender(db) };
      connections.set(store, c);
    }
    return c;
  };
  parentPort!.on('message', (m: CommitThreadMessage) => {
    try {
      if (m.kind === 'release') {
        connections.get(m.store)?.db.close();
        connections.delete(m.store);
        parentPort!.postMessage({ id: m.id });
      } else {
        const outcomes = connection(m.store, m.file).appender.commit(m.requests);
        // Durable: a thread that follows the log (the projection worker, ADR 0021) is woken from here.
        const signal = (workerData as { signal?: Int32Array }).signal;
        if (signal) signalCommit(signal);
        parentPort!.postMessage({ id: m.id, outcomes: outcomes.map(outcomeToWire) });
      }
    } catch (e) {
      parentPort!.postMessage({ id: m.id, failure: toWire(e) });
    }
  });
};

if (!isMainThread && (workerData as { role?: unknown } | null)?.role === COMMIT_THREAD_ROLE) serve();
