/**
 * The SQLite store's commit thread (ADR 0001): its own connection to the store's file, on which it runs each
 * group commit the store sends it, so that the disk flush of `synchronous=FULL` (and the hashing) never holds
 * the server's event loop. Messages: ← {id, requests} → {id, outcomes} | {id, failure}.
 *
 * sqlite-commit-thread.ts imports this module (so that every build compiles it beside that one); it does its
 * work only when it is a worker started with this role.
 */
import Database from 'better-sqlite3';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { SqliteAppender, toWire, type TextAppend } from './sqlite-appender';

export const COMMIT_THREAD_ROLE = 'dgr-sqlite-commit';

export interface CommitThreadData {
  readonly role: typeof COMMIT_THREAD_ROLE;
  readonly file: string;
}

const serve = ({ file }: CommitThreadData): void => {
  const db = new Database(file, { fileMustExist: true });
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const appender = new SqliteAppender(db);
  parentPort!.on('message', ({ id, requests }: { id: number; requests: TextAppend[][] }) => {
    try {
      parentPort!.postMessage({ id, outcomes: appender.commit(requests) });
    } catch (e) {
      parentPort!.postMessage({ id, failure: toWire(e) });
    }
  });
};

if (!isMainThread && (workerData as Partial<CommitThreadData> | null)?.role === COMMIT_THREAD_ROLE) serve(workerData as CommitThreadData);
