import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fromWire, type CommitOutcome, type TextAppend, type WireError } from './sqlite-appender';
import { COMMIT_THREAD_ROLE, type CommitThreadMessage } from './sqlite-commit.worker';
import { SQLITE_COMMIT_SIGNAL } from './sqlite-commit-signal';

/** The worker's script beside this file: sqlite-commit.worker.js in dist/, .ts when the sources run under jest. */
const SCRIPT = path.join(__dirname, `sqlite-commit.worker${path.extname(__filename)}`);

/**
 * Under jest (ts-jest) the sources are TypeScript, which a worker thread cannot load by itself: the worker then
 * first registers tools/ts-worker-loader.cjs (as the verify worker does). dist/ runs the JavaScript directly.
 */
const newWorker = (): Worker => {
  const workerData = { role: COMMIT_THREAD_ROLE, signal: SQLITE_COMMIT_SIGNAL };
  return SCRIPT.endsWith('.ts')
    ? new Worker(`require(${JSON.stringify(path.resolve(__dirname, '..', '..', '..', 'tools', 'ts-worker-loader.cjs'))}); require(${JSON.stringify(SCRIPT)});`, {
        eval: true,
        workerData,
      })
    : new Worker(SCRIPT, { workerData });
};

/** A message without its id (per kind of the union). */
type Unsent<M> = M extends unknown ? Omit<M, 'id'> : never;

interface InFlight {
  readonly resolve: (m: { outcomes?: CommitOutcome[] }) => void;
  readonly reject: (e: Error) => void;
}

/**
 * The process's commit thread (ADR 0019): one worker, started at the first commit, with a connection of its own
 * per store. It keeps the process alive only while a message is in flight. A worker that fails or exits fails
 * what it held (nothing of it is acknowledged; SQLite rolls an unfinished transaction back); the next commit
 * starts a new one.
 */
class CommitThread {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly inFlight = new Map<number, InFlight>();

  send(message: Unsent<CommitThreadMessage>): Promise<{ outcomes?: CommitOutcome[] }> {
    return new Promise((resolve, reject) => {
      const worker = this.started();
      const id = this.nextId++;
      this.inFlight.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...message, id });
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = newWorker();
    worker.unref();
    worker.on('message', (m: { id: number; outcomes?: CommitOutcome[]; failure?: WireError }) => {
      const waiting = this.inFlight.get(m.id);
      this.inFlight.delete(m.id);
      if (this.inFlight.size === 0) worker.unref();
      if (!waiting) return;
      if (m.failure) waiting.reject(fromWire(m.failure));
      else waiting.resolve(m);
    });
    const fail = (e: Error): void => {
      if (this.worker === worker) this.worker = null;
      const waiting = [...this.inFlight.values()];
      this.inFlight.clear();
      for (const w of waiting) w.reject(e);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the store's commit thread stopped (exit code ${code})`)));
    this.worker = worker;
    return worker;
  }
}

let shared: CommitThread | null = null;
let nextStore = 1;

/** One store's door to the process's commit thread: its own connection there, closed by `close`. */
export class SqliteCommitThread {
  private readonly store = nextStore++;
  private used = false;

  constructor(private readonly file: string) {}

  async commit(requests: TextAppend[][]): Promise<CommitOutcome[]> {
    shared ??= new CommitThread();
    this.used = true;
    return (await shared.send({ kind: 'commit', store: this.store, file: this.file, requests })).outcomes!;
  }

  async close(): Promise<void> {
    if (!this.used || !shared) return;
    this.used = false;
    await shared.send({ kind: 'release', store: this.store }).catch(() => undefined);
  }
}
